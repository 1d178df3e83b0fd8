"""Image references (``REGISTRY/REPO:TAG`` or ``REGISTRY/REPO@sha256:...``), parsed strictly.

The bridge always talks to an explicit registry: a reference without one would silently mean
Docker Hub, which is never what an operator copying images into a cloud wants.
"""

import dataclasses
import re

from openstack_docker.images.bridge.errors import InvalidSpec

_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_HOST = re.compile(r"^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$")
EXAMPLE = "127.0.0.1:5000/library/busybox:latest"


@dataclasses.dataclass(frozen=True)
class Reference:
    registry: str
    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def target(self):
        """What to ask the registry's manifest endpoint for."""
        return self.digest or self.tag

    def with_tag(self, tag):
        return Reference(self.registry, self.repository, tag)

    def __str__(self):
        text = f"{self.registry}/{self.repository}"
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def _looks_like_registry(part):
    return "." in part or ":" in part or part == "localhost" or part.startswith("[")


def parse(text, field="reference", tagged=True):
    """Parse a reference; ``tagged=False`` for a bare repository (``REGISTRY/REPO``).

    A tagged reference without tag or digest means ``:latest``, as for ``docker pull``.
    """
    fix = f"write REGISTRY/REPO:TAG, e.g. {EXAMPLE}" if tagged else \
        "write REGISTRY/REPO, e.g. 127.0.0.1:5000/library/busybox"
    if not isinstance(text, str) or not text.strip():
        raise InvalidSpec(field, "an image reference is required", fix)
    text = text.strip()
    registry, _, rest = text.partition("/")
    if not rest or not _looks_like_registry(registry) or not _HOST.match(registry):
        raise InvalidSpec(field, f"{text!r} names no registry host", fix)
    rest, _, digest = rest.partition("@")
    name, tag = rest, None
    last = rest.rsplit("/", 1)[-1]
    if ":" in last:
        name, _, tag = rest.rpartition(":")
    if not tagged and (tag or digest):
        raise InvalidSpec(field, f"{text!r} has a tag or digest; a repository is expected", fix)
    for component in name.split("/"):
        if not _COMPONENT.match(component):
            raise InvalidSpec(field, f"{text!r}: repository component {component!r} is invalid "
                              "(lowercase letters, digits and . _ - separators)", fix)
    if tag is not None and not _TAG.match(tag):
        raise InvalidSpec(field, f"{text!r}: tag {tag!r} is invalid", fix)
    if digest and not _DIGEST.match(digest):
        raise InvalidSpec(field, f"{text!r}: digest {digest!r} is not sha256:<64 hex>", fix)
    if tagged and not tag and not digest:
        tag = "latest"
    return Reference(registry, name, tag, digest or None)
