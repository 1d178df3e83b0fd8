"""Every test here runs against the all-in-one; say so clearly when it is not up."""

import pytest

from openstack_docker import labels
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from tests.common import testbed
from tests.functional.allinone import cloud


@pytest.fixture(scope="session", autouse=True)
def allinone():
    cloud.check_up()


@pytest.fixture(scope="session")
def engine():
    """The testbed's engine through the shared layer, as the owner of the servers'
    containers: the tests look at them, and act on them from outside Nova."""
    engine = Engine(parse_endpoint(testbed.docker_url()), owner=labels.NOVA)
    yield engine
    engine.close()
