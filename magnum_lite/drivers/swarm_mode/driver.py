"""Swarm-mode clusters on operator-registered Docker hosts.

create: ``swarm init`` on the first manager, the other managers and the workers join with
their tokens, every node is labelled with the cluster's labels and the marks naming the
cluster and project (nodes are addressed by id, never by hostname). A create that fails
part-way leaves nothing: every host of the cluster's swarm leaves again. Re-running a
create resumes: hosts already in this cluster's swarm are kept.
"""

import concurrent.futures
import time
import urllib.parse

from oslo_config import cfg
from oslo_log import log as logging

from magnum_lite import ca as cluster_ca
from magnum_lite import conf as ml_conf
from magnum_lite.drivers import base
from magnum_lite.drivers.swarm_mode import logic
from openstack_docker import errors
from openstack_docker.api.swarm import SWARM_PORT
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine

LOG = logging.getLogger(__name__)
_POLL = 0.1


class _Member:
    """A host, its engine, the role it has in the request and what its engine said."""

    def __init__(self, host, engine, role):
        self.host, self.engine, self.role = host, engine, role
        self.state = None
        self.error = None

    @property
    def name(self):
        return self.host.name

    @property
    def active(self):
        return bool(self.state) and self.state.get("LocalNodeState") != "inactive"

    @property
    def node_id(self):
        return (self.state or {}).get("NodeID") or None

    def refresh(self):
        try:
            self.state = self.engine.swarm_state()
            self.error = None
        except errors.DockerLayerError as exc:
            self.state, self.error = None, exc
        return self.state


def _each(items, function):
    """``function(item)`` for every item, in parallel; the first failure is raised after
    all have finished (so nothing is still joining while a create rolls back)."""
    if len(items) <= 1:
        for item in items:
            function(item)
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(len(items), 16)) as pool:
        futures = [pool.submit(function, item) for item in items]
    for future in futures:
        future.result()


def host_engine(host, timeout):
    """The engine of a registered host, as magnum_lite's owner; a bad endpoint is a
    DriverError naming the host."""
    try:
        endpoint = parse_endpoint(host.endpoint, ca_cert=host.ca_cert,
                                  client_cert=host.client_cert, client_key=host.client_key,
                                  timeout=timeout, field=f"host {host.name} endpoint")
    except errors.InvalidSpec as exc:
        raise base.DriverError(str(exc)) from exc
    return Engine(endpoint, owner=logic.OWNER)


class SwarmModeDriver(base.ClusterDriver):
    """The ``swarm-mode`` driver (entry point ``magnum_lite.drivers``)."""

    def __init__(self, conf=None, engine_factory=None):
        self.conf = conf if conf is not None else cfg.CONF
        ml_conf.register_opts(self.conf)
        self._engine_factory = engine_factory or self._engine

    def _engine(self, host):
        return host_engine(host, self.conf.swarm.engine_timeout)

    def _members(self, roles):
        """A member per ``(host, role)``, every engine asked for its swarm state at once."""
        members = [_Member(host, self._engine_factory(host), role) for host, role in roles]
        _each(members, _Member.refresh)
        return members

    @staticmethod
    def _require_reachable(members, what):
        down = [m for m in members if m.error is not None]
        if down:
            raise base.DriverError(f"{what}: " + "; ".join(
                f"host {m.name} unreachable ({m.error})" for m in down))

    # -- finding the cluster's swarm --------------------------------------------

    def _leader(self, cluster, members):
        """A reachable manager of this cluster's swarm (a member), or None."""
        for member in members:
            if not member.active or not member.state.get("ControlAvailable"):
                continue
            try:
                swarm = member.engine.inspect_swarm()
            except errors.DockerLayerError as exc:
                LOG.info("Cluster %s: manager %s cannot answer for its swarm: %s",
                         cluster.uuid, member.name, exc)
                continue
            if logic.is_cluster_swarm(swarm, cluster):
                return member
        return None

    def _check_foreign(self, cluster, members, node_ids):
        """DriverError naming every host that is in a swarm other than the cluster's."""
        foreign = [m for m in members if m.active and m.node_id not in node_ids]
        if foreign:
            raise base.DriverError("; ".join(
                f"host {m.name} is already in another swarm (node {m.node_id}, state "
                f"{m.state.get('LocalNodeState')}); make it leave that swarm first"
                for m in foreign))

    # -- create -----------------------------------------------------------------

    def create(self, cluster, managers, workers):
        if not managers:
            raise base.DriverError("a swarm-mode cluster needs at least one manager host")
        members = self._members([(h, "manager") for h in managers]
                                + [(h, "worker") for h in workers])
        self._require_reachable(members, f"cannot create cluster {cluster.name}")
        leader = self._leader(cluster, members)
        known = {n["ID"] for n in leader.engine.swarm_nodes()} if leader else set()
        self._check_foreign(cluster, members, known)
        started = time.monotonic()
        try:
            leader = self._join_all(cluster, members, leader)
            statuses = self._settle(cluster, members, leader)
        except Exception as exc:
            LOG.warning("Cluster %s: create failed, removing what it made: %s",
                        cluster.uuid, exc)
            self._teardown(cluster, members, leader=leader or members[0])
            if isinstance(exc, base.DriverError):
                raise
            raise base.DriverError(f"create of cluster {cluster.name} failed: {exc}") from exc
        LOG.info("Cluster %s: swarm of %d managers and %d workers ready in %.1f s",
                 cluster.uuid, len(managers), len(workers), time.monotonic() - started)
        return self._cluster_state(managers, workers, statuses)

    def _join_all(self, cluster, members, leader):
        if leader is None:
            first = members[0]
            LOG.info("Cluster %s: swarm init on %s", cluster.uuid, first.name)
            first.engine.init_swarm(first.host.advertise_address,
                                    labels=logic.cluster_selector(cluster),
                                    heartbeat_seconds=self.conf.swarm.heartbeat_period)
            first.refresh()
            leader = first
        tokens = leader.engine.inspect_swarm()["JoinTokens"]
        remote = [f"{leader.host.advertise_address}:{SWARM_PORT}"]

        def join(member):
            LOG.info("Cluster %s: %s joins as %s", cluster.uuid, member.name, member.role)
            try:
                member.engine.join_swarm(remote, tokens[member.role.capitalize()],
                                         member.host.advertise_address)
            except errors.DockerLayerError as exc:
                raise base.DriverError(f"host {member.name} could not join the swarm of "
                                       f"cluster {cluster.name}: {exc}") from exc
            finally:
                member.refresh()

        joining = [m for m in members if not m.active]
        # Managers one at a time (each changes the raft membership), workers together.
        for member in joining:
            if member.role == "manager":
                join(member)
        _each([m for m in joining if m.role != "manager"], join)
        return leader

    def _settle(self, cluster, members, leader):
        """Label every node, give it its role, wait until all are Ready; returns the
        :class:`NodeStatus` of each member."""
        for member in members:
            leader.engine.update_node(member.node_id,
                                      labels=logic.node_labels(cluster, member.host),
                                      role=member.role)
        return self._wait_ready(cluster, members, leader)

    def _wait_ready(self, cluster, members, leader):
        deadline = time.monotonic() + self.conf.swarm.join_timeout
        while True:
            nodes = {n["ID"]: n for n in leader.engine.swarm_nodes()}
            statuses = [logic.node_status(m.host, nodes.get(m.node_id)) for m in members]
            pending = [f"{m.name}: {status.reason}"
                       for m, status in zip(members, statuses, strict=True)
                       if not status.healthy or status.role != m.role]
            if not pending:
                return statuses
            if time.monotonic() > deadline:
                raise base.DriverError(f"nodes of cluster {cluster.name} not ready after "
                                       f"{self.conf.swarm.join_timeout} s: "
                                       + "; ".join(pending))
            time.sleep(_POLL)

    # -- resize -----------------------------------------------------------------

    def resize(self, cluster, managers, workers, add, remove):
        if not managers:
            raise base.DriverError("resize refused: a cluster keeps at least one manager")
        removing = {h.name for h in remove}
        adding = {h.name for h in add}
        keep = [(h, "manager") for h in managers if h.name not in removing] + [
            (h, "worker") for h in workers if h.name not in removing]
        members = self._members(keep)
        leader = self._leader(cluster, [m for m in members if m.role == "manager"])
        if leader is None:
            self._require_reachable(members, f"cannot resize cluster {cluster.name}")
            raise base.DriverError(f"no manager of cluster {cluster.name} answers for its "
                                   "swarm")
        nodes = leader.engine.swarm_nodes()
        # Refuse before changing anything: the removals must keep a quorum.
        leaving = self._removal_targets(cluster, leader, remove, nodes)
        logic.check_manager_removal(nodes, {node_id for _, node_id in leaving})
        self._require_reachable(members, f"cannot resize cluster {cluster.name}")
        known = {n["ID"] for n in nodes}
        self._check_foreign(cluster, members, known)
        joiners = [m for m in members if not m.active]
        unexpected = sorted(m.name for m in joiners if m.name not in adding)
        if unexpected:
            LOG.warning("Cluster %s: hosts %s were not in the swarm; they join again",
                        cluster.uuid, ", ".join(unexpected))
        try:
            self._join_all(cluster, members, leader)
            statuses = self._settle(cluster, members, leader)
        except Exception as exc:
            for member in joiners:
                if member.refresh() and member.active:
                    self._leave(member, force=True)
            if isinstance(exc, base.DriverError):
                raise
            raise base.DriverError(f"resize of cluster {cluster.name} failed: {exc}") from exc
        for host, node_id in leaving:
            self._remove_node(cluster, leader, host, node_id)
        return self._cluster_state(managers, workers, statuses)

    def _removal_targets(self, cluster, leader, remove, nodes):
        """``[(host, node_id)]`` of the removed hosts still in the swarm; by the node's host
        label, or the id the host's engine reports."""
        by_host = {(n["Spec"].get("Labels") or {}).get(logic.HOST_LABEL): n["ID"]
                   for n in nodes
                   if logic.is_cluster_swarm({"Spec": n["Spec"]}, cluster)}
        ids = {n["ID"] for n in nodes}
        targets = []
        for host in remove:
            node_id = by_host.get(host.name)
            if node_id is None:
                member = self._members([(host, "worker")])[0]
                if member.active and member.node_id in ids:
                    node_id = member.node_id
            if node_id is not None:
                targets.append((host, node_id))
        return targets

    def _remove_node(self, cluster, leader, host, node_id):
        engine = leader.engine
        node = engine.inspect_node(node_id)
        if logic.is_manager(node):
            LOG.info("Cluster %s: demoting manager %s", cluster.uuid, host.name)
            engine.update_node(node_id, role="worker")
        LOG.info("Cluster %s: draining %s (node %s)", cluster.uuid, host.name, node_id)
        engine.update_node(node_id, availability="drain")
        deadline = time.monotonic() + self.conf.swarm.drain_timeout
        while True:
            done, waiting = logic.drain_progress(node_id, engine.swarm_tasks())
            if done:
                break
            if time.monotonic() > deadline:
                raise base.DriverError(
                    f"host {host.name} (node {node_id}) drained but its tasks did not move "
                    f"within {self.conf.swarm.drain_timeout} s: " + "; ".join(waiting))
            time.sleep(_POLL)
        member = self._members([(host, "worker")])[0]
        if member.error is None and member.active:
            self._leave(member, force=False)
        else:
            LOG.warning("Cluster %s: host %s unreachable; removing its node %s anyway",
                        cluster.uuid, host.name, node_id)
        engine.remove_node(node_id, force=True)

    # -- delete -----------------------------------------------------------------

    def delete(self, cluster, hosts):
        members = self._members([(h, "worker") for h in hosts])
        leader = self._leader(cluster, members)
        ours = []
        if leader is not None:
            self._remove_services(cluster, leader, members)
            ids = {n["ID"]: n for n in leader.engine.swarm_nodes()}
            for member in members:
                if member.active and member.node_id in ids:
                    member.role = "manager" if logic.is_manager(ids[member.node_id]) \
                        else "worker"
                    ours.append(member)
        else:
            # No manager of ours answers: a host is ours when it is a worker whose
            # managers are all among the cluster's hosts.
            addresses = {f"{m.host.advertise_address}:{SWARM_PORT}" for m in members}
            for member in members:
                remotes = {r.get("Addr") for r in member.state.get("RemoteManagers") or []} \
                    if member.active else set()
                if remotes and remotes <= addresses and not member.state.get(
                        "ControlAvailable"):
                    ours.append(member)
        self._teardown(cluster, ours, leader)
        down = [m for m in members if m.error is not None]
        if down:
            raise base.DriverError(
                f"cluster {cluster.name} removed from the reachable hosts; re-run the "
                "delete once these answer: " + "; ".join(
                    f"host {m.name} unreachable ({m.error})" for m in down))

    def _remove_services(self, cluster, leader, members):
        services = leader.engine.list_services(resource_id=cluster.uuid)
        for service in services:
            leader.engine.remove_service(service["ID"])
        if not services:
            return
        deadline = time.monotonic() + self.conf.swarm.leave_timeout
        while time.monotonic() < deadline:
            if not any(m.engine.list_containers(resource_id=cluster.uuid)
                       for m in members if m.error is None):
                return
            time.sleep(_POLL)
        LOG.warning("Cluster %s: service containers still present after %s s",
                    cluster.uuid, self.conf.swarm.leave_timeout)

    def _teardown(self, cluster, members, leader):
        """Every member in the cluster's swarm leaves: workers, other managers, then the
        leader; force for managers (the last one takes the swarm with it)."""
        for member in members:
            if member.error is None:
                member.refresh()
        in_swarm = [m for m in members if m.error is None and m.active]
        leaders = [m for m in in_swarm if m is leader]
        managers = [m for m in in_swarm if m.state.get("ControlAvailable") and m is not leader]
        workers = [m for m in in_swarm if m not in managers and m not in leaders]
        problems = []
        for member in workers + managers + leaders:
            try:
                self._leave(member, force=member in workers)
            except errors.DockerLayerError as exc:
                problems.append(f"host {member.name}: {exc}")
        if problems:
            raise base.DriverError("could not leave the swarm: " + "; ".join(problems))

    @staticmethod
    def _leave(member, force):
        try:
            member.engine.leave_swarm(force=force)
        except errors.DockerLayerError:
            if force:
                raise
            member.engine.leave_swarm(force=True)
        member.refresh()

    # -- health -----------------------------------------------------------------

    def health(self, cluster, hosts):
        members = self._members([(h, "worker") for h in hosts])
        reached = [m for m in members if m.error is None]
        leader = self._leader(cluster, reached)
        nodes, problem = {}, None
        if leader is not None:
            try:
                nodes = {n["ID"]: n for n in leader.engine.swarm_nodes()}
            except errors.DockerLayerError as exc:
                problem = str(exc)
            else:
                problem = logic.quorum_problem(list(nodes.values()))
        elif reached:
            managers = [m.name for m in reached if m.active and m.state.get("ControlAvailable")]
            problem = (f"managers {', '.join(managers)} have no leader" if managers
                       else "no manager of the cluster answers")
        statuses = [logic.node_status(m.host, nodes.get(m.node_id), m.error)
                    if (m.error is not None or leader is not None)
                    else base.NodeStatus(m.name, "unknown", m.node_id, False,
                                         "no manager to report on it")
                    for m in members]
        status, reason = logic.aggregate_health(statuses, problem, reached_any=bool(reached))
        return status, reason, statuses

    # -- state and certificates ---------------------------------------------------

    def _cluster_state(self, managers, workers, statuses):
        first = managers[0]
        url = urllib.parse.urlsplit(first.endpoint)
        port = url.port if first.endpoint.startswith("tcp://") else self.conf.tls.api_port
        return base.ClusterState(
            api_address=f"tcp://{first.advertise_address}:{port}",
            master_addresses=[h.advertise_address for h in managers],
            node_addresses=[h.advertise_address for h in workers],
            nodes=statuses)

    def _ca(self):
        try:
            return cluster_ca.CertificateAuthority.from_conf(self.conf)
        except cluster_ca.CAError as exc:
            raise base.DriverError(str(exc)) from exc

    def ca_certificate(self, cluster):
        return self._ca().certificate_pem()

    def sign_certificate(self, cluster, csr_pem):
        return self._ca().sign(csr_pem)
