"""DockerInc::Docker::Container: one container on a Docker engine.

Life cycle choices (see doc/heat.md):

* create first checks, on the engine, that every network, volume and container the
  container refers to belongs to the same stack; it completes when the container runs
  (for SETTLE_SECONDS, or healthy if it has a healthcheck) or has exited 0; it fails AT
  ONCE with the last log lines if it exits non-zero, is restarted, or turns unhealthy,
  and the failed container is removed;
* limits, restart policy, name and networks are changed in place; everything else
  replaces the container; before the replacement is created the old container is
  renamed ``NAME-replaced-ID`` so the replacement can take the name;
* suspend pauses the container (processes frozen, memory and addresses kept), resume
  unpauses it;
* delete stops a create still running in the background (or waits for it), signals the
  container, waits up to its stop timeout without blocking the other resources, then
  removes it and anything labelled for the resource; a stopped or vanished container
  deletes fine.
"""

import contextlib
import time

from heat.common import exception
from oslo_log import log as logging

from heat_docker_plugin import background, claims, connection, image_gc, images, policy, references
from heat_docker_plugin.resources import base, container_state
from heat_docker_plugin.resources import container_schema as S
from heat_docker_plugin.translate import container_spec
from openstack_docker import errors
from openstack_docker import labels as ownership

LOG = logging.getLogger(__name__)

DEFAULT_STOP_TIMEOUT = 10
FAILURE_LOG_LINES = 10
#: A running container (without healthcheck) completes its create only after running
#: this long: a process that dies at once is seen dying, whenever Heat looks.
SETTLE_SECONDS = 0.5


def start_container(abandoned, engine, spec, name, label, stack_id, pull):
    """Check references, pull (``pull`` = policy, username, password), create and start.

    Runs in a worker, holding a create claim on the engine (see :mod:`claims`); returns
    (container id, monotonic start time), or None when a delete, in this heat-engine
    process or another, abandoned the create (what it made is then removed here).
    """
    claim = claims.take(engine, label, references.stack_labels(stack_id))
    try:
        references.resolve(engine, spec, stack_id)
        spec.image = image_gc.ensure_image(engine, spec.image, *pull)  # the id
        if abandoned.is_set() or not claims.held(engine, claim):
            return None
        _free_name(engine, name, stack_id)
        container_id = engine.run(spec, name=name, resource_id=label)
        if abandoned.is_set() or not claims.held(engine, claim):
            engine.remove_container(container_id, timeout=0)
            return None
        return container_id, time.monotonic()
    finally:
        claims.release(engine, claim)


def _free_name(engine, name, stack_id):
    """Rename a dead container of this stack that holds ``name`` out of the way.

    ``stack update --converge`` replaces a container whose live state shows it died,
    without ``prepare_for_replace``; the live-state read only observes, so the dead one
    still has the name its replacement needs. Only a stopped, failed container of the
    same stack, created by Heat, is renamed; anything else keeps the name (the create
    then fails on the engine's name conflict).
    """
    try:
        info = engine.inspect_container(name)
    except errors.ContainerNotFound:
        return
    info_labels = info["Config"].get("Labels") or {}
    if ownership.is_owned(info_labels, ownership.HEAT) and \
            info_labels.get(references.STACK_LABEL) == str(stack_id) and \
            not info["State"].get("Running") and \
            container_state.state_outcome(info)[0] == container_state.FAILED:
        engine.rename(info["Id"], f"{name}-replaced-{info['Id'][:12]}")


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
        group = connection.options()
        spec = container_spec(props, group)
        policy.check(spec, group)
        return spec

    def check_properties(self):
        self._spec(self._props())

    # -- create -----------------------------------------------------------------

    def handle_create(self):
        """Validate here (errors are immediate); check references, pull, create and start
        in the background.

        If Heat gives up before the worker is done, the container still carries this
        resource's label, and delete stops or waits for the worker, then removes it.
        """
        props = self._props()
        spec = self._spec(props)
        stack_labels = self.stack_labels()
        spec.labels.update(stack_labels)
        pull = (images.pull_policy(props[S.IMAGE_PULL_POLICY], props[S.REGISTRY_USERNAME],
                                   connection.options().always_pull),
                props[S.REGISTRY_USERNAME], props[S.REGISTRY_PASSWORD])
        return background.start(self.ownership_id(), start_container, self.engine(), spec,
                                self._engine_name(), self.ownership_id(),
                                stack_labels[references.STACK_LABEL], pull)

    def check_create_complete(self, started):
        if not started.done():
            return False
        result = started.result()
        if result is None:
            raise exception.Error("create abandoned: the container is being deleted")
        container_id, started_at = result
        if not self.resource_id:
            self.resource_id_set(container_id)
        engine = self.engine()
        outcome, reason = container_state.create_outcome(
            engine.inspect_container(self.resource_id),
            settled=time.monotonic() - started_at >= SETTLE_SECONDS)
        if outcome == container_state.FAILED:
            self._discard(engine, self.resource_id, reason)
        return outcome == container_state.READY

    def _discard(self, engine, container_id, reason):
        """Remove a container that failed to come up and report why, with its logs."""
        try:
            logs = container_state.log_lines(
                engine.logs(container_id, tail=FAILURE_LOG_LINES), FAILURE_LOG_LINES)
        except errors.DockerLayerError as exc:
            logs = f"(logs unavailable: {exc})"
        engine.remove_container(container_id, timeout=0)
        self.resource_id_set(None)
        raise ContainerFailed(f"container {reason}; last log lines:\n{logs}")

    # -- delete -----------------------------------------------------------------

    def handle_delete(self):
        """Stop a running create (or get ready to wait for it) and signal the container.

        Returns (create future or None, container id or None, deadline of the stop).
        """
        creating = background.abandon(self.ownership_id())
        if not self.resource_id:
            return creating, None, None
        engine = self.engine()
        try:
            state = engine.owned_container(self.resource_id)["State"]
        except errors.ContainerNotFound:
            return creating, None, None
        if state.get("Running") and not state.get("Paused"):
            stop_signal = self.properties[S.STOP_SIGNAL] or "SIGTERM"
            with contextlib.suppress(errors.ContainerNotFound, errors.Conflict):
                engine.kill(self.resource_id, signal=stop_signal)
        grace = self.properties[S.STOP_TIMEOUT]
        grace = DEFAULT_STOP_TIMEOUT if grace is None else grace
        return creating, self.resource_id, time.monotonic() + grace

    def check_delete_complete(self, handle):
        creating, container_id, deadline = handle
        if creating is not None and not creating.done():
            return False  # whatever it makes carries our label: removed below
        engine = self.engine()
        if container_id:
            try:
                state = engine.inspect_container(container_id)["State"]
            except errors.ContainerNotFound:
                state = None
            if state and state.get("Running") and not state.get("Paused") \
                    and time.monotonic() < deadline:
                return False
            engine.remove_container(container_id, timeout=0)
        self._remove_leftovers(engine)
        image_gc.prune(engine)
        return True

    def _remove_leftovers(self, engine):
        """Remove containers labelled for this resource that it lost track of, after
        revoking the create claim: a create still working in another heat-engine process
        then removes what it makes itself."""
        claims.revoke(engine, self.ownership_id())
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
        # Networks are checked first, so a refused one changes nothing.
        networks = self._wanted_networks(engine, spec) if S.NETWORKS in prop_diff else None
        if S.NAME in prop_diff:
            engine.rename(self.resource_id, props[S.NAME] or self.physical_resource_name())
        self._update_resources(engine, spec, prop_diff)
        if networks is not None:
            self._update_networks(engine, networks)

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
            engine.update_container(self.resource_id, **changes)

    def _wanted_networks(self, engine, spec):
        """{network id: attachment} of the spec, each checked to belong to the stack."""
        stack_id = self.stack_labels()[references.STACK_LABEL]
        return {references.checked_network(engine, attachment.network, stack_id)["Id"]:
                attachment for attachment in spec.networks}

    def _update_networks(self, engine, wanted):
        """Detach from networks no longer listed (or whose settings changed), attach to
        the new ones."""
        info = engine.inspect_container(self.resource_id)
        current = {net["network_id"]: net
                   for net in container_state.addresses(info).values()}
        for network_id, net in current.items():
            attachment = wanted.get(network_id)
            if attachment is None or not set(attachment.aliases) <= set(net["aliases"]) \
                    or (attachment.ipv4_address or net["ip"]) != net["ip"]:
                engine.disconnect_network(self.resource_id, network_id)
                current[network_id] = None
        for network_id, attachment in wanted.items():
            if current.get(network_id) is None:
                engine.connect_network(
                    self.resource_id, network_id, aliases=attachment.aliases,
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
            engine.rename(self.resource_id, new_name)
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
            engine.pause(self.resource_id)

    def handle_resume(self):
        engine = self.engine()
        if engine.inspect_container(self.resource_id)["State"].get("Paused"):
            engine.unpause(self.resource_id)

    def handle_check(self):
        try:
            info = self.engine().inspect_container(self.resource_id)
        except errors.ContainerNotFound:
            raise exception.Error(f"container {self.resource_id} no longer exists") \
                from None
        outcome, reason = container_state.state_outcome(info)
        state = info["State"]
        if state.get("Paused") or outcome != container_state.READY:
            current = "paused" if state.get("Paused") else reason or state["Status"]
            raise exception.Error(f"container status is {current}, expected running or "
                                  "completed")

    def get_live_resource_data(self):
        """The engine's view, for ``stack update --converge``. Heat replaces a resource
        whose live data is not found: so does a container that died (exited non-zero,
        killed); one that finished its job (exit 0) is kept, not run again."""
        try:
            info = self.engine().inspect_container(self.resource_id)
        except errors.ContainerNotFound:
            raise exception.EntityNotFound(entity="Container", name=self.name) from None
        if not info["State"].get("Running") and \
                container_state.state_outcome(info)[0] == container_state.FAILED:
            # Observe only: the replacement's create frees the name (_free_name).
            raise exception.EntityNotFound(entity="Running container", name=self.name)
        return info

    def parse_live_resource_data(self, resource_properties, resource_data):
        """The engine's values of what the template sets; a limit the template left to
        the operator's default reads as unset while the engine has that default."""
        live = container_state.live_properties(resource_data)
        if resource_properties.get(S.NAME) is None:
            live.pop(S.NAME)
        for key, default in policy.defaults(connection.options()).items():
            if key in live and resource_properties.get(key) is None and \
                    live[key] == default:
                live[key] = None
        return live

    # -- attributes -------------------------------------------------------------

    def _show_resource(self):
        return self.engine().inspect_container(self.resource_id)

    def _resolve_attribute(self, name):
        if not self.resource_id:
            return None
        engine = self.engine()
        if name == S.LOGS:
            return "\n".join(engine.logs(self.resource_id).splitlines())
        if name == S.LOGS_HEAD:
            return engine.first_log_line(self.resource_id)
        if name == S.LOGS_TAIL:
            lines = engine.logs(self.resource_id, tail=1).splitlines()
            return lines[-1] if lines else ""
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
