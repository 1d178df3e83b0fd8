"""The Glance image properties that describe a Docker image: one definition for all sides.

The registry bridge (:mod:`~openstack_docker.images.bridge`) writes them and the driver-side
loader (:mod:`~openstack_docker.images.loader`) reads them; both take the names and the
meaning of ``docker_reference_only`` from here so that they cannot drift apart. Standard
library only: the bridge's memory budget counts every import.
"""

REFERENCE = "docker_reference"
"""``REGISTRY/REPO:TAG`` the image came from (and, for reference-only images, is pulled from)."""

MANIFEST_DIGEST = "docker_manifest_digest"
"""``sha256:...`` of the registry manifest."""

IMAGE_ID = "docker_image_id"
"""``sha256:...`` config digest: the id the engine gives the image once loaded or pulled."""

REFERENCE_ONLY = "docker_reference_only"
"""Set (to :data:`TRUE`) on images without data that engines pull from the registry instead."""

TRUE = "true"
"""What the bridge writes into :data:`REFERENCE_ONLY`."""

# The spellings oslo_utils.strutils.bool_from_string takes as true (as Nova does for image
# properties), without importing oslo.utils into the bridge.
_TRUE_STRINGS = frozenset(("1", "t", "true", "on", "y", "yes"))


def is_reference_only(properties):
    """Whether ``properties`` (a mapping of Glance image properties) mark a data-less image.

    Accepts ``true``/``True``/``1``/``yes``/... (a bool too), as an operator may have set it
    by hand; anything else, or no such property, means the image holds data.
    """
    value = properties.get(REFERENCE_ONLY)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE_STRINGS
