"""The ``docker save`` archive format, written and read as a stream.

Writing: a tar member's size goes in its header, before its data. Registry layers are gzip
blobs whose compressed size the manifest states, and ``docker load`` decompresses each
``layer.tar`` it finds (measured with engine 20.10), so layers are stored exactly as the
registry serves them: every size is known up front, nothing is spooled, and the archive's
total size is known before the first byte (which gives Glance and the progress bar an exact
figure).

Reading: ``docker save`` writes ``manifest.json`` last, so a reader cannot know which member is
a layer until the end. :func:`read` hands every large member to a callback as it streams by
and keeps only small members (configs, metadata) in memory, within a fixed budget.
"""

import dataclasses
import io
import json
import posixpath
import tarfile

from openstack_docker.images.bridge import errors
from openstack_docker.images.nameless import BLOCK, MANIFEST, header, padding

SMALL_MEMBER = 1 << 20
SMALL_BUDGET = 16 << 20


@dataclasses.dataclass(frozen=True)
class Member:
    """One file of the archive: its name, exact size and a callable yielding its bytes."""

    name: str
    size: int
    chunks: object


class SaveArchive:
    """A ``docker save`` archive of one image, produced lazily as an iterable of bytes."""

    def __init__(self, members):
        self.members = members

    @classmethod
    def for_image(cls, config_digest, config_bytes, layers, layer_chunks):
        """Lay out an image: ``layers`` are descriptors, ``layer_chunks(d)`` streams one.

        The archive names no image (no ``RepoTags``): loading it must not move a name on an
        engine (see :mod:`openstack_docker.images.nameless`).
        """
        config_name = config_digest.split(":", 1)[1] + ".json"
        members, names = [], []
        for layer in layers:
            name = layer.digest.split(":", 1)[1] + "/layer.tar"
            if name not in names:
                members.append(Member(name, layer.size,
                                      lambda layer=layer: layer_chunks(layer)))
            names.append(name)
        manifest = json.dumps([{"Config": config_name, "Layers": names}]).encode()
        # Metadata first: a reader of this archive learns the layout before the layers.
        head = [Member(MANIFEST, len(manifest), lambda: [manifest]),
                Member(config_name, len(config_bytes), lambda: [config_bytes])]
        return cls(head + members)

    def _directories(self):
        seen = set()
        for member in self.members:
            parent = posixpath.dirname(member.name)
            if parent and parent not in seen:
                seen.add(parent)
                yield parent

    @property
    def size(self):
        """Exact byte count of the archive, known before any data is fetched."""
        total = sum(len(header(d + "/", 0, True)) for d in self._directories())
        for member in self.members:
            total += len(header(member.name, member.size)) + member.size
            total += len(padding(member.size))
        return total + 2 * BLOCK

    def __iter__(self):
        for directory in self._directories():
            yield header(directory + "/", 0, directory=True)
        for member in self.members:
            yield header(member.name, member.size)
            written = 0
            for chunk in member.chunks():
                written += len(chunk)
                yield chunk
            if written != member.size:
                raise errors.TransferFailed(f"archive member {member.name}: got {written} "
                                            f"bytes, its header promised {member.size}")
            yield padding(member.size)
        yield b"\0" * (2 * BLOCK)


@dataclasses.dataclass
class Contents:
    """What :func:`read` found: the parsed manifest, small members, callback results."""

    manifest: list
    small: dict
    large: dict

    def member(self, name):
        """``("small", bytes)`` or ``("large", callback result)`` for a member name."""
        if name in self.small:
            return "small", self.small[name]
        if name in self.large:
            return "large", self.large[name]
        raise errors.BridgeError(f"archive lists {name!r} in {MANIFEST} but has no such file")


def _chunks(reader, size=1 << 20):
    while chunk := reader.read(size):
        yield chunk


def read(fileobj, on_large):
    """Stream a ``docker save`` archive; ``on_large(name, chunks)`` consumes big members."""
    small, large, links, budget = {}, {}, {}, SMALL_BUDGET
    try:
        with tarfile.open(fileobj=fileobj, mode="r|*") as archive:
            for info in archive:
                name = posixpath.normpath(info.name)
                if info.issym() or info.islnk():
                    links[name] = posixpath.normpath(
                        posixpath.join(posixpath.dirname(name), info.linkname)
                        if info.issym() else info.linkname)
                    continue
                if not info.isfile():
                    continue
                reader = archive.extractfile(info)
                if info.size <= min(SMALL_MEMBER, budget):
                    small[name] = reader.read()
                    budget -= info.size
                else:
                    large[name] = on_large(name, _chunks(reader))
    except tarfile.TarError as exc:
        raise errors.BridgeError(f"not a docker save archive: {exc}") from exc
    for name, target in links.items():
        for found in (small, large):
            if target in found:
                found[name] = found[target]
    if MANIFEST not in small:
        raise errors.BridgeError(f"not a docker save archive: no {MANIFEST}")
    manifest = json.loads(small.pop(MANIFEST))
    if not isinstance(manifest, list) or len(manifest) != 1:
        raise errors.BridgeError(f"{MANIFEST} must describe exactly one image")
    return Contents(manifest[0], small, large)


def is_tar(first_block):
    """True for uncompressed tar data (ustar magic), which a registry wants gzip'd."""
    return len(first_block) >= 263 and first_block[257:262] == b"ustar"


def peek(chunks, size=BLOCK):
    """``(head, chunks)``: the first ``size`` bytes and an iterator still yielding all bytes."""
    chunks = iter(chunks)
    buffer = io.BytesIO()
    pending = []
    for chunk in chunks:
        pending.append(chunk)
        buffer.write(chunk)
        if buffer.tell() >= size:
            break

    def replay():
        yield from pending
        yield from chunks

    return buffer.getvalue()[:size], replay()
