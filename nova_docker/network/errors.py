"""Errors of VIF plugging, as Nova exceptions so the compute manager handles them.

They derive from :class:`nova.exception.VirtualInterfacePlugException`, which the compute
manager already treats as "networking failed for this instance" (build reschedule, error
state), and carry a message that names the VIF, the problem and the fix. They are also
:class:`openstack_docker.errors.DockerLayerError`, the project's one error hierarchy.
"""

from nova import exception
from openstack_docker.errors import DockerLayerError


class VIFPlugError(exception.VirtualInterfacePlugException, DockerLayerError):
    """Plugging a VIF into a container failed; the message says which VIF and why."""

    def __init__(self, message):
        super().__init__(message=message)


class UnsupportedVIFType(VIFPlugError):
    """Nova handed over a VIF type this driver cannot wire into a container."""


class InvalidVIF(VIFPlugError):
    """The VIF lacks a field the chosen wiring needs (MAC, bridge name, ...)."""


class ContainerNotRunning(VIFPlugError):
    """VIFs live in the container's network namespace, which exists only while it runs."""
