"""Image data re-streamed so that loading it can never create or move an image name.

``docker load`` points every name an archive lists (``RepoTags`` in ``manifest.json``, the
legacy ``repositories`` file) at the image it loads, silently taking that name from
whatever it meant before. Glance image data is tenant data: on a shared engine, a tenant's
archive naming ``registry/app:latest`` would make every later user of that name run the
tenant's image. So tenant archives reach the engine only through :func:`stream`: the
manifest keeps ``Config`` and ``Layers`` and loses every name, ``repositories`` is dropped,
and the loaded image is known by its id alone.

What is checked must be what the engine reads: an archive whose manifest is ambiguous
(two members that extract to ``manifest.json``) or not a regular file (a link the engine
would follow to other data) is refused, as are member kinds ``docker save`` never writes.
"""

import json
import posixpath
import tarfile

from openstack_docker.errors import InvalidSpec

BLOCK = 512
MANIFEST = "manifest.json"
LEGACY_NAMES = "repositories"
#: Manifest keys the engine needs to load an image; everything else (names) is dropped.
MANIFEST_KEYS = ("Config", "Layers", "LayerSources")
_CHUNK = 1 << 20


def normalised(name):
    """Where the engine extracts member ``name``, relative to the archive root."""
    return posixpath.normpath("/" + name).lstrip("/")


def header(name, size, directory=False):
    """A tar header for a member this project writes (owner root, mtime 0)."""
    info = tarfile.TarInfo(name)
    info.size = 0 if directory else size
    info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
    info.mode = 0o755 if directory else 0o644
    info.mtime = 0
    return info.tobuf(format=tarfile.PAX_FORMAT)


def padding(size):
    """The zero bytes that round a member's data up to a whole tar block."""
    return b"\0" * (-size % BLOCK)


def manifest_member(members, field):
    """The one regular-file member that the engine reads as ``manifest.json``."""
    found = [info for info in members if normalised(info.name) == MANIFEST]
    if not found:
        raise InvalidSpec(field, f"the tarball has no {MANIFEST!r}",
                          "upload the output of `docker save`")
    if len(found) > 1:
        raise InvalidSpec(field, f"the tarball has {len(found)} members named {MANIFEST!r}",
                          "upload the output of `docker save`, unmodified")
    if not found[0].isreg():
        raise InvalidSpec(field, f"{MANIFEST!r} in the tarball is not a regular file",
                          "upload the output of `docker save`, unmodified")
    return found[0]


def manifest_entry(data, field):
    """The single image entry of a manifest, refused unless it names a Config blob."""
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise InvalidSpec(field, f"{MANIFEST} is not JSON ({exc})") from None
    if not isinstance(manifest, list) or len(manifest) != 1:
        count = len(manifest) if isinstance(manifest, list) else "no"
        raise InvalidSpec(field, f"the tarball holds {count} images, expected one",
                          "save exactly one image per Glance image")
    entry = manifest[0]
    if not isinstance(entry, dict) or not isinstance(entry.get("Config"), str) \
            or not entry["Config"]:
        raise InvalidSpec(field, f"{MANIFEST} names no Config blob")
    return entry


def _check_kinds(members, field):
    for info in members:
        if not (info.isreg() or info.isdir() or info.issym() or info.islnk()) \
                or info.issparse():
            raise InvalidSpec(field, f"member {info.name!r} is neither a file, a directory "
                              "nor a link", "upload the output of `docker save`, unmodified")


def _member_bytes(archive, info):
    with archive.extractfile(info) as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _unnamed_manifest(archive, info, field):
    with archive.extractfile(info) as handle:
        entry = manifest_entry(handle.read(), field)
    return json.dumps([{key: entry[key] for key in MANIFEST_KEYS if key in entry}]).encode()


def stream(path, field="image data"):
    """Yield the ``docker save`` archive at ``path`` as tar bytes without any image name.

    The archive is checked before the first byte is yielded, so a refused archive sends the
    engine nothing. Compressed archives are streamed out uncompressed.
    """
    try:
        archive = tarfile.open(path, "r:*")  # noqa: SIM115 (closed by the generator)
        members = archive.getmembers()
    except (tarfile.TarError, OSError) as exc:
        raise InvalidSpec(field, f"not a readable tar archive ({exc})",
                          "upload the output of `docker save IMAGE`") from None
    try:
        manifest = manifest_member(members, field)
        _check_kinds(members, field)
        unnamed = _unnamed_manifest(archive, manifest, field)
    except BaseException:
        archive.close()
        raise
    return _chunks(archive, members, manifest, unnamed)


def _chunks(archive, members, manifest, unnamed):
    with archive:
        for info in members:
            name = normalised(info.name)
            if name == LEGACY_NAMES or name.startswith(LEGACY_NAMES + "/"):
                continue
            if info is manifest:
                yield header(MANIFEST, len(unnamed))
                yield unnamed
                yield padding(len(unnamed))
                continue
            yield info.tobuf(format=tarfile.PAX_FORMAT)
            if info.isreg():
                yield from _member_bytes(archive, info)
                yield padding(info.size)
        yield b"\0" * (2 * BLOCK)
