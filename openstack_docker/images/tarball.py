"""What a ``docker save`` tarball holds, read without loading it into an engine.

An image is matched by CONTENT: its id is the sha256 digest of its config blob, which is
what the engine reports as ``Id`` once the tarball is loaded. The repository tags in the
tarball (or the Glance image name) are never used to decide whether it is present.
"""

import dataclasses
import hashlib
import json
import tarfile

from openstack_docker.errors import InvalidSpec

MANIFEST = "manifest.json"


@dataclasses.dataclass(frozen=True)
class TarballImage:
    """The one image of a ``docker save`` tarball."""

    image_id: str
    repo_tags: tuple = ()


def _member_bytes(archive, name, field):
    try:
        member = archive.getmember(name)
    except KeyError:
        raise InvalidSpec(field, f"the tarball has no {name!r}",
                          "upload the output of `docker save`") from None
    handle = archive.extractfile(member)
    if handle is None:
        raise InvalidSpec(field, f"{name!r} in the tarball is not a regular file")
    with handle:
        return handle.read()


def _manifest_entry(archive, field):
    try:
        manifest = json.loads(_member_bytes(archive, MANIFEST, field))
    except ValueError as exc:
        raise InvalidSpec(field, f"{MANIFEST} is not JSON ({exc})") from None
    if not isinstance(manifest, list) or len(manifest) != 1:
        count = len(manifest) if isinstance(manifest, list) else "no"
        raise InvalidSpec(field, f"the tarball holds {count} images, expected one",
                          "save exactly one image per Glance image")
    entry = manifest[0]
    if not isinstance(entry, dict) or not entry.get("Config"):
        raise InvalidSpec(field, f"{MANIFEST} names no Config blob")
    return entry


def read_image(path, field="image data"):
    """Return the :class:`TarballImage` of a ``docker save`` tarball at ``path``.

    Only ``manifest.json`` and the small config blob are read; layers are skipped.
    """
    try:
        with tarfile.open(path, "r:*") as archive:
            entry = _manifest_entry(archive, field)
            config = _member_bytes(archive, entry["Config"], field)
    except (tarfile.TarError, OSError) as exc:
        raise InvalidSpec(field, f"not a readable tar archive ({exc})",
                          "upload the output of `docker save IMAGE`") from None
    return TarballImage(image_id="sha256:" + hashlib.sha256(config).hexdigest(),
                        repo_tags=tuple(entry.get("RepoTags") or ()))
