"""The streamed ``docker save`` writer and reader, checked with Python's own tarfile."""

import gzip
import io
import json
import tarfile

import pytest

from openstack_docker.images.bridge import archive, errors
from openstack_docker.images.bridge.registry import Descriptor, sha256_digest

CONFIG = b'{"rootfs": {"type": "layers", "diff_ids": []}}'


def _layer(payload):
    data = gzip.compress(payload)
    return Descriptor("gzip", sha256_digest(data), len(data)), data


def _archive(layers):
    blobs = {d.digest: data for d, data in layers}
    return archive.SaveArchive.for_image(
        sha256_digest(CONFIG), CONFIG, [d for d, _ in layers],
        lambda d: [blobs[d.digest][:3], blobs[d.digest][3:]])


def test_size_is_exact_and_tarfile_reads_the_layout():
    first, second = _layer(b"a" * 5000), _layer(b"b" * 70)
    image = _archive([first, second, first])
    data = b"".join(image)
    assert image.size == len(data)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        names = tar.getnames()
        assert names[:2] == [first[0].digest[7:], second[0].digest[7:]]
        manifest = json.load(tar.extractfile("manifest.json"))
        assert manifest == [{"Config": sha256_digest(CONFIG)[7:] + ".json",
                             "Layers": [first[0].digest[7:] + "/layer.tar",
                                        second[0].digest[7:] + "/layer.tar",
                                        first[0].digest[7:] + "/layer.tar"]}]
        assert tar.extractfile(manifest[0]["Layers"][1]).read() == second[1]
        assert names.count(manifest[0]["Layers"][0]) == 1  # a repeated layer is stored once


def test_short_blob_breaks_the_stream():
    descriptor, data = _layer(b"c" * 100)
    image = archive.SaveArchive.for_image(sha256_digest(CONFIG), CONFIG, [descriptor],
                                          lambda d: [data[:-1]])
    with pytest.raises(errors.TransferFailed, match="promised"):
        b"".join(image)


def _save_tar(members, links=()):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, payload in members:
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
        for name, target in links:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
    buffer.seek(0)
    return buffer


def test_reader_streams_large_members_and_keeps_small_ones(monkeypatch):
    monkeypatch.setattr(archive, "SMALL_MEMBER", 100)
    manifest = json.dumps([{"Config": "c.json", "Layers": ["l1/layer.tar", "l2/layer.tar"]}])
    fileobj = _save_tar([("l1/layer.tar", b"x" * 1000), ("c.json", CONFIG),
                         ("manifest.json", manifest.encode())], links=[("l2/layer.tar",
                                                                        "../l1/layer.tar")])
    seen = []

    def consume(name, chunks):
        seen.append(name)
        return len(b"".join(chunks))

    contents = archive.read(fileobj, consume)
    assert seen == ["l1/layer.tar"]
    assert contents.manifest["Config"] == "c.json"
    assert contents.member("c.json") == ("small", CONFIG)
    assert contents.member("l2/layer.tar") == ("large", 1000)
    with pytest.raises(errors.BridgeError, match="no such file"):
        contents.member("missing")


def test_reader_refuses_what_is_not_a_save_archive():
    with pytest.raises(errors.BridgeError, match=r"no manifest\.json"):
        archive.read(_save_tar([("x", b"1")]), lambda name, chunks: None)
    with pytest.raises(errors.BridgeError, match="not a docker save archive"):
        archive.read(io.BytesIO(b"garbage" * 200), lambda name, chunks: None)


def test_peek_keeps_every_byte_and_detects_tar():
    tar_bytes = _save_tar([("f", b"1" * 600)]).getvalue()
    head, chunks = archive.peek([tar_bytes[:100], tar_bytes[100:700], tar_bytes[700:]])
    assert archive.is_tar(head) and len(head) == archive.BLOCK
    assert b"".join(chunks) == tar_bytes
    head, _ = archive.peek([gzip.compress(tar_bytes)])
    assert not archive.is_tar(head)
