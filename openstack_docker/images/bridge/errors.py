"""What the bridge reports; each message names the image, registry or Glance at fault.

The bridge speaks HTTP to a registry and to Glance, never to an engine, but its errors belong
to the project's one hierarchy: :class:`BridgeError` is a
:class:`~openstack_docker.errors.DockerLayerError` and the bridge's :class:`InvalidSpec` is
also the layer's :class:`~openstack_docker.errors.InvalidSpec`. (That module imports the
docker SDK only when it translates an engine error, so the command stays within its memory
budget.)
"""

from openstack_docker import errors as layer_errors

__all__ = ["BridgeError", "GlanceError", "ImageNotInRegistry", "InvalidSpec",
           "RegistryAuthError", "RegistryError", "TransferFailed"]


class BridgeError(layer_errors.DockerLayerError):
    """Base of the bridge's errors."""


class InvalidSpec(BridgeError, layer_errors.InvalidSpec):
    """Input refused before any request: names the field and how to fix it."""


class RegistryError(BridgeError):
    """The registry refused a request or could not be reached."""


class RegistryAuthError(RegistryError):
    """The registry wants credentials we do not have or refused the ones we sent."""


class ImageNotInRegistry(RegistryError):
    """The repository or tag does not exist in the registry."""


class GlanceError(BridgeError):
    """Glance refused a request or could not be reached."""


class TransferFailed(BridgeError):
    """A copy broke off; the message says what was cleaned up and what was left."""
