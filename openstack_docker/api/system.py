"""Engine-wide calls: liveness, host facts, the negotiated API version."""

from openstack_docker import errors
from openstack_docker.api.client import translating


class SystemMixin:

    @translating
    def ping(self):
        """Raise :class:`~openstack_docker.errors.EngineUnreachable` unless the engine answers."""
        return self._client.ping()

    @translating
    def info(self):
        return self._client.info()

    @property
    def negotiated_version(self):
        """The API version negotiated with the engine (connects on first use)."""
        with errors.translated():
            return self._client.api_version
