"""The image loader on the testbed's real engine and registry, without any service on top.

The test image is made of random data and pushed under a unique repository of the testbed
registry (only the registry keeps it), so a load or a pull really has to bring it into the
engine. Glance is played by a record dict and a download function streaming a real
``docker save`` tarball, counting every transfer.
"""

import hashlib
import uuid
from unittest import mock

import pytest

from openstack_docker import errors
from openstack_docker.images.bridge.reference import parse
from openstack_docker.images.bridge.registry import Registry
from openstack_docker.images.cache import ChecksumMismatch, ImageCache
from openstack_docker.images.loader import ImageLoader
from openstack_docker.tests import testbed
from openstack_docker.tests.functional import bridge_services as services

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def pushed(engine):
    """``(reference, image id, manifest digest)`` of an image only the registry has."""
    reference = f"{testbed.registry()}/loader-test/img-{uuid.uuid4().hex[:8]}:v1"
    image_id = services.build_random_image(engine, reference, 1 << 20)
    registry = Registry(testbed.registry())
    digest = registry.manifest(parse(reference)).digest
    yield reference, image_id, digest
    registry.delete_manifest(parse(reference), digest)
    registry.close()
    services.remove_engine_image(engine, image_id)


@pytest.fixture(scope="module")
def tarball(engine, pushed, tmp_path_factory):
    """Path of a ``docker save`` of the pushed image; the engine no longer has the image."""
    reference, image_id, _ = pushed
    path = tmp_path_factory.mktemp("loader") / "image.tar"
    with errors.translated():
        engine.api.pull(reference.rsplit(":", 1)[0], tag=reference.rsplit(":", 1)[1])
        with open(path, "wb") as handle:
            for chunk in engine.api.get_image(image_id):
                handle.write(chunk)
    services.remove_engine_image(engine, image_id)
    return path


class FakeGlance:
    """A Glance image record for a tarball, and a download that counts what it sends."""

    def __init__(self, path, **properties):
        with open(path, "rb") as handle:
            sha512 = hashlib.file_digest(handle, "sha512").hexdigest()
        self.path = path
        self.record = {"id": str(uuid.uuid4()), "container_format": "docker",
                       "disk_format": "raw", "os_hash_algo": "sha512",
                       "os_hash_value": sha512, "properties": properties}
        self.downloads = 0

    def download(self, fileobj):
        self.downloads += 1
        with open(self.path, "rb") as handle:
            for chunk in iter(lambda: handle.read(64 << 10), b""):
                fileobj.write(chunk)


@pytest.fixture
def loader(engine, pushed, tmp_path):
    """A loader with an empty cache; the pushed image is absent before and after."""
    services.remove_engine_image(engine, pushed[1])
    yield ImageLoader(engine, ImageCache(str(tmp_path / "cache")))
    services.remove_engine_image(engine, pushed[1])


def _counting(api, name):
    return mock.patch.object(api, name, wraps=getattr(api, name))


def test_tarball_loaded_once_then_nothing_to_do(engine, pushed, tarball, loader):
    glance = FakeGlance(tarball)
    with _counting(engine.api, "load_image") as loads:
        assert loader.ensure(glance.record, glance.download) == pushed[1]
        assert (glance.downloads, loads.call_count) == (1, 1)
        assert loader.ensure(glance.record, glance.download) == pushed[1]
        assert (glance.downloads, loads.call_count) == (1, 1)
    with _counting(engine.api, "send") as calls:
        assert loader.known(glance.record) == pushed[1]
    assert calls.call_count == 0
    assert loader.cache.image_ids() == [glance.record["id"]]


def test_checksum_mismatch_fails_and_caches_nothing(engine, pushed, tarball, loader):
    glance = FakeGlance(tarball)
    glance.record["os_hash_value"] = "0" * 128
    with _counting(engine.api, "load_image") as loads, \
            pytest.raises(ChecksumMismatch, match="sha512"):
        loader.ensure(glance.record, glance.download)
    assert loads.call_count == 0
    assert loader.cache.image_ids() == []
    assert loader.known(glance.record) is None
    assert loader.present(pushed[1]) is None


def test_reference_only_image_is_pulled_from_the_registry(engine, pushed, loader):
    reference, image_id, digest = pushed
    record = {"id": str(uuid.uuid4()), "container_format": "docker", "properties": {
        "docker_reference_only": "true", "docker_reference": reference,
        "docker_manifest_digest": digest, "docker_image_id": image_id}}

    def download(fileobj):
        raise AssertionError("a reference-only image has no data to download")

    with _counting(engine.api, "pull") as pulls:
        assert loader.ensure(record, download) == image_id
        assert loader.ensure(record, download) == image_id  # present by digest
    assert pulls.call_count == 1
    assert loader.cache.image_ids() == []


def test_reference_to_a_missing_tag_names_it(engine, pushed, loader):
    reference = pushed[0].rsplit(":", 1)[0] + ":no-such-tag"
    record = {"id": str(uuid.uuid4()), "container_format": "docker", "properties": {
        "docker_reference_only": "true", "docker_reference": reference}}
    with pytest.raises(errors.ImageMissing, match="no-such-tag"):
        loader.ensure(record, None)


def test_image_present_by_docker_image_id_is_not_downloaded(engine, tarball, loader):
    present = engine.api.inspect_image(testbed.image("server"))["Id"]
    glance = FakeGlance(tarball, docker_image_id=present)
    assert loader.ensure(glance.record, glance.download) == present
    assert glance.downloads == 0
    assert loader.cache.image_ids() == []
