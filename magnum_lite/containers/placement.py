"""What a container's service needs on its cluster before it can exist: its image pinned
once (a digest, or the image id every node holds), and its project's overlay network."""

import contextlib
import threading

from magnum_lite.drivers.swarm_mode import logic
from openstack_docker import errors, parsing

NETWORK_LABEL = "org.openstack.docker.zun-network"


class ImageNotFound(Exception):
    pass


def is_pinned(reference):
    return "@sha256:" in reference or reference.startswith("sha256:")


def resolve_image(engine, reference, pull_policy="ifnotpresent"):
    """``REPO@DIGEST`` (from the registry or the engine's record of a pull), or the image
    id when the engine holds the image without a registry digest (a loaded image: every
    node must hold it too). Resolved once: the service never runs a movable tag."""
    if is_pinned(reference):
        return reference
    repository, _tag = parsing.repository_tag(reference)

    def local():
        try:
            info = engine.inspect_image(reference)
        except errors.NotFound:
            return None
        for digest in info.get("RepoDigests") or []:
            if digest.partition("@")[0] == repository:
                return digest
        return info["Id"]

    def registry():
        try:
            return f"{repository}@{engine.registry_digest(reference)}"
        except errors.DockerLayerError:
            return None

    order = {"always": (registry, local), "never": (local,)}.get(pull_policy,
                                                                   (local, registry))
    for lookup in order:
        pinned = lookup()
        if pinned:
            return pinned
    raise ImageNotFound(f"image {reference} was found neither on the cluster's manager nor "
                        "in its registry" + (" (image_pull_policy never)"
                                             if pull_policy == "never" else ""))


class Networks:
    """One overlay network per project and cluster: a project's containers reach each
    other by name on it, and no other project's. Ids are remembered per process."""

    def __init__(self):
        self._ids = {}
        self._locks = {}
        self._guard = threading.Lock()

    def _lock(self, key):
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    @staticmethod
    def labels(project_id):
        return {logic.PROJECT_LABEL: project_id, NETWORK_LABEL: "project"}

    def ensure(self, engine, cluster_uuid, project_id):
        key = (cluster_uuid, project_id)
        with self._lock(key):
            if key not in self._ids:
                self._ids[key] = self._find_or_create(engine, cluster_uuid, project_id)
            return self._ids[key]

    def _find_or_create(self, engine, cluster_uuid, project_id):
        labels = self.labels(project_id)
        for _attempt in range(2):
            found = engine.list_networks(resource_id=cluster_uuid, labels=labels)
            if found:
                return found[0]["Id"]
            try:
                return engine.create_network(f"zun-{project_id}", driver="overlay",
                                             labels=labels, resource_id=cluster_uuid)
            except errors.Conflict:  # made meanwhile by another conductor
                continue
        raise errors.Conflict(f"network zun-{project_id} could not be created or found")

    def forget(self, cluster_uuid, project_id):
        with self._guard:
            self._ids.pop((cluster_uuid, project_id), None)

    def release(self, engine, cluster_uuid, project_id):
        """Remove the project's network of the cluster (no container of the project is
        left there); one a service still uses stays."""
        with self._lock((cluster_uuid, project_id)):
            self.forget(cluster_uuid, project_id)
            for network in engine.list_networks(resource_id=cluster_uuid,
                                                labels=self.labels(project_id)):
                # In use again by a create that raced this delete: it stays.
                with contextlib.suppress(errors.Conflict, errors.EngineError):
                    engine.remove_network(network["Id"])
