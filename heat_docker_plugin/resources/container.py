"""DockerInc::Docker::Container: one container on a Docker engine.

Life cycle choices (see doc/heat.md):

* create completes when the container runs (and is healthy if it has a healthcheck) or
  has exited 0; it fails AT ONCE with the last log lines if it exits non-zero, keeps
  restarting, or turns unhealthy, and the failed container is removed;
* limits, restart policy, name and networks are changed in place; everything else
  replaces the container; before the replacement is created the old container is
  renamed ``NAME-replaced-ID`` so the replacement can take the name;
* suspend pauses the container (processes frozen, memory and addresses kept), resume
  unpauses it;
* delete signals the container, waits up to its stop timeout without blocking the other
  resources, then removes it; a stopped or vanished container deletes fine.
"""

import time

from heat.common import exception
from oslo_log import log as logging

from heat_docker_plugin import background, connection, images, policy
from heat_docker_plugin.resources import base, container_state
from heat_docker_plugin.resources import container_schema as S
from heat_docker_plugin.translate import container_spec
from openstack_docker import errors

LOG = logging.getLogger(__name__)

DEFAULT_STOP_TIMEOUT = 10
FAILURE_LOG_LINES = 10


def start_container(engine, spec, name, label, pull_policy, username, password):
    """Pull (per policy), create and start; returns the container id. Runs in a worker."""
    images.ensure_image(engine, spec.image, pull_policy, username, password)
    return engine.run(spec, name=name, resource_id=label)


class ContainerFailed(exception.Error):
    """The container did not come up. Not a ResourceInError: Heat would retry the create
    (action_retry_limit) and a container that exits deterministically would only exit
    again, so the failure is reported at once."""


class DockerContainer(base.DockerResource):
    """A container; properties keep the historic contrib plugin's names."""

    PROPERTIES = S.PROPERTIES
    ATTRIBUTES = S.ATTRIBUTES
    properties_schema = S.properties_schema
    attributes_schema = S.attributes_schema
    update_allowed_properties = S.UPDATE_IN_PLACE

    # -- validation -------------------------------------------------------------

    def _spec(self, props):
        spec = container_spec(props)
        policy.check(spec, connection.options())
        return spec

    def check_properties(self):
        self._spec(self._props())

    # -- create -----------------------------------------------------------------

    def _engine_name(self):
        return self.properties[S.NAME] or self.physical_resource_name()

    def handle_create(self):
        """Validate here (errors are immediate); pull, create and start in the background.

        If Heat gives up before the worker is done, the container still carries this
        resource's label, and delete removes it.
        """
        props = self._props()
        spec = self._spec(props)
        return background.submit(start_container, self.engine(), spec,
                                 self._engine_name(), self.ownership_id(),
                                 props[S.IMAGE_PULL_POLICY], props[S.REGISTRY_USERNAME],
                                 props[S.REGISTRY_PASSWORD])

    def check_create_complete(self, started):
        if not self.resource_id:
            if not started.done():
                return False
            self.resource_id_set(started.result())
        engine = self.engine()
        outcome, reason = container_state.create_outcome(
            engine.inspect_container(self.resource_id))
        if outcome == container_state.FAILED:
            self._discard(engine, self.resource_id, reason)
        return outcome == container_state.READY

    def _discard(self, engine, container_id, reason):
        """Remove a container that failed to come up and report why, with its logs."""
        try:
            logs = container_state.log_lines(engine.logs(container_id),
                                             FAILURE_LOG_LINES)
        except errors.DockerLayerError as exc:
            logs = f"(logs unavailable: {exc})"
        engine.remove_container(container_id, timeout=0)
        self.resource_id_set(None)
        raise ContainerFailed(f"container {reason}; last log lines:\n{logs}")

    # -- delete -----------------------------------------------------------------

    def handle_delete(self):
        engine = self.engine()
        if not self.resource_id:
            self._remove_leftovers(engine)
            return None
        try:
            state = engine.owned_container(self.resource_id)["State"]
        except errors.ContainerNotFound:
            self._remove_leftovers(engine)
            return None
        if state.get("Running") and not state.get("Paused"):
            stop_signal = self.properties[S.STOP_SIGNAL] or "SIGTERM"
            try:
                with errors.translated():
                    engine.api.kill(self.resource_id, signal=stop_signal)
            except (errors.ContainerNotFound, errors.Conflict):
                pass
        grace = self.properties[S.STOP_TIMEOUT]
        grace = DEFAULT_STOP_TIMEOUT if grace is None else grace
        return self.resource_id, time.monotonic() + grace

    def check_delete_complete(self, handle):
        if handle is None:
            return True
        container_id, deadline = handle
        engine = self.engine()
        try:
            state = engine.inspect_container(container_id)["State"]
        except errors.ContainerNotFound:
            state = None
        if state and state.get("Running") and not state.get("Paused") \
                and time.monotonic() < deadline:
            return False
        engine.remove_container(container_id, timeout=0)
        self._remove_leftovers(engine)
        return True

    def _remove_leftovers(self, engine):
        """Remove containers labelled for this resource that it lost track of."""
        for summary in engine.list_containers(resource_id=self.ownership_id()):
            engine.remove_container(summary["Id"], timeout=0)

    # -- update -----------------------------------------------------------------

    def needs_replace_with_prop_diff(self, changed_properties_set, after_props,
                                     before_props):
        """Limits can be changed but not removed; networks can be swapped, not added to or
        taken from the default bridge."""
        for key in S.LIMITS:
            if key in changed_properties_set and not after_props.get(key):
                return True
        if S.NETWORKS in changed_properties_set:
            return not (after_props.get(S.NETWORKS) and before_props.get(S.NETWORKS))
        return False

    def handle_update(self, json_snippet, tmpl_diff, prop_diff):
        if not prop_diff:
            return
        engine = self.engine()
        props = {**self._props(), **prop_diff}
        spec = self._spec(props)
        with errors.translated():
            if S.NAME in prop_diff:
                engine.api.rename(self.resource_id,
                                  props[S.NAME] or self.physical_resource_name())
            self._update_resources(engine, spec, prop_diff)
            if S.NETWORKS in prop_diff:
                self._update_networks(engine, spec)

    def _update_resources(self, engine, spec, prop_diff):
        changes = {}
        if S.MEMORY in prop_diff:
            # Keep the engine's create-time default of swap = 2 x memory.
            changes.update(mem_limit=spec.memory, memswap_limit=2 * spec.memory)
        if S.MEMORY_RESERVATION in prop_diff:
            changes["mem_reservation"] = spec.memory_reservation
        if S.CPU_SHARES in prop_diff:
            changes["cpu_shares"] = spec.cpu_shares
        if S.CPU_QUOTA in prop_diff:
            changes["cpu_quota"] = spec.cpu_quota
        if S.CPU_SET in prop_diff:
            changes["cpuset_cpus"] = spec.cpuset_cpus
        if S.RESTART_POLICY in prop_diff:
            changes["restart_policy"] = spec.restart_policy or {"Name": "no"}
        if changes:
            engine.api.update_container(self.resource_id, **changes)

    def _update_networks(self, engine, spec):
        """Detach from networks no longer listed (or whose settings changed), attach to
        the new ones."""
        info = engine.inspect_container(self.resource_id)
        current = {net["network_id"]: net
                   for net in container_state.addresses(info).values()}
        wanted = {}
        for attachment in spec.networks:
            network_id = engine.api.inspect_network(attachment.network)["Id"]
            wanted[network_id] = attachment
        for network_id, net in current.items():
            attachment = wanted.get(network_id)
            if attachment is None or not set(attachment.aliases) <= set(net["aliases"]) \
                    or (attachment.ipv4_address or net["ip"]) != net["ip"]:
                engine.api.disconnect_container_from_network(self.resource_id, network_id)
                current[network_id] = None
        for network_id, attachment in wanted.items():
            if current.get(network_id) is None:
                engine.api.connect_container_to_network(
                    self.resource_id, network_id, aliases=attachment.aliases or None,
                    ipv4_address=attachment.ipv4_address)

    # -- replacement ------------------------------------------------------------

    def prepare_for_replace(self):
        """Free the name for the replacement, which is created before this one goes."""
        if self.resource_id:
            self._rename(f"{self._engine_name()}-replaced-{self.resource_id[:12]}")

    def restore_prev_rsrc(self, convergence=False):
        """On rollback this container becomes current again: give its name back."""
        if self.resource_id:
            self._rename(self._engine_name())

    def _rename(self, new_name):
        engine = self.engine()
        try:
            with errors.translated():
                engine.api.rename(self.resource_id, new_name)
        except errors.ContainerNotFound:
            pass
        except errors.Conflict as exc:
            LOG.warning("Could not rename container %s to %s: %s", self.resource_id,
                        new_name, exc)

    # -- suspend, resume, check, live state ---------------------------------------

    def handle_suspend(self):
        engine = self.engine()
        state = engine.inspect_container(self.resource_id)["State"]
        if state.get("Running") and not state.get("Paused"):
            with errors.translated():
                engine.api.pause(self.resource_id)

    def handle_resume(self):
        engine = self.engine()
        if engine.inspect_container(self.resource_id)["State"].get("Paused"):
            with errors.translated():
                engine.api.unpause(self.resource_id)

    def handle_check(self):
        try:
            info = self.engine().inspect_container(self.resource_id)
        except errors.ContainerNotFound:
            raise exception.Error(f"container {self.resource_id} no longer exists") \
                from None
        outcome, reason = container_state.create_outcome(info)
        state = info["State"]
        current = "paused" if state.get("Paused") else (
            "running" if outcome == container_state.READY and state.get("Running") else
            "completed" if outcome == container_state.READY else reason or state["Status"])
        self._verify_check_conditions([{"attr": "status", "current": current,
                                        "expected": ["running", "completed"]}])

    def get_live_resource_data(self):
        try:
            return self.engine().inspect_container(self.resource_id)
        except errors.ContainerNotFound:
            raise exception.EntityNotFound(entity="Container", name=self.name) from None

    def parse_live_resource_data(self, resource_properties, resource_data):
        live = container_state.live_properties(resource_data)
        if resource_properties.get(S.NAME) is None:
            live.pop(S.NAME)
        return live

    # -- attributes -------------------------------------------------------------

    def _show_resource(self):
        return self.engine().inspect_container(self.resource_id)

    def _resolve_attribute(self, name):
        if not self.resource_id:
            return None
        engine = self.engine()
        if name in (S.LOGS, S.LOGS_HEAD, S.LOGS_TAIL):
            lines = engine.logs(self.resource_id).splitlines()
            if name == S.LOGS:
                return "\n".join(lines)
            if not lines:
                return ""
            return lines[0] if name == S.LOGS_HEAD else lines[-1]
        info = engine.inspect_container(self.resource_id)
        resolvers = {
            S.INFO: lambda: info,
            S.NETWORK_INFO: lambda: container_state.network_info(info),
            S.NETWORK_IP: lambda: container_state.primary_ip(info),
            S.NETWORK_GATEWAY: lambda: container_state.primary_gateway(info),
            S.NETWORK_TCP_PORTS: lambda: container_state.published_ports(info)[0],
            S.NETWORK_UDP_PORTS: lambda: container_state.published_ports(info)[1],
            S.ADDRESSES: lambda: container_state.addresses(info),
        }
        return resolvers[name]()
