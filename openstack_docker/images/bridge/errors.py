"""What the bridge reports; each message names the image, registry or Glance at fault.

The bridge speaks HTTP to a registry and to Glance, never to an engine, so its errors stand
alone rather than under :mod:`openstack_docker.errors`: that module imports the docker SDK,
which would cost ``glance-docker`` about 20 MB of its 64 MB memory budget at start-up.
"""

__all__ = ["BridgeError", "GlanceError", "ImageNotInRegistry", "InvalidSpec",
           "RegistryAuthError", "RegistryError", "TransferFailed"]


class BridgeError(Exception):
    """Base of the bridge's errors."""


class InvalidSpec(BridgeError, ValueError):
    """Input refused before any request: names the field and how to fix it."""

    def __init__(self, field, problem, fix=None):
        super().__init__(f"{field}: {problem}" + (f" ({fix})" if fix else ""))
        self.field, self.problem, self.fix = field, problem, fix


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
