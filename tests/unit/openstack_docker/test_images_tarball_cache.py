"""The image library's pure parts: reading docker save tarballs, the verified cache."""

import hashlib
import io
import json
import os
import pathlib
import tarfile
import threading
import time

import pytest

from openstack_docker.errors import InvalidSpec
from openstack_docker.images import loader, tarball
from openstack_docker.images.cache import Checksum, ChecksumMismatch, ImageCache

CONFIG = b'{"architecture": "amd64", "config": {}}'


def make_tarball(path, manifest):
    with tarfile.open(path, "w") as archive:
        for name, data in (("manifest.json", json.dumps(manifest).encode()),
                           ("abc.json", CONFIG)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return str(path)


def test_image_id_is_the_config_digest_not_the_tag(tmp_path):
    path = make_tarball(tmp_path / "i.tar", [{"Config": "abc.json",
                                              "RepoTags": ["some/name:tag"]}])
    image = tarball.read_image(path)
    assert image.image_id == "sha256:" + hashlib.sha256(CONFIG).hexdigest()


@pytest.mark.parametrize("manifest", [[], [{"Config": "abc.json"}] * 2, [{}]])
def test_tarballs_without_exactly_one_image_are_refused(tmp_path, manifest):
    with pytest.raises(InvalidSpec):
        tarball.read_image(make_tarball(tmp_path / "i.tar", manifest))


def test_not_a_tarball(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(b"not a tar")
    with pytest.raises(InvalidSpec, match="docker save"):
        tarball.read_image(str(path))


def test_checksum_prefers_os_hash():
    assert Checksum.from_glance({"os_hash_algo": "sha512", "os_hash_value": "AB",
                                 "checksum": "cd"}) == Checksum("sha512", "ab")
    assert Checksum.from_glance({"checksum": "cd"}) == Checksum("md5", "cd")
    assert Checksum.from_glance({}) is None


def test_cache_downloads_once_when_verified(tmp_path):
    data = b"x" * 100000
    checksum = Checksum("sha256", hashlib.sha256(data).hexdigest())
    calls = []

    def download(handle):
        calls.append(1)
        for i in range(0, len(data), 4096):
            handle.write(data[i:i + 4096])

    cache = ImageCache(str(tmp_path))
    first = cache.fetch("img", checksum, download)
    assert cache.fetch("img", checksum, download) == first
    assert len(calls) == 1
    assert pathlib.Path(first).read_bytes() == data
    assert cache.image_ids() == ["img"]
    assert cache.remove("img") and cache.image_ids() == []


def test_cache_refuses_corrupt_data_and_keeps_nothing(tmp_path):
    cache = ImageCache(str(tmp_path))
    with pytest.raises(ChecksumMismatch, match="md5"):
        cache.fetch("img", Checksum("md5", "0" * 32), lambda handle: handle.write(b"data"))
    assert list(tmp_path.iterdir()) == []


def test_other_container_formats_are_refused_before_anything():
    with pytest.raises(InvalidSpec, match="container_format"):
        loader.check_format({"id": "x", "container_format": "bare"})


def _cached(cache, image_id, data=b"data"):
    checksum = Checksum("sha256", hashlib.sha256(data).hexdigest())
    return cache.fetch(image_id, checksum, lambda handle: handle.write(data))


def test_prune_keeps_images_in_use_and_recently_used(tmp_path):
    cache = ImageCache(str(tmp_path))
    for image_id in ("used", "old", "recent"):
        _cached(cache, image_id)
    for image_id in ("used", "old"):
        os.utime(cache.path(image_id), (0, 0))
    assert cache.prune({"used"}, min_age=3600) == ["old"]
    assert sorted(cache.image_ids()) == ["recent", "used"]
    # In use now means used now: it ages from this pass, not from its download.
    assert time.time() - os.stat(cache.path("used")).st_mtime < 60
    assert cache.prune(set(), min_age=0) and cache.image_ids() == []


def test_a_cache_hit_counts_as_a_use(tmp_path):
    cache = ImageCache(str(tmp_path))
    path = _cached(cache, "img")
    os.utime(path, (0, 0))
    assert _cached(cache, "img") == path
    assert cache.prune(set(), min_age=3600) == []


def test_prune_waits_for_the_image_lock(tmp_path):
    cache = ImageCache(str(tmp_path))
    _cached(cache, "img")
    pruned = []
    with cache.lock("img"):  # as a loader holds it from fetch to load
        worker = threading.Thread(target=lambda: pruned.extend(cache.prune(set(), 0)))
        worker.start()
        worker.join(0.2)
        assert worker.is_alive() and os.path.exists(cache.path("img"))
    worker.join(5)
    assert pruned == ["img"]


@pytest.mark.parametrize("value", ["server:latest", "sha256:abc", "ab" * 32,
                                   "sha256:" + "A" * 64, 42])
def test_docker_image_id_must_be_a_full_digest(value):
    image = {"id": "x", "container_format": "docker",
             "properties": {"docker_image_id": value}}
    with pytest.raises(InvalidSpec, match="docker_image_id"):
        loader.declared_id(image)


def test_docker_image_id_alone_is_no_shortcut():
    image = {"id": "x", "container_format": "docker", "checksum": "0" * 32,
             "properties": {"docker_image_id": "sha256:" + "a" * 64}}
    assert loader.ImageLoader(None, None).known(image) is None
