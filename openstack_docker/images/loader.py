"""Make a Glance image available in an engine, doing as little work as possible.

Two kinds of Glance images are accepted, both with ``container_format=docker``:

* images with data, a ``docker save`` tarball: downloaded into the verified cache (Glance's
  checksum) and loaded only when the engine lacks the image, matched by content (the
  config digest, see :mod:`.tarball`);
* reference-only images (``docker_reference_only=true``, ``docker_reference=REG/REPO:TAG``,
  optional ``docker_manifest_digest``), pulled from their registry instead.

The registry-Glance bridge sets those properties; images without them work too.

Glance properties are claims any image owner can make. ``docker_image_id`` in particular
never selects an engine image: the engine resolves names, tags and id prefixes, so
trusting it would boot whatever image (another tenant's) the engine holds, skipping the
checksum. It must look like ``sha256:<64 hex>`` and is only compared with what was
verified (the data's content id, or the pulled image's id); a mismatch is refused.

The one shortcut: a loader remembers the engine image id of every content-addressed
Glance image it ensured itself (data verified by checksum, or a reference pinned by
digest); :meth:`ImageLoader.known` hands it back without an engine call; the caller calls
:meth:`ImageLoader.forget` when the engine turns out to have lost the image.
"""

import re

from oslo_log import log as logging

from openstack_docker import errors, parsing
from openstack_docker.images import nameless, properties, tarball
from openstack_docker.images.cache import Checksum

LOG = logging.getLogger(__name__)

CONTAINER_FORMAT = "docker"

#: The only form of an engine image id accepted from Glance: a full config digest.
_IMAGE_ID = re.compile(r"^sha256:[0-9a-f]{64}$")


def _props(image):
    return image.get("properties") or {}


def is_reference_only(image):
    return properties.is_reference_only(_props(image))


def _content_key(image):
    """What identifies ``image``'s content, or None when it may change under the same
    Glance record (a reference by tag is pulled again every time)."""
    props = _props(image)
    if is_reference_only(image):
        digest = props.get(properties.MANIFEST_DIGEST)
        return (image.get("id"), props.get(properties.REFERENCE), digest) if digest else None
    checksum = Checksum.from_glance(image)
    return (image.get("id"), str(checksum)) if checksum else None


def declared_id(image):
    """Glance's ``docker_image_id`` of ``image`` (None when unset), refused unless it is a
    full ``sha256:`` digest: a name, tag or prefix would let the engine pick the image."""
    value = _props(image).get(properties.IMAGE_ID)
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _IMAGE_ID.match(value):
        raise errors.InvalidSpec(
            f"image property {properties.IMAGE_ID}",
            f"image {image.get('id')} has {value!r}, not an image id",
            "give the full sha256:<64 hex digits> config digest, or remove the property")
    return value


def check_format(image):
    """Refuse, before anything is downloaded or created, images that are not Docker images."""
    fmt = image.get("container_format")
    if fmt != CONTAINER_FORMAT:
        raise errors.InvalidSpec(
            "container_format",
            f"image {image.get('id')} has container_format {fmt!r}; this driver runs only "
            f"{CONTAINER_FORMAT!r} images",
            "upload a `docker save` tarball with --container-format docker")


class ImageLoader:
    """Resolve Glance images to engine image ids on one engine."""

    def __init__(self, engine, cache, credentials=None):
        """``credentials(registry)``: the engine ``auth_config`` for pulls from that
        registry host (``127.0.0.1:5000``, ``docker.io``), or None; from the operator's
        configuration only, never from image properties."""
        self.engine = engine
        self.cache = cache
        self.credentials = credentials
        self._known = {}

    def known(self, image):
        """The engine image id an earlier :meth:`ensure` verified for this Glance image
        (same id and checksum or pinned digest, same ``docker_image_id`` if set), worth
        trying without asking the engine; or None.
        """
        check_format(image)
        declared = declared_id(image)
        image_id = self._known.get(_content_key(image))
        return image_id if declared in (None, image_id) else None

    def forget(self, image):
        """Drop what :meth:`known` remembers of ``image`` (the engine no longer has it)."""
        self._known.pop(_content_key(image), None)

    def ensure(self, image, download):
        """Return the engine image id for the Glance ``image`` record (a dict).

        ``download(fileobj)`` streams the image data; it is called only when needed.
        """
        check_format(image)
        declared_id(image)
        with self.cache.lock(image.get("id")):  # one download and load at a time
            image_id = self._ensure(image, download)
        key = _content_key(image)
        if key is not None:
            self._known[key] = image_id
        return image_id

    def _ensure(self, image, download):
        if is_reference_only(image):
            return self._ensure_reference(image)
        path = self.cache.fetch(image["id"], Checksum.from_glance(image), download)
        content = tarball.read_image(path, field=f"image {image['id']} data")
        _check_declared(image, content.image_id, "its data is")
        image_id = self.present(content.image_id)
        if image_id is None:
            image_id = self._load(path, content.image_id)
        else:
            LOG.debug("Image %s already in the engine as %s", image["id"], image_id)
        return image_id

    def present(self, reference):
        """The engine's id of ``reference`` (id, name or digest), or None."""
        return self.engine.image_id(reference)

    def _load(self, path, expected_id):
        LOG.info("Loading %s into %s", path, self.engine)
        self.engine.load_image(nameless.stream(path))
        image_id = self.present(expected_id)
        if image_id is None:
            raise errors.ImageMissing(
                f"the engine loaded {path} but has no image {expected_id}",
                "the tarball's manifest does not match its content; save it again")
        return image_id

    def _ensure_reference(self, image):
        props = _props(image)
        reference = props.get(properties.REFERENCE)
        if not reference:
            raise errors.InvalidSpec(
                properties.REFERENCE, f"image {image.get('id')} is reference-only but "
                "names no docker_reference", "set docker_reference=REGISTRY/REPO:TAG")
        repository, _ = parsing.repository_tag(reference)
        digest = props.get(properties.MANIFEST_DIGEST)
        if not (digest and self.present(f"{repository}@{digest}")):
            LOG.info("Pulling %s into %s", reference, self.engine)
            auth = self.credentials(parsing.registry_of(reference)) \
                if self.credentials else None
            pulled = self.engine.pull(f"{repository}@{digest}" if digest else reference,
                                      auth_config=auth)
            digest = digest or pulled
        # By digest, not by tag: a name moved between the pull and here changes nothing.
        wanted = f"{repository}@{digest}"
        image_id = self.present(wanted)
        if image_id is None:
            raise errors.ImageMissing(f"{wanted} is not in the engine after a pull")
        _check_declared(image, image_id, f"{wanted} is")
        return image_id


def _check_declared(image, image_id, what):
    """Refuse an image whose ``docker_image_id`` is not the verified ``image_id``."""
    declared = declared_id(image)
    if declared and declared != image_id:
        raise errors.InvalidSpec(
            f"image property {properties.IMAGE_ID}",
            f"image {image.get('id')} says {declared} but {what} {image_id}",
            "correct or remove the property (for a registry image, the content may have "
            "changed: register it in Glance again)")
