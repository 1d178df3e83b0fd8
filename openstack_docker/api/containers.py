"""Containers: created with the owner's labels; changed only when the owner's."""

import contextlib

import docker.errors
from oslo_log import log as logging

from openstack_docker import errors
from openstack_docker import labels as ownership
from openstack_docker.api.client import changes_container, translating

LOG = logging.getLogger(__name__)


def _unless_being_removed(call, *args, **kwargs):
    """Make an engine call; False instead of the engine's refusal when another removal of
    the container is under way (a second delete request)."""
    try:
        call(*args, **kwargs)
    except docker.errors.APIError as exc:
        if exc.status_code == 409 and "already in progress" in str(exc.explanation):
            return False
        raise
    return True


class ContainerMixin:

    @translating
    def create_container(self, spec, name=None, resource_id=None):
        """Create (not start) a container; nothing is left behind if any step fails."""
        client = self._client
        config = spec.container_config(client, owner=self.owner, resource_id=resource_id)
        container_id = client.create_container_from_config(config, name)["Id"]
        self._remember_owned(container_id)
        try:
            for attachment in spec.networks[1:]:
                client.connect_container_to_network(
                    container_id, attachment.network, aliases=attachment.aliases or None,
                    ipv4_address=attachment.ipv4_address,
                    ipv6_address=attachment.ipv6_address)
        except Exception:
            self._discard(container_id)
            raise
        return container_id

    @translating
    def run(self, spec, name=None, resource_id=None):
        """Create and start a container; a container that cannot start is removed."""
        container_id = self.create_container(spec, name=name, resource_id=resource_id)
        try:
            self._client.start(container_id)
        except Exception:
            self._discard(container_id)
            raise
        return container_id

    def _discard(self, container_id):
        try:
            self._client.remove_container(container_id, force=True, v=True)
        except docker.errors.APIError as exc:
            LOG.warning("Could not remove failed container %s: %s", container_id, exc)

    @translating
    def inspect_container(self, container):
        return self._client.inspect_container(container)

    @translating
    def list_containers(self, all=True, resource_id=None, filters=None):
        """Summaries of this owner's containers, in one engine call."""
        query = ownership.owner_filter(self.owner, resource_id)
        for key, value in (filters or {}).items():
            query.setdefault(key, [])
            query[key] = query[key] + (value if isinstance(value, list) else [value])
        return self._client.containers(all=all, filters=query)

    @translating
    def images_in_use(self):
        """Ids of the images that containers of every owner, in any state, run."""
        return {summary.get("ImageID") for summary in self._client.containers(all=True)}

    @translating
    def remove_container(self, container, timeout=10):
        """Stop and remove one of this owner's containers; False if it was already gone.

        Only "not found" and another removal under way are expected from the stop: any
        other refusal is the caller's to see, not a reason to force the removal.
        """
        try:
            with errors.translated():
                return self._stop_and_remove(container, timeout)
        except errors.NotFound:
            return False
        finally:
            self._owned_ids.discard(container)

    def _stop_and_remove(self, container, timeout):
        self._require_owned_container(container)
        client = self._client
        if not (_unless_being_removed(client.stop, container, timeout=timeout) and
                _unless_being_removed(client.remove_container, container, force=True,
                                      v=True)):
            # Someone else is removing it (a second delete request): wait for the end.
            with contextlib.suppress(docker.errors.NotFound):
                client.wait(container, timeout=self.endpoint.timeout, condition="removed")
        return True

    # -- lifecycle of an existing container -----------------------------------------

    @changes_container
    def start(self, container):
        self._client.start(container)

    @changes_container
    def stop(self, container, timeout=10):
        """SIGTERM (or the image's stop signal), SIGKILL after ``timeout`` seconds."""
        self._client.stop(container, timeout=timeout)

    @changes_container
    def restart(self, container, timeout=10):
        self._client.restart(container, timeout=timeout)

    @changes_container
    def kill(self, container, signal=None):
        self._client.kill(container, signal=signal)

    @changes_container
    def pause(self, container):
        self._client.pause(container)

    @changes_container
    def unpause(self, container):
        self._client.unpause(container)

    @changes_container
    def rename(self, container, name):
        self._client.rename(container, name)

    @changes_container
    def update_container(self, container, **resources):
        """Change limits in place (``mem_limit``, ``cpu_shares``, ``restart_policy``...)."""
        return self._client.update_container(container, **resources)

    @changes_container
    def put_archive(self, container, path, data):
        """Extract tar ``data`` at ``path`` in the container (created or running)."""
        return self._client.put_archive(container, path, data)

    @changes_container
    def commit(self, container, message=None, repository=None, tag=None):
        """Commit the container to an image (untagged without ``repository``); its id."""
        return self._client.commit(container, repository=repository, tag=tag,
                                   message=message)["Id"]

    @changes_container
    def exec_run(self, container, cmd):
        """Run a command in a running container; returns ``(exit_code, output_text)``."""
        client = self._client
        exec_id = client.exec_create(container, cmd, stdout=True, stderr=True)["Id"]
        output = client.exec_start(exec_id)
        code = client.exec_inspect(exec_id)["ExitCode"]
        return code, output.decode("utf-8", "replace")

    # -- reading --------------------------------------------------------------------

    @translating
    def wait(self, container, timeout=None, condition=None):
        """The engine's wait result (``StatusCode``, ``Error``) once ``condition``
        (default: not running) holds; :class:`~openstack_docker.errors.EngineTimeout`
        when it does not within ``timeout`` seconds."""
        return self._client.wait(container, timeout=timeout, condition=condition)

    @translating
    def logs(self, container, tail=None, as_bytes=False):
        """Logs (stdout and stderr) as text, or as the bytes the container wrote;
        ``tail`` bounds the number of lines."""
        data = self._client.logs(container, stdout=True, stderr=True,
                                 tail="all" if tail is None else int(tail))
        return data if as_bytes else data.decode("utf-8", "replace")

    @translating
    def stats(self, container):
        """One sample of the container's resource usage."""
        return self._client.stats(container, stream=False)
