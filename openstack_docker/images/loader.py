"""Make a Glance image available in an engine, doing as little work as possible.

Two kinds of Glance images are accepted, both with ``container_format=docker``:

* images with data, a ``docker save`` tarball: loaded only when the engine lacks the
  image, matched by content (the config digest, see :mod:`.tarball`). When Glance already
  says which image it is (property ``docker_image_id``) and the engine has it, nothing is
  downloaded at all;
* reference-only images (``docker_reference_only=true``, ``docker_reference=REG/REPO:TAG``,
  optional ``docker_manifest_digest``), pulled from their registry instead.

The registry-Glance bridge sets those properties; images without them work too.

A loader remembers the engine image id of every content-addressed Glance image it
ensured (data verified by checksum, or a reference pinned by digest): :meth:`known` hands
it back without an engine call; the caller calls :meth:`forget` when the engine turns out
to have lost the image.
"""

import logging

import docker.utils

from openstack_docker import errors
from openstack_docker.images import properties, tarball
from openstack_docker.images.cache import Checksum

LOG = logging.getLogger(__name__)

CONTAINER_FORMAT = "docker"


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

    def __init__(self, engine, cache):
        self.engine = engine
        self.cache = cache
        self._known = {}

    def known(self, image):
        """An engine image id worth trying for ``image`` without asking the engine: the
        one an earlier :meth:`ensure` found, else Glance's ``docker_image_id``; or None.
        """
        check_format(image)
        return (self._known.get(_content_key(image))
                or _props(image).get(properties.IMAGE_ID))

    def forget(self, image):
        """Drop what :meth:`known` remembers of ``image`` (the engine no longer has it)."""
        self._known.pop(_content_key(image), None)

    def ensure(self, image, download):
        """Return the engine image id for the Glance ``image`` record (a dict).

        ``download(fileobj)`` streams the image data; it is called only when needed.
        """
        check_format(image)
        image_id = self._ensure(image, download)
        key = _content_key(image)
        if key is not None:
            self._known[key] = image_id
        return image_id

    def _ensure(self, image, download):
        if is_reference_only(image):
            return self._ensure_reference(image)
        known = _props(image).get(properties.IMAGE_ID)
        image_id = self.present(known) if known else None
        if image_id:
            LOG.debug("Image %s already in the engine as %s", image.get("id"), image_id)
            return image_id
        path = self.cache.fetch(image["id"], Checksum.from_glance(image), download)
        content = tarball.read_image(path, field=f"image {image['id']} data")
        image_id = self.present(content.image_id)
        if image_id is None:
            image_id = self._load(path, content.image_id)
        return image_id

    def present(self, reference):
        """The engine's id of ``reference`` (id, name or digest), or None."""
        try:
            with errors.translated():
                return self.engine.api.inspect_image(reference)["Id"]
        except errors.NotFound:
            return None

    def _load(self, path, expected_id):
        LOG.info("Loading %s into %s", path, self.engine)
        with errors.translated(), open(path, "rb") as handle:
            for message in self.engine.api.load_image(handle):
                if isinstance(message, dict) and message.get("error"):
                    raise errors.EngineError(f"loading {path} failed: {message['error']}")
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
        repository, tag = docker.utils.parse_repository_tag(reference)
        digest = props.get(properties.MANIFEST_DIGEST)
        wanted = f"{repository}@{digest}" if digest else reference
        if not (digest and self.present(wanted)):
            self._pull(repository, digest or tag or "latest", reference)
        image_id = self.present(wanted)
        if image_id is None:
            raise errors.ImageMissing(f"{wanted} is not in the engine after a pull")
        expected = props.get(properties.IMAGE_ID)
        if expected and expected != image_id:
            raise errors.InvalidSpec(
                properties.IMAGE_ID, f"{wanted} is {image_id}, Glance says {expected}",
                "the registry content changed; re-register the image in Glance")
        return image_id

    def _pull(self, repository, tag, reference):
        LOG.info("Pulling %s:%s into %s", repository, tag, self.engine)
        with errors.translated():
            for message in self.engine.api.pull(repository, tag=tag, stream=True,
                                                decode=True):
                if isinstance(message, dict) and message.get("error"):
                    raise errors.ImageMissing(
                        f"pulling {reference} failed: {message['error']}",
                        "check docker_reference and that the registry is reachable")
