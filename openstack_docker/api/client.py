"""Connection, version negotiation and the ownership gate every mixin relies on.

The docker SDK client stays private (:attr:`EngineClient._client`): callers outside this
package get only operations that check ownership and translate errors once.
"""

import functools
import threading

import docker
import docker.constants
import docker.tls
import docker.utils
from oslo_log import log as logging

from openstack_docker import errors
from openstack_docker import labels as ownership
from openstack_docker.endpoint import MIN_API_VERSION, parse_endpoint
from openstack_docker.errors import NotOwned

LOG = logging.getLogger(__name__)

#: Container ids whose ownership was checked are remembered (labels never change and ids
#: are never reused), so an operation after an inspect costs no second inspect. Bounded:
#: forgetting costs only one inspect.
_OWNED_MEMORY = 4096


def translating(method):
    """Decorator: the method's SDK errors become the layer's exceptions."""
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with errors.translated():
            return method(*args, **kwargs)
    return wrapper


def changes_container(method):
    """Decorator of an operation on an existing container (its first argument): it must
    be this owner's (:class:`NotOwned` otherwise); errors translated."""
    @functools.wraps(method)
    def wrapper(self, container, *args, **kwargs):
        with errors.translated():
            self._require_owned_container(container)
            return method(self, container, *args, **kwargs)
    return wrapper


def _tls_config(tls):
    if tls is None:
        return False
    client_cert = (tls.client_cert, tls.client_key) if tls.client_cert else None
    verify = tls.ca_cert if tls.verify else False
    with errors.translated():
        return docker.tls.TLSConfig(client_cert=client_cert, ca_cert=tls.ca_cert,
                                    verify=verify)


class EngineClient:
    """One engine endpoint seen by one owner (``nova``, ``heat``, ``magnum``)."""

    def __init__(self, endpoint=None, owner="openstack"):
        self.endpoint = endpoint or parse_endpoint()
        self.owner = owner
        self._sdk = None
        self._connecting = threading.Lock()
        self._owned_ids = set()

    def __repr__(self):
        return f"Engine({self.endpoint}, owner={self.owner!r})"

    @property
    def _client(self):
        """The docker SDK low-level client, connected and version-checked on first use."""
        with self._connecting:  # Heat and Nova call from several threads at once
            if self._sdk is None:
                self._sdk = self._connect()
        return self._sdk

    def _connect(self):
        endpoint = self.endpoint
        version = None if endpoint.api_version == "auto" else endpoint.api_version
        with errors.translated():
            if version is None:
                with self._new_client(MIN_API_VERSION) as probe:
                    server = probe.version(api_version=False)["ApiVersion"]
                # A newer engine also serves the newest version this SDK knows.
                newest = docker.constants.DEFAULT_DOCKER_API_VERSION
                version = newest if docker.utils.version_lt(newest, server) else server
            if docker.utils.version_lt(version, MIN_API_VERSION):
                raise errors.APIVersionUnsupported(
                    f"engine at {endpoint.url} speaks API {version}; "
                    f"at least {MIN_API_VERSION} (Docker 20.10) is required")
            client = self._new_client(version)
        LOG.debug("Connected to %s with API %s", endpoint, version)
        return client

    def _new_client(self, version):
        endpoint = self.endpoint
        client = docker.APIClient(base_url=endpoint.base_url, version=version,
                                  timeout=endpoint.timeout,
                                  tls=_tls_config(endpoint.tls))
        # requests would let REQUESTS_CA_BUNDLE or proxy variables override the engine's
        # own CA and route engine traffic through a proxy: the endpoint settings decide.
        client.trust_env = False
        return client

    def close(self):
        if self._sdk is not None:
            self._sdk.close()
            self._sdk = None

    # -- the ownership gate -------------------------------------------------------

    def _refuse_unless_owned(self, kind, ident, labels):
        if not ownership.is_owned(labels, self.owner):
            raise NotOwned(f"{kind} {ident} was not created by {self.owner}; "
                           "leaving it alone")

    def _remember_owned(self, container_id):
        if len(self._owned_ids) >= _OWNED_MEMORY:
            self._owned_ids.clear()
        self._owned_ids.add(container_id)

    @translating
    def owned_container(self, container):
        """Inspect a container and insist that this owner created it."""
        info = self._client.inspect_container(container)
        self._refuse_unless_owned("container", container, info["Config"].get("Labels"))
        self._remember_owned(info["Id"])
        return info

    def _require_owned_container(self, container):
        if container not in self._owned_ids:
            self.owned_container(container)

    def _remove_owned(self, kind, ident, inspect, remove):
        """Inspect, insist on ownership, remove; False if the object was already gone."""
        try:
            self._refuse_unless_owned(kind, ident, inspect(ident).get("Labels"))
            remove(ident)
        except docker.errors.NotFound:
            return False
        return True
