"""Nova must patch eventlet before anything imports urllib3: see tests.common.nova_setup."""

import tests.common.nova_setup  # noqa: F401

# isort: split
import uuid

import pytest

from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from openstack_docker.spec import ContainerSpec
from tests.common import testbed


@pytest.fixture(scope="module")
def engine():
    engine = Engine(parse_endpoint(testbed.docker_url()), owner="nova-nettest")
    yield engine
    engine.close()


@pytest.fixture
def start(engine):
    """Start testbed containers with network_mode none; removed after the test."""
    started = []

    def _start(image="server", **fields):
        if not fields.get("networks"):
            fields.setdefault("network_mode", "none")
        started.append(engine.run(ContainerSpec(image=testbed.image(image), **fields),
                                  name=f"nettest-{uuid.uuid4().hex[:10]}"))
        return started[-1]

    yield _start
    for container_id in started:
        engine.remove_container(container_id, timeout=0)
