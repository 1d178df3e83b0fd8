"""A connection to one Docker engine, used on behalf of one owner.

:class:`Engine` negotiates the API version (refusing engines older than
:data:`~openstack_docker.endpoint.MIN_API_VERSION`), labels everything it creates with
its owner, refuses to change objects it did not create, and raises only this layer's
exceptions. Operations it does not wrap are reachable through :attr:`Engine.api` inside
:func:`~openstack_docker.errors.translated`.
"""

import contextlib
import functools
import threading

import docker
import docker.constants
import docker.tls
import docker.types
import docker.utils
from oslo_log import log as logging

from openstack_docker import errors
from openstack_docker import labels as ownership
from openstack_docker.endpoint import MIN_API_VERSION, parse_endpoint

LOG = logging.getLogger(__name__)


#: The pull stream's line that names the manifest digest it pulled.
_DIGEST_STATUS = "Digest:"


class NotOwned(errors.DockerLayerError):
    """The object exists but was not created by this owner: the layer leaves it alone."""


def _translating(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with errors.translated():
            return method(*args, **kwargs)
    return wrapper


def _tls_config(tls):
    if tls is None:
        return False
    client_cert = (tls.client_cert, tls.client_key) if tls.client_cert else None
    verify = tls.ca_cert if tls.verify else False
    with errors.translated():
        return docker.tls.TLSConfig(client_cert=client_cert, ca_cert=tls.ca_cert,
                                    verify=verify)


class Engine:
    """One engine endpoint seen by one owner (``nova``, ``heat``, ``magnum``)."""

    def __init__(self, endpoint=None, owner="openstack"):
        self.endpoint = endpoint or parse_endpoint()
        self.owner = owner
        self._api = None
        self._connecting = threading.Lock()

    def __repr__(self):
        return f"Engine({self.endpoint}, owner={self.owner!r})"

    @property
    def api(self):
        """The docker SDK low-level client, connected and version-checked on first use."""
        with self._connecting:  # Heat and Nova call from several threads at once
            if self._api is None:
                self._api = self._connect()
        return self._api

    def _connect(self):
        endpoint = self.endpoint
        version = None if endpoint.api_version == "auto" else endpoint.api_version
        with errors.translated():
            if version is None:
                with self._client(MIN_API_VERSION) as probe:
                    server = probe.version(api_version=False)["ApiVersion"]
                # A newer engine also serves the newest version this SDK knows.
                newest = docker.constants.DEFAULT_DOCKER_API_VERSION
                version = newest if docker.utils.version_lt(newest, server) else server
            if docker.utils.version_lt(version, MIN_API_VERSION):
                raise errors.APIVersionUnsupported(
                    f"engine at {endpoint.url} speaks API {version}; "
                    f"at least {MIN_API_VERSION} (Docker 20.10) is required")
            api = self._client(version)
        LOG.debug("Connected to %s with API %s", endpoint, version)
        return api

    def _client(self, version):
        endpoint = self.endpoint
        api = docker.APIClient(base_url=endpoint.base_url, version=version,
                               timeout=endpoint.timeout, tls=_tls_config(endpoint.tls))
        # requests would let REQUESTS_CA_BUNDLE or proxy variables override the engine's
        # own CA and route engine traffic through a proxy: the endpoint settings decide.
        api.trust_env = False
        return api

    def close(self):
        if self._api is not None:
            self._api.close()
            self._api = None

    @_translating
    def ping(self):
        """Raise :class:`~openstack_docker.errors.EngineUnreachable` unless the engine answers."""
        return self.api.ping()

    @_translating
    def info(self):
        return self.api.info()

    # -- containers -------------------------------------------------------------

    @_translating
    def create_container(self, spec, name=None, resource_id=None):
        """Create (not start) a container; nothing is left behind if any step fails."""
        config = spec.container_config(self.api, owner=self.owner, resource_id=resource_id)
        container_id = self.api.create_container_from_config(config, name)["Id"]
        try:
            for attachment in spec.networks[1:]:
                self.api.connect_container_to_network(
                    container_id, attachment.network, aliases=attachment.aliases or None,
                    ipv4_address=attachment.ipv4_address,
                    ipv6_address=attachment.ipv6_address)
        except Exception:
            self._discard(container_id)
            raise
        return container_id

    @_translating
    def run(self, spec, name=None, resource_id=None):
        """Create and start a container; a container that cannot start is removed."""
        container_id = self.create_container(spec, name=name, resource_id=resource_id)
        try:
            self.api.start(container_id)
        except Exception:
            self._discard(container_id)
            raise
        return container_id

    def _discard(self, container_id):
        try:
            self.api.remove_container(container_id, force=True, v=True)
        except docker.errors.APIError as exc:
            LOG.warning("Could not remove failed container %s: %s", container_id, exc)

    @_translating
    def inspect_container(self, container_id):
        return self.api.inspect_container(container_id)

    def owned_container(self, container_id):
        """Inspect a container and insist that this owner created it."""
        info = self.inspect_container(container_id)
        if not ownership.is_owned(info["Config"].get("Labels"), self.owner):
            raise NotOwned(f"container {container_id} was not created by {self.owner}; "
                           "leaving it alone")
        return info

    @_translating
    def list_containers(self, all=True, resource_id=None, filters=None):
        """Summaries of this owner's containers, in one engine call."""
        query = ownership.owner_filter(self.owner, resource_id)
        for key, value in (filters or {}).items():
            query.setdefault(key, [])
            query[key] = query[key] + (value if isinstance(value, list) else [value])
        return self.api.containers(all=all, filters=query)

    @_translating
    def remove_container(self, container_id, timeout=10):
        """Stop and remove one of this owner's containers; False if it was already gone."""
        try:
            self.owned_container(container_id)
        except errors.ContainerNotFound:
            return False
        try:
            self.api.stop(container_id, timeout=timeout)
        except docker.errors.APIError as exc:
            if exc.status_code == 404:
                return False
        try:
            self.api.remove_container(container_id, force=True, v=True)
        except docker.errors.NotFound:
            return False
        except docker.errors.APIError as exc:
            if exc.status_code != 409 or "already in progress" not in str(exc.explanation):
                raise
            # Someone else is removing it (a second delete request): wait for the end.
            with contextlib.suppress(docker.errors.NotFound):
                self.api.wait(container_id, timeout=self.endpoint.timeout,
                              condition="removed")
        return True

    @_translating
    def logs(self, container_id, tail=None):
        """Logs (stdout and stderr) as text; ``tail`` bounds the number of lines."""
        data = self.api.logs(container_id, stdout=True, stderr=True,
                             tail="all" if tail is None else int(tail))
        return data.decode("utf-8", "replace")

    @_translating
    def exec_run(self, container_id, cmd):
        """Run a command in a running container; returns ``(exit_code, output_text)``."""
        exec_id = self.api.exec_create(container_id, cmd, stdout=True, stderr=True)["Id"]
        output = self.api.exec_start(exec_id)
        code = self.api.exec_inspect(exec_id)["ExitCode"]
        return code, output.decode("utf-8", "replace")

    # -- images -----------------------------------------------------------------

    def image_id(self, reference):
        """The id of the image ``reference`` (id, name or ``REPO@DIGEST``) names now, or None.

        Resolve a name once and run the id: on a shared engine a name can be moved to
        another image at any time (a pull, a push, a tag), an id cannot.
        """
        try:
            with errors.translated():
                return self.api.inspect_image(reference)["Id"]
        except errors.NotFound:
            return None

    @_translating
    def pull(self, reference, auth_config=None):
        """Pull ``REPOSITORY[:TAG|@DIGEST]``, reading the progress stream to its end, and
        return the manifest digest the engine pulled (``sha256:...``).

        The digest pins what was pulled: run ``REPOSITORY@DIGEST`` (or the id it resolves
        to), never the tag again, which another pull may have moved meanwhile. The engine
        reports most pull failures inside the stream, with HTTP 200; they become
        :class:`~openstack_docker.errors.ImageMissing` (not found, refused) naming the
        reference and keeping the engine's words.
        """
        repository, tag = docker.utils.parse_repository_tag(reference)
        digest = None
        for message in self.api.pull(repository, tag=tag or "latest", stream=True,
                                     decode=True, auth_config=auth_config):
            if not isinstance(message, dict):
                continue
            if message.get("error"):
                raise errors.ImageMissing(f"pull of {reference} failed: {message['error']}",
                                          message["error"])
            status = message.get("status") or ""
            if status.startswith(_DIGEST_STATUS):
                digest = status[len(_DIGEST_STATUS):].strip()
        if not digest:
            raise errors.ImageMissing(f"pull of {reference} reported no manifest digest",
                                      "pull from a registry that serves content digests")
        return digest

    # -- networks and volumes -------------------------------------------------

    @_translating
    def create_network(self, name, driver="bridge", subnet=None, gateway=None,
                       internal=False, labels=None, resource_id=None):
        ipam = None
        if subnet or gateway:
            pool = docker.types.IPAMPool(subnet=subnet, gateway=gateway)
            ipam = docker.types.IPAMConfig(pool_configs=[pool])
        all_labels = {**(labels or {}), **ownership.ownership(self.owner, resource_id)}
        return self.api.create_network(name, driver=driver, ipam=ipam, internal=internal,
                                       labels=all_labels, check_duplicate=True)["Id"]

    def _remove_owned(self, kind, ident, inspect, remove):
        """Inspect, insist on ownership, remove; False if the object was already gone."""
        try:
            labels = inspect(ident).get("Labels")
            if not ownership.is_owned(labels, self.owner):
                raise NotOwned(f"{kind} {ident} was not created by {self.owner}")
            remove(ident)
        except docker.errors.NotFound:
            return False
        return True

    @_translating
    def remove_network(self, network_id):
        """Remove one of this owner's networks; False if it was already gone."""
        return self._remove_owned("network", network_id, self.api.inspect_network,
                                  self.api.remove_network)

    @_translating
    def create_volume(self, name=None, driver="local", driver_opts=None, labels=None,
                      resource_id=None):
        all_labels = {**(labels or {}), **ownership.ownership(self.owner, resource_id)}
        volume = self.api.create_volume(name=name, driver=driver, driver_opts=driver_opts,
                                        labels=all_labels)
        # The engine answers a create of an existing name with that volume: never adopt it.
        if volume.get("Labels") != all_labels:
            raise errors.Conflict(f"volume {volume['Name']} already exists and is not ours",
                                  "choose another volume name")
        return volume["Name"]

    @_translating
    def remove_volume(self, name):
        """Remove one of this owner's volumes; False if it was already gone."""
        return self._remove_owned("volume", name, self.api.inspect_volume,
                                  lambda volume: self.api.remove_volume(volume, force=True))
