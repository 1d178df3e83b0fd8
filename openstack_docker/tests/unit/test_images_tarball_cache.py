"""The image library's pure parts: reading docker save tarballs, the verified cache."""

import hashlib
import io
import json
import pathlib
import tarfile

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
    assert image.repo_tags == ("some/name:tag",)


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
