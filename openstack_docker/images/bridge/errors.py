"""What the bridge reports; each message names the image, registry or Glance at fault."""

from openstack_docker.errors import DockerLayerError, InvalidSpec, NotFound

__all__ = ["BridgeError", "GlanceError", "ImageNotInRegistry", "InvalidSpec",
           "RegistryAuthError", "RegistryError", "TransferFailed"]


class BridgeError(DockerLayerError):
    """Base of the bridge's errors."""


class RegistryError(BridgeError):
    """The registry refused a request or could not be reached."""


class RegistryAuthError(RegistryError):
    """The registry wants credentials we do not have or refused the ones we sent."""


class ImageNotInRegistry(RegistryError, NotFound):
    """The repository or tag does not exist in the registry."""


class GlanceError(BridgeError):
    """Glance refused a request or could not be reached."""


class TransferFailed(BridgeError):
    """A copy broke off; the message says what was cleaned up and what was left."""
