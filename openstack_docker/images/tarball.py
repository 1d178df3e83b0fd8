"""What a ``docker save`` tarball holds, read without loading it into an engine.

An image is matched by CONTENT: its id is the sha256 digest of its config blob, which is
what the engine reports as ``Id`` once the tarball is loaded. The repository tags in the
tarball (or the Glance image name) are never used: they are not even loaded (see
:mod:`.nameless`).
"""

import dataclasses
import hashlib
import tarfile

from openstack_docker.errors import InvalidSpec
from openstack_docker.images import nameless


@dataclasses.dataclass(frozen=True)
class TarballImage:
    """The one image of a ``docker save`` tarball."""

    image_id: str


def read_image(path, field="image data"):
    """Return the :class:`TarballImage` of a ``docker save`` tarball at ``path``.

    Only ``manifest.json`` (the same member the engine will read, see :mod:`.nameless`) and
    the small config blob are read; layers are skipped.
    """
    try:
        with tarfile.open(path, "r:*") as archive:
            manifest = nameless.manifest_member(archive.getmembers(), field)
            entry = nameless.manifest_entry(_read(archive, manifest, field), field)
            config = _read(archive, entry["Config"], field)
    except (tarfile.TarError, OSError) as exc:
        raise InvalidSpec(field, f"not a readable tar archive ({exc})",
                          "upload the output of `docker save IMAGE`") from None
    return TarballImage(image_id="sha256:" + hashlib.sha256(config).hexdigest())


def _read(archive, member, field):
    try:
        handle = archive.extractfile(member)
    except KeyError:
        raise InvalidSpec(field, f"the tarball has no {member!r}",
                          "upload the output of `docker save`") from None
    if handle is None:
        raise InvalidSpec(field, f"{member!r} in the tarball is not a regular file")
    with handle:
        return handle.read()
