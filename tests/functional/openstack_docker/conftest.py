"""Fixtures for tests against the testbed's real engine."""

import uuid

import pytest

from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from tests.common import testbed

OWNER = "functest-shared"


@pytest.fixture(scope="session")
def engine():
    """An Engine for the testbed; sweeps everything it owns at the end of the session."""
    engine = Engine(parse_endpoint(testbed.docker_url()), owner=OWNER)
    yield engine
    for container in engine.list_containers():
        engine.remove_container(container["Id"], timeout=0)
    for network in engine.list_networks():
        engine.remove_network(network["Id"])
    for volume in engine.list_volumes():
        engine.remove_volume(volume["Name"])
    engine.close()


@pytest.fixture
def unique():
    """A short unique suffix for names, so parallel runs never clash."""
    return uuid.uuid4().hex[:8]


@pytest.fixture
def run(engine):
    """Create and start containers that are removed after the test."""
    created = []

    def _run(spec, name=None):
        container_id = engine.run(spec, name=name)
        created.append(container_id)
        return container_id

    yield _run
    for container_id in created:
        engine.remove_container(container_id, timeout=0)


def _factory(create, remove):
    """A fixture body: ``create`` objects during the test, ``remove`` them afterwards."""
    created = []

    def _make(name, **kwargs):
        created.append(create(name, **kwargs))
        return created[-1]

    yield _make
    for ident in created:
        remove(ident)


@pytest.fixture
def make_network(engine):
    """Create networks removed after the test (request it before ``run``)."""
    yield from _factory(engine.create_network, engine.remove_network)


@pytest.fixture
def make_volume(engine):
    """Create named volumes removed after the test (request it before ``run``)."""
    yield from _factory(engine.create_volume, engine.remove_volume)
