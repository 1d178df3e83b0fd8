"""Swarm-mode operations of an engine: :class:`SwarmMixin`, composed into
:class:`~openstack_docker.engine.Engine`.

The methods use the engine's private SDK client (``self._client``) and raise only this
layer's exceptions. Nodes are addressed by node id, never by hostname (engines that share a UTS
namespace all report the same one). Services the layer creates carry the owner's labels,
and only those are listed or removed.
"""

import dataclasses
import time

import docker.errors
import docker.types

from openstack_docker import errors
from openstack_docker import labels as ownership
from openstack_docker.api.client import translating as _translating

#: The port swarm managers listen on for the cluster's control plane.
SWARM_PORT = 2377

_NANOSECONDS = 1_000_000_000


def _versioned_update(update, attempts=5):
    """Run ``update`` (read the object's version, write its new spec) again when another
    update came between the read and the write."""
    for attempt in range(attempts):
        try:
            return update()
        except docker.errors.APIError as exc:
            if "update out of sequence" not in str(exc.explanation) or \
                    attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


@dataclasses.dataclass
class ServiceSpec:
    """What a service runs: its container, placement, networks, host-mode ports,
    restart policy and limits. Ports are ``(target, published or None, protocol)``
    published in ``host`` mode (on the node that runs the task: no routing mesh, which
    needs IPVS); networks are ``(network id, [aliases])``; the healthcheck is the Engine
    API's (nanoseconds), as :func:`openstack_docker.parsing.healthcheck` makes it."""

    image: str
    command: list | None = None     # replaces the image's entrypoint
    args: list | None = None        # replaces the image's command (CMD)
    env: dict | None = None
    workdir: str | None = None
    hostname: str | None = None
    labels: dict = dataclasses.field(default_factory=dict)
    constraints: list | None = None
    networks: list = dataclasses.field(default_factory=list)
    ports: list = dataclasses.field(default_factory=list)
    restart_condition: str = "any"
    restart_max_attempts: int = 0
    nano_cpus: int | None = None
    memory_bytes: int | None = None
    healthcheck: dict | None = None
    stop_grace_seconds: int | None = None
    replicas: int = 1
    endpoint_mode: str = "dnsrr"

    def task_template(self, labels):
        healthcheck = docker.types.Healthcheck(**self.healthcheck) if self.healthcheck \
            else None
        container = docker.types.ContainerSpec(
            self.image, command=self.command, args=self.args, env=self.env,
            workdir=self.workdir,
            hostname=self.hostname, labels=labels, healthcheck=healthcheck,
            stop_grace_period=(self.stop_grace_seconds * _NANOSECONDS
                               if self.stop_grace_seconds is not None else None))
        resources = None
        if self.nano_cpus or self.memory_bytes:
            resources = docker.types.Resources(cpu_limit=self.nano_cpus,
                                               mem_limit=self.memory_bytes)
        return docker.types.TaskTemplate(
            container, resources=resources, networks=self.network_configs() or None,
            restart_policy=docker.types.RestartPolicy(
                condition=self.restart_condition, max_attempts=self.restart_max_attempts),
            placement=docker.types.Placement(constraints=self.constraints)
            if self.constraints else None)

    def network_configs(self):
        return [docker.types.NetworkAttachmentConfig(network, aliases=list(aliases) or None)
                for network, aliases in self.networks]

    def port_configs(self):
        return [{"Protocol": protocol, "TargetPort": target, "PublishMode": "host",
                 **({"PublishedPort": published} if published else {})}
                for target, published, protocol in self.ports]


class SwarmMixin:
    """Swarm init/join/leave, nodes and owned services of one engine."""

    @_translating
    def swarm_state(self):
        """The ``Swarm`` part of ``docker info``: ``LocalNodeState`` (inactive, pending,
        active, error, locked), ``NodeID``, ``ControlAvailable``, ``RemoteManagers``..."""
        return self._client.info()["Swarm"]

    @_translating
    def init_swarm(self, advertise_address, labels=None, heartbeat_seconds=None):
        """Make this engine the first manager of a new swarm; returns its node id."""
        spec = self._client.create_swarm_spec(
            labels=labels or None,
            dispatcher_heartbeat_period=(int(heartbeat_seconds * _NANOSECONDS)
                                         if heartbeat_seconds else None))
        return self._client.init_swarm(advertise_addr=advertise_address,
                                       listen_addr=f"{advertise_address}:{SWARM_PORT}",
                                       swarm_spec=spec)

    @_translating
    def inspect_swarm(self):
        """The swarm as a manager sees it (``ID``, ``Spec.Labels``, ``JoinTokens``)."""
        return self._client.inspect_swarm()

    @_translating
    def join_swarm(self, manager_addresses, token, advertise_address):
        """Join the swarm the managers (``host:port``) run, with a worker or manager token;
        :meth:`swarm_state` then tells the node id."""
        self._client.join_swarm(list(manager_addresses), token,
                                listen_addr=f"{advertise_address}:{SWARM_PORT}",
                                advertise_addr=advertise_address)

    @_translating
    def leave_swarm(self, force=False):
        """Leave the swarm; False if the engine was in none."""
        if self._client.info()["Swarm"].get("LocalNodeState") == "inactive":
            return False
        try:
            self._client.leave_swarm(force=force)
        except docker.errors.APIError as exc:
            if exc.status_code == 503 and "not part of a swarm" in str(exc.explanation):
                return False
            raise
        return True

    @_translating
    def swarm_nodes(self, labels=None):
        """Nodes of the swarm (manager only), optionally only those with all ``labels``."""
        filters = {"node.label": [f"{k}={v}" for k, v in labels.items()]} if labels else None
        return self._client.nodes(filters=filters)

    @_translating
    def inspect_node(self, node_id):
        return self._client.inspect_node(node_id)

    @_translating
    def update_node(self, node_id, labels=None, availability=None, role=None):
        """Change a node's labels (merged into the current ones), availability (active,
        pause, drain) or role (manager, worker); retried when another update raced."""
        def update():
            node = self._client.inspect_node(node_id)
            spec = dict(node["Spec"])
            if labels is not None:
                spec["Labels"] = {**(spec.get("Labels") or {}), **labels}
            if availability is not None:
                spec["Availability"] = availability
            if role is not None:
                spec["Role"] = role
            self._client.update_node(node_id, node["Version"]["Index"], spec)
        _versioned_update(update)

    @_translating
    def remove_node(self, node_id, force=False):
        """Remove a node from the swarm's node list; False if it was already gone."""
        try:
            self._client.remove_node(node_id, force=force)
        except docker.errors.NotFound:
            return False
        return True

    # -- services ---------------------------------------------------------------

    @_translating
    def create_service(self, image, name=None, resource_id=None, **spec):
        """A replicated service labelled with this owner (and ``resource_id``) on the
        service and on its containers; returns its id. ``spec``: the other
        :class:`ServiceSpec` fields. ``dnsrr`` by default: the name resolves to the task
        addresses and works without IPVS, which a virtual IP needs."""
        spec = ServiceSpec(image=image, **spec)
        all_labels = {**spec.labels, **ownership.ownership(self.owner, resource_id)}
        result = self._client.create_service(
            spec.task_template(all_labels), name=name, labels=all_labels,
            mode=docker.types.ServiceMode("replicated", replicas=spec.replicas),
            endpoint_spec=docker.types.EndpointSpec(mode=spec.endpoint_mode,
                                                    ports=spec.port_configs() or None))
        return result["ID"]

    @_translating
    def inspect_service(self, service_id):
        """One of this owner's services (:class:`NotOwned` for another's)."""
        service = self._client.inspect_service(service_id)
        if not ownership.is_owned(service["Spec"].get("Labels"), self.owner):
            raise errors.NotOwned(f"service {service_id} was not created by {self.owner}; "
                                  "leaving it alone")
        return service

    @_translating
    def update_service(self, service_id, replicas=None, restart_tasks=False,
                       nano_cpus=None, memory_bytes=None):
        """Scale one of this owner's services, change its limits, or replace its tasks
        (``restart_tasks``: a forced update); retried when another update raced."""
        def update():
            service = self.inspect_service(service_id)
            spec = service["Spec"]
            template = dict(spec["TaskTemplate"])
            if restart_tasks:
                template["ForceUpdate"] = template.get("ForceUpdate", 0) + 1
            if nano_cpus is not None or memory_bytes is not None:
                limits = dict((template.get("Resources") or {}).get("Limits") or {})
                if nano_cpus is not None:
                    limits["NanoCPUs"] = nano_cpus
                if memory_bytes is not None:
                    limits["MemoryBytes"] = memory_bytes
                template["Resources"] = {**(template.get("Resources") or {}),
                                         "Limits": limits}
            mode = spec.get("Mode")
            if replicas is not None:
                mode = {"Replicated": {"Replicas": replicas}}
            self._client.update_service(
                service_id, service["Version"]["Index"], task_template=template,
                name=spec.get("Name"), labels=spec.get("Labels"), mode=mode,
                endpoint_spec=spec.get("EndpointSpec"))
        _versioned_update(update)

    @_translating
    def list_services(self, resource_id=None, labels=None):
        """This owner's services (for ``resource_id``, with all ``labels``, when given)."""
        filters = ownership.owner_filter(self.owner, resource_id)
        filters["label"] += [f"{k}={v}" for k, v in (labels or {}).items()]
        return self._client.services(filters=filters)

    @_translating
    def remove_service(self, service_id):
        """Remove one of this owner's services; False if it was already gone."""
        try:
            self.inspect_service(service_id)
            self._client.remove_service(service_id)
        except (docker.errors.NotFound, errors.NotFound):
            return False
        return True

    @_translating
    def swarm_tasks(self, node_id=None, service_id=None, desired_state=None):
        """Tasks of the swarm (manager only), by node, service and desired state."""
        filters = {}
        if node_id:
            filters["node"] = node_id
        if service_id:
            filters["service"] = service_id
        if desired_state:
            filters["desired-state"] = desired_state
        return self._client.tasks(filters=filters)
