"""Snapshot: commit the container, stream the image into the Glance image Nova created.

The image goes from the engine's ``docker save`` stream straight into Glance's upload
request through a file-like reader (glanceclient wants ``read()``): no copy on disk, no
copy in memory beyond one chunk. The committed image is removed from the engine after
the upload, so a snapshot leaves nothing behind but the Glance image.
"""

from oslo_log import log as logging

from openstack_docker import errors
from openstack_docker.images import properties as image_props

LOG = logging.getLogger(__name__)

#: Properties of the source image that would make the snapshot resolve to something else.
_SOURCE_ONLY_PROPERTIES = (image_props.REFERENCE, image_props.REFERENCE_ONLY,
                           image_props.MANIFEST_DIGEST, image_props.IMAGE_ID)


class ChunkReader:
    """A read-only file object over an iterator of byte chunks."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._buffer = b""
        self._offset = 0
        self.size = 0

    def read(self, size=-1):
        parts = []
        wanted = size
        while wanted != 0:
            if self._offset >= len(self._buffer):
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
                self._buffer, self._offset = chunk, 0
                continue
            end = len(self._buffer) if wanted < 0 else self._offset + wanted
            part = self._buffer[self._offset:end]
            self._offset += len(part)
            parts.append(part)
            if wanted > 0:
                wanted -= len(part)
        data = b"".join(parts)
        self.size += len(data)
        return data


def snapshot_metadata(current, image_id):
    """Glance metadata for the snapshot: a docker image that is exactly ``image_id``."""
    properties = {key: value for key, value in (current.get("properties") or {}).items()
                  if key not in _SOURCE_ONLY_PROPERTIES}
    properties[image_props.IMAGE_ID] = image_id
    return {"container_format": "docker", "disk_format": "raw",
            "properties": properties}


def commit(engine, container_id, instance_uuid):
    """Commit the container to an untagged image and return its id."""
    return engine.commit(container_id, message=f"nova snapshot of instance {instance_uuid}")


def stream(engine, image_id):
    """A file-like reader of ``docker save IMAGE_ID``."""
    return ChunkReader(engine.save_image(image_id))


def discard(engine, image_id):
    """Remove the committed image; a failure only leaves an untagged image, so log it."""
    try:
        engine.remove_image(image_id)
    except errors.DockerLayerError as exc:
        LOG.warning("Could not remove snapshot image %s from the engine: %s", image_id, exc)
