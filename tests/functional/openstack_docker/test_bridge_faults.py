"""Transfers that break off: registry or Glance killed mid-stream, Ctrl-C.

These run against a private registry and a private Glance (see :mod:`.bridge_services`), killed
and restarted here; the testbed's shared services are never touched.
"""

import uuid

import pytest
from keystoneauth1 import noauth, session

from openstack_docker.images.bridge import errors
from openstack_docker.images.bridge.bridge import Bridge
from openstack_docker.images.bridge.glance import Glance
from openstack_docker.images.bridge.progress import NoProgress
from openstack_docker.images.bridge.registry import Registry
from tests.functional.openstack_docker import bridge_services as services

pytestmark = pytest.mark.functional
IMAGE_SIZE = 48 << 20
TRIP_AFTER = 8 << 20


def _serving(service):
    service.start()
    yield service
    service.stop()


@pytest.fixture(scope="module")
def private_registry(tmp_path_factory):
    yield from _serving(services.private_registry(tmp_path_factory.mktemp("registry")))


@pytest.fixture(scope="module")
def private_glance(tmp_path_factory):
    yield from _serving(services.private_glance(tmp_path_factory.mktemp("glance")))


@pytest.fixture(scope="module")
def big_image(engine, private_registry):
    """A multi-layer image of random data, only in the private registry."""
    reference = f"{private_registry.address}/faults/big-{uuid.uuid4().hex[:8]}:v1"
    image_id = services.build_random_image(engine, reference, IMAGE_SIZE, layers=3)
    yield reference, image_id
    services.remove_engine_image(engine, image_id)


@pytest.fixture
def glance(private_glance):
    if private_glance.process.poll() is not None:
        private_glance.start()
    return Glance(session.Session(auth=noauth.NoAuth()), endpoint_override=private_glance.url)


class Trip(NoProgress):
    """Progress sink that does something nasty once enough bytes went by."""

    def __init__(self, action, after=TRIP_AFTER):
        self.action = action
        self.after = after
        self.seen = 0
        self.tripped = False

    def advance(self, count):
        self.seen += count
        if not self.tripped and self.seen >= self.after:
            self.tripped = True
            self.action()


def _bridge(glance, progress):
    return Bridge(glance, lambda host: Registry(host), progress=progress)


def _named(glance, reference):
    return [i for i in glance.docker_images() if i.get("docker_reference") == reference]


def test_registry_killed_mid_stream_leaves_nothing(glance, private_registry, big_image):
    reference, _ = big_image
    trip = Trip(private_registry.kill)
    try:
        with pytest.raises(errors.RegistryError, match=private_registry.address):
            _bridge(glance, trip).import_image(reference)
    finally:
        private_registry.start()
    assert trip.tripped
    assert _named(glance, reference) == []


def test_glance_killed_mid_upload_is_reported_and_not_active(glance, private_glance,
                                                             big_image):
    reference, _ = big_image
    trip = Trip(private_glance.kill)
    with pytest.raises(errors.TransferFailed) as caught:
        _bridge(glance, trip).import_image(reference)
    message = str(caught.value)
    assert trip.tripped
    assert "could not be deleted" in message and "not active" in message
    assert "Glance unreachable during upload" in message
    private_glance.start()
    left = _named(glance, reference)
    assert len(left) == 1 and left[0]["status"] != "active"
    assert left[0]["id"] in message
    glance.delete(left[0]["id"])


def test_ctrl_c_removes_the_partial_image(glance, big_image):
    reference, _ = big_image

    def interrupt():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _bridge(glance, Trip(interrupt)).import_image(reference)
    assert _named(glance, reference) == []


def test_full_import_after_the_faults(glance, big_image):
    """The same services, restarted, then serve a complete import (the faults left no debris)."""
    reference, _ = big_image
    result = _bridge(glance, NoProgress()).import_image(reference)
    try:
        image = glance.get(result.id)
        assert image["status"] == "active" and image["size"] == result.size > IMAGE_SIZE
    finally:
        glance.delete(result.id)


def test_registry_down_before_start_is_a_clear_error(glance):
    port = services.free_port()
    with pytest.raises(errors.RegistryError, match=f"127.0.0.1:{port}.*unreachable"):
        _bridge(glance, NoProgress()).import_image(f"127.0.0.1:{port}/nothing/here:v1")
