"""A connection to one Docker engine, used on behalf of one owner.

:class:`Engine` negotiates the API version (refusing engines older than
:data:`~openstack_docker.endpoint.MIN_API_VERSION`), labels everything it creates with
its owner, refuses to change objects it did not create (:class:`NotOwned`), and raises
only this layer's exceptions. It is the only way to the engine: the docker SDK client
stays private, so no caller can skip the ownership check or translate errors itself.
"""

from openstack_docker.api.client import EngineClient
from openstack_docker.api.containers import ContainerMixin
from openstack_docker.api.events import EventMixin
from openstack_docker.api.images import ImageMixin
from openstack_docker.api.networks import NetworkMixin
from openstack_docker.api.swarm import SwarmMixin
from openstack_docker.api.system import SystemMixin
from openstack_docker.api.volumes import VolumeMixin
from openstack_docker.errors import NotOwned

__all__ = ["Engine", "NotOwned"]


class Engine(ContainerMixin, EventMixin, ImageMixin, NetworkMixin, VolumeMixin,
             SystemMixin, SwarmMixin, EngineClient):
    """One engine endpoint seen by one owner (``nova``, ``heat``, ``magnum``)."""
