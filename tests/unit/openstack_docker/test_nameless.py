"""Tenant archives lose every image name before an engine sees them."""

import gzip
import io
import json
import tarfile

import pytest

from openstack_docker.errors import InvalidSpec
from openstack_docker.images import nameless, tarball

CONFIG = b'{"architecture": "amd64"}'
VICTIM = "127.0.0.1:5000/testbed/server:latest"
MANIFEST = [{"Config": "abc.json", "RepoTags": [VICTIM], "Layers": ["l1/layer.tar"],
             "Extra": "dropped"}]


def _member(archive, name, data=b"", kind=tarfile.REGTYPE, linkname=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    archive.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def _archive(path, *extra, manifest=MANIFEST, compress=False):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        _member(archive, "l1", kind=tarfile.DIRTYPE)
        _member(archive, "l1/layer.tar", b"x" * 5000)
        _member(archive, "abc.json", CONFIG)
        _member(archive, "repositories", json.dumps({"127.0.0.1:5000/testbed/server":
                                                     {"latest": "l1"}}).encode())
        _member(archive, "manifest.json", json.dumps(manifest).encode())
        for args in extra:
            _member(archive, *args)
    data = buffer.getvalue()
    path.write_bytes(gzip.compress(data) if compress else data)
    return str(path)


def _read_back(chunks):
    data = b"".join(chunks)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        return {info.name: (archive.extractfile(info).read() if info.isreg() else info.type)
                for info in archive}


@pytest.mark.parametrize("compress", [False, True])
def test_names_are_removed_and_everything_else_kept(tmp_path, compress):
    members = _read_back(nameless.stream(_archive(tmp_path / "a.tar", compress=compress)))
    assert json.loads(members["manifest.json"]) == [{"Config": "abc.json",
                                                     "Layers": ["l1/layer.tar"]}]
    assert "repositories" not in members
    assert members["l1/layer.tar"] == b"x" * 5000
    assert members["abc.json"] == CONFIG


def test_legacy_names_under_any_spelling_are_dropped(tmp_path):
    path = _archive(tmp_path / "a.tar", ("./repositories/x", b"{}"))
    assert not any(name.lstrip("./").startswith("repositories")
                   for name in _read_back(nameless.stream(path)))


@pytest.mark.parametrize("extra", [
    ("./manifest.json", b"[]"),                                     # a second manifest
    ("x/../manifest.json", b"[]"),
    ("other.json", b"", tarfile.FIFOTYPE),                          # a kind save never writes
])
def test_ambiguous_or_foreign_archives_are_refused_before_any_byte(tmp_path, extra):
    with pytest.raises(InvalidSpec):
        nameless.stream(_archive(tmp_path / "a.tar", extra))


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE])
def test_a_manifest_that_is_a_link_is_refused(tmp_path, kind):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        _member(archive, "evil.json", json.dumps(MANIFEST).encode())
        _member(archive, "manifest.json", kind=kind, linkname="evil.json")
    path = tmp_path / "a.tar"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(InvalidSpec, match="not a regular file"):
        nameless.stream(str(path))
    with pytest.raises(InvalidSpec, match="not a regular file"):
        tarball.read_image(str(path))


def test_read_image_reads_the_member_the_engine_reads(tmp_path):
    """The content id comes from the one manifest that is loaded, never a decoy."""
    with pytest.raises(InvalidSpec, match="2 members"):
        tarball.read_image(_archive(tmp_path / "a.tar", ("./manifest.json", b"[]")))


def test_not_an_archive(tmp_path):
    path = tmp_path / "a.tar"
    path.write_bytes(b"not a tar")
    with pytest.raises(InvalidSpec, match="not a readable tar archive"):
        nameless.stream(str(path))
