"""Import, export, list and sync: the bridge's operations, each leaving nothing half-done.

An import streams registry blobs through :class:`~.archive.SaveArchive` straight into Glance's
upload; an export streams Glance's data through :func:`~.archive.read` straight into registry
blob uploads. Memory stays bounded by a few chunks whatever the image size. A copy that breaks
off (registry or Glance gone, Ctrl-C) deletes the half-made Glance image, or says plainly that
it could not and what is known of the image left behind.
"""

import dataclasses
import hashlib
import json
import time
import zlib

from oslo_log import log as logging

from openstack_docker.images import properties as props
from openstack_docker.images.bridge import archive, errors
from openstack_docker.images.bridge import reference as refs
from openstack_docker.images.bridge import registry as reg
from openstack_docker.images.bridge.progress import NoProgress

LOG = logging.getLogger(__name__)
GZIP_LEVEL = 6


@dataclasses.dataclass
class ImportResult:
    id: str
    name: str
    reference: str
    manifest_digest: str
    image_id: str
    size: int
    checksum: str | None
    reference_only: bool
    reused: bool
    seconds: float

    def as_dict(self):
        return dataclasses.asdict(self)


def _counted(chunks, progress, hasher):
    for chunk in chunks:
        hasher.update(chunk)
        progress.advance(len(chunk))
        yield chunk


def _gzipped(chunks):
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    for chunk in chunks:
        if out := compressor.compress(chunk):
            yield out
    yield compressor.flush()


class _Guarded:
    """Wraps the upload stream and remembers why it stopped, whatever the HTTP stack did."""

    def __init__(self, chunks):
        self.chunks = chunks
        self.error = None

    def __iter__(self):
        try:
            yield from self.chunks
        except GeneratorExit:
            raise  # the HTTP stack gave up on the upload: its own error says why
        except BaseException as exc:
            self.error = exc
            raise


class Bridge:
    """The operations, given a Glance client and a ``registry_for(host)`` factory."""

    def __init__(self, glance, registry_for, progress=None, platform=("linux", "amd64")):
        self.glance = glance
        self.registry_for = registry_for
        self.progress = progress or NoProgress()
        self.platform = platform

    # -- import ---------------------------------------------------------------------

    def import_image(self, reference, name=None, reference_only=False, extra_properties=None):
        """Copy (or, with ``reference_only``, point at) a registry image into Glance."""
        started = time.monotonic()
        ref = refs.parse(str(reference))
        registry = self.registry_for(ref.registry)
        manifest = registry.manifest(ref, self.platform)
        existing = self._existing(manifest, reference_only)
        if existing:
            LOG.info("%s (%s) is already Glance image %s: reusing it", ref, manifest.digest,
                     existing["id"])
            return self._result(existing, ref, manifest, reused=True, started=started)
        config = registry.blob(ref.repository, manifest.config)
        self._check_config(ref, manifest, config)
        properties = {props.REFERENCE: str(ref), props.MANIFEST_DIGEST: manifest.digest,
                      props.IMAGE_ID: manifest.config.digest, **(extra_properties or {})}
        data = None
        if reference_only:
            properties[props.REFERENCE_ONLY] = props.TRUE
        else:
            data = archive.SaveArchive.for_image(
                manifest.config.digest, config, manifest.layers,
                lambda layer: registry.blob_chunks(ref.repository, layer))
        image = self.glance.create(name or str(ref), properties)
        self._upload(image, data or (), data.size if data else 0, f"import {ref}")
        return self._result(self.glance.get(image["id"]), ref, manifest, reused=False,
                            started=started)

    def _existing(self, manifest, reference_only):
        """An active image of this kind that this bridge made (or could have) for ``manifest``.

        Properties are only claims: anyone may set them on an image they share or publish.
        So an image is reused only when it belongs to the project this session creates
        images for (Glance's ``owner``; none for a Glance without Keystone, as here) and
        its image id is the manifest's config digest too.
        """
        owner = self.glance.project_id()
        for image in self.glance.docker_images(
                **{props.MANIFEST_DIGEST: manifest.digest, "status": "active"}):
            if image.get("owner") == owner and \
                    image.get(props.IMAGE_ID) == manifest.config.digest and \
                    props.is_reference_only(image) == reference_only:
                return image
        return None

    @staticmethod
    def _check_config(ref, manifest, config):
        try:
            diff_ids = json.loads(config)["rootfs"]["diff_ids"]
        except (ValueError, KeyError, TypeError) as exc:
            raise errors.RegistryError(f"{ref}: config {manifest.config.digest} is not a "
                                       "Docker image config") from exc
        if len(diff_ids) != len(manifest.layers):
            raise errors.RegistryError(f"{ref}: manifest lists {len(manifest.layers)} layers "
                                       f"but the config {len(diff_ids)}")

    def _upload(self, image, chunks, size, what):
        """Upload and verify; on any failure the image is deleted, or reported as left over."""
        md5 = hashlib.md5(usedforsecurity=False)
        guarded = _Guarded(_counted(chunks, self.progress, md5))
        self.progress.start(what, size)
        uploaded = None  # None: not accepted; {}: accepted, not seen since; else Glance's record
        try:
            self.glance.upload(image["id"], guarded if size else b"")
            uploaded = {}
            uploaded = self.glance.get(image["id"])
            if uploaded.get("status") != "active" or uploaded.get("size") != size or (
                    size and uploaded.get("checksum") != md5.hexdigest()):
                raise errors.TransferFailed(
                    f"Glance image {image['id']} came out {uploaded.get('status')} with "
                    f"{uploaded.get('size')} bytes and checksum {uploaded.get('checksum')}; "
                    f"expected active, {size} bytes, {md5.hexdigest()}")
        except BaseException as exc:
            cause = guarded.error if guarded.error is not None else exc
            self._discard(image, what, cause, uploaded)
            if cause is not exc and isinstance(cause, errors.BridgeError):
                raise cause from exc
            raise
        finally:
            self.progress.finish()

    def _discard(self, image, what, cause, uploaded):
        try:
            self.glance.delete(image["id"])
            LOG.warning("%s failed (%s): Glance image %s deleted", what, cause, image["id"])
        except errors.GlanceError as exc:
            raise errors.TransferFailed(
                f"{what} failed ({cause}); the Glance image {image['id']} could not be deleted "
                f"({exc}): {_left_over(uploaded)}; delete it when Glance is back "
                f"(openstack image delete {image['id']})") from cause

    @staticmethod
    def _result(image, ref, manifest, reused, started):
        return ImportResult(
            id=image["id"], name=image.get("name"), reference=str(ref),
            manifest_digest=manifest.digest, image_id=manifest.config.digest,
            size=image.get("size"), checksum=image.get("checksum"),
            reference_only=props.is_reference_only(image), reused=reused,
            seconds=round(time.monotonic() - started, 3))

    # -- export ---------------------------------------------------------------------

    def export_image(self, image_name_or_id, reference):
        """Push a Glance docker image to ``reference``; returns the manifest digest."""
        ref = refs.parse(str(reference))
        if ref.digest or not ref.tag:
            raise errors.InvalidSpec("reference", f"{ref}: export needs a tag, not a digest",
                                     f"write REGISTRY/REPO:TAG, e.g. {refs.EXAMPLE}")
        image = self.glance.resolve(image_name_or_id)
        if image.get("container_format") != "docker":
            raise errors.BridgeError(f"Glance image {image['id']} has container_format "
                                     f"{image.get('container_format')!r}, not 'docker'")
        if props.is_reference_only(image):
            raise errors.BridgeError(
                f"Glance image {image['id']} holds no data: it only points at "
                f"{image.get(props.REFERENCE)}; copy that reference instead")
        if image.get("status") != "active":
            raise errors.BridgeError(f"Glance image {image['id']} is {image.get('status')}, "
                                     "not active")
        registry = self.registry_for(ref.registry)
        response = self.glance.data(image["id"])
        self.progress.start(f"export {image['id']} -> {ref}", image.get("size") or 0)
        try:
            response.raw.decode_content = True
            contents = archive.read(_CountingReader(response.raw, self.progress),
                                    lambda name, chunks: self._push_blob(registry, ref, chunks))
        except errors.BridgeError:
            raise
        except Exception as exc:
            raise errors.TransferFailed(f"export of Glance image {image['id']} broke off: "
                                        f"{exc}") from exc
        finally:
            response.close()
            self.progress.finish()
        config, layers = self._descriptors(registry, ref, contents)
        digest = registry.put_manifest(ref, reg.schema2_manifest(config, layers))
        return {"id": image["id"], "reference": str(ref), "manifest_digest": digest,
                "image_id": config.digest, "layers": len(layers)}

    @staticmethod
    def _push_blob(registry, ref, chunks):
        head, chunks = archive.peek(chunks)
        if archive.is_tar(head):
            chunks = _gzipped(chunks)
        return registry.upload_blob(ref.repository, chunks, reg.LAYER_GZIP)

    def _descriptors(self, registry, ref, contents):
        try:
            config_name = contents.manifest["Config"]
            layer_names = contents.manifest["Layers"]
        except (KeyError, TypeError) as exc:
            raise errors.BridgeError("docker save manifest.json lacks Config or Layers") from exc
        kind, config = contents.member(config_name)
        if kind != "small":
            raise errors.BridgeError(f"image config {config_name} is implausibly large")
        config_descriptor = registry.upload_blob(ref.repository, [config], reg.CONFIG_V1)
        layers = []
        for name in layer_names:
            kind, found = contents.member(name)
            layers.append(found if kind == "large" else self._push_blob(registry, ref, [found]))
        return config_descriptor, layers

    # -- list and sync -------------------------------------------------------------------

    def list_images(self):
        """Glance's docker images with the registry reference and digest they came from."""
        return [{"id": image["id"], "name": image.get("name"), "status": image.get("status"),
                 "size": image.get("size"),
                 "reference": image.get(props.REFERENCE),
                 "manifest_digest": image.get(props.MANIFEST_DIGEST),
                 "image_id": image.get(props.IMAGE_ID),
                 "reference_only": props.is_reference_only(image)}
                for image in self.glance.docker_images()]

    def sync(self, repository, reference_only=False):
        """Import every tag of ``REGISTRY/REPO`` whose manifest Glance does not hold yet."""
        repo = refs.parse(str(repository), field="repository", tagged=False)
        registry = self.registry_for(repo.registry)
        tags = sorted(registry.tags(repo.repository))
        if not tags:
            raise errors.ImageNotInRegistry(f"{repo}: repository has no tags")
        return [self.import_image(repo.with_tag(tag), reference_only=reference_only)
                for tag in tags]


def _left_over(uploaded):
    """What is known of an image whose copy failed and that could not be deleted."""
    if uploaded is None:
        return ("its upload did not complete, so it is not active (Glance leaves it queued or "
                "saving) and nothing will boot from it")
    if not uploaded:
        return ("Glance accepted its upload but could not be asked about it since: it may be "
                "active with data that was never verified, so keep it from being booted")
    if uploaded.get("status") == "active":
        return "it is active with data that failed verification, so keep it from being booted"
    return f"it is {uploaded.get('status')}, so nothing will boot from it"


class _CountingReader:
    """A file-like view of the Glance download that reports progress as it is read."""

    def __init__(self, raw, progress):
        self.raw = raw
        self.progress = progress

    def read(self, size=-1):
        data = self.raw.read(size)
        self.progress.advance(len(data))
        return data
