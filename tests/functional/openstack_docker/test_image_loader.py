"""The image loader on the testbed's real engine and registry, without any service on top.

The test image is made of random data and pushed under a unique repository of the testbed
registry (only the registry keeps it), so a load or a pull really has to bring it into the
engine. Glance is played by a record dict and a download function streaming a real
``docker save`` tarball, counting every transfer.
"""

import hashlib
import threading
import time
import uuid

import pytest

from openstack_docker import errors
from openstack_docker.images.bridge.reference import parse
from openstack_docker.images.bridge.registry import Registry
from openstack_docker.images.cache import ChecksumMismatch, ImageCache
from openstack_docker.images.loader import ImageLoader
from tests.common import testbed
from tests.common.engine_calls import count_calls, sdk_client
from tests.common.helpers import delete_manifest
from tests.functional.openstack_docker import bridge_services as services

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def pushed(engine):
    """``(reference, image id, manifest digest)`` of an image only the registry has."""
    reference = f"{testbed.registry()}/loader-test/img-{uuid.uuid4().hex[:8]}:v1"
    image_id = services.build_random_image(engine, reference, 1 << 20)
    registry = Registry(testbed.registry())
    digest = registry.manifest(parse(reference)).digest
    yield reference, image_id, digest
    delete_manifest(registry, parse(reference), digest)
    registry.close()
    services.remove_engine_image(engine, image_id)


@pytest.fixture(scope="module")
def tarball(engine, pushed, tmp_path_factory):
    """Path of a ``docker save`` of the pushed image; the engine no longer has the image."""
    reference, image_id, _ = pushed
    path = tmp_path_factory.mktemp("loader") / "image.tar"
    engine.pull(reference)
    with open(path, "wb") as handle:
        for chunk in engine.save_image(image_id):
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


def test_tarball_loaded_once_then_nothing_to_do(engine, pushed, tarball, loader):
    glance = FakeGlance(tarball)
    with count_calls(engine, "load_image") as loads:
        assert loader.ensure(glance.record, glance.download) == pushed[1]
        assert (glance.downloads, loads.call_count) == (1, 1)
        assert loader.ensure(glance.record, glance.download) == pushed[1]
        assert (glance.downloads, loads.call_count) == (1, 1)
    with count_calls(engine, "send") as calls:
        assert loader.known(glance.record) == pushed[1]
    assert calls.call_count == 0
    assert loader.cache.image_ids() == [glance.record["id"]]


def test_checksum_mismatch_fails_and_caches_nothing(engine, pushed, tarball, loader):
    glance = FakeGlance(tarball)
    glance.record["os_hash_value"] = "0" * 128
    with count_calls(engine, "load_image") as loads, \
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

    with count_calls(engine, "pull") as pulls:
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


def test_docker_image_id_never_selects_an_engine_image(engine, tarball, loader):
    """Any image owner writes docker_image_id: naming an image the engine holds (another
    tenant's, by id or by tag) must not hand that image out in place of the data."""
    present = engine.inspect_image(testbed.image("server"))["Id"]
    by_tag = FakeGlance(tarball, docker_image_id=testbed.image("server"))
    with pytest.raises(errors.InvalidSpec, match="docker_image_id"):
        loader.ensure(by_tag.record, by_tag.download)
    assert by_tag.downloads == 0  # refused by its form, before anything
    by_id = FakeGlance(tarball, docker_image_id=present)
    with pytest.raises(errors.InvalidSpec, match=f"says {present}"):
        loader.ensure(by_id.record, by_id.download)
    assert by_id.downloads == 1  # verified and compared, never trusted
    assert loader.known(by_id.record) is None


def test_docker_image_id_matching_the_data_is_accepted(engine, pushed, tarball, loader):
    glance = FakeGlance(tarball, docker_image_id=pushed[1])
    assert loader.ensure(glance.record, glance.download) == pushed[1]
    assert glance.downloads == 1
    assert loader.known(glance.record) == pushed[1]


class _SlowGlance(FakeGlance):
    """A download that waits for ``release`` once it has started."""

    def __init__(self, path):
        super().__init__(path)
        self.started, self.release = threading.Event(), threading.Event()

    def download(self, fileobj):
        self.started.set()
        assert self.release.wait(30)
        super().download(fileobj)


def _in_thread(results, function, *args):
    def run():
        results.append(function(*args))
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_concurrent_ensures_download_and_load_once(engine, pushed, tarball, loader):
    glance = _SlowGlance(tarball)
    results = []
    with count_calls(engine, "load_image") as loads:
        threads = [_in_thread(results, loader.ensure, glance.record, glance.download)
                   for _ in range(2)]
        assert glance.started.wait(30)
        time.sleep(0.2)  # the second thread is waiting for the image lock by now
        glance.release.set()
        for thread in threads:
            thread.join(60)
    assert results == [pushed[1], pushed[1]]
    assert (glance.downloads, loads.call_count) == (1, 1)


def test_cache_pruning_waits_for_a_load_in_progress(engine, pushed, tarball, loader):
    glance = FakeGlance(tarball)
    loader.ensure(glance.record, glance.download)  # cached, then lost by the engine
    services.remove_engine_image(engine, pushed[1])
    started, release = threading.Event(), threading.Event()
    real_load = sdk_client(engine).load_image

    def slow_load(data):
        started.set()
        assert release.wait(30)
        return real_load(data)

    loaded, pruned = [], []
    with count_calls(engine, "load_image", side_effect=slow_load):
        loading = _in_thread(loaded, loader.ensure, glance.record, glance.download)
        assert started.wait(30)
        pruning = _in_thread(pruned, loader.cache.prune, set(), 0)
        pruning.join(0.3)
        assert pruning.is_alive()  # it cannot remove the file between fetch and load
        release.set()
        loading.join(60)
        pruning.join(60)
    assert loaded == [pushed[1]] and loader.present(pushed[1]) == pushed[1]
    assert pruned == [[glance.record["id"]]] and loader.cache.image_ids() == []
    assert glance.downloads == 1
