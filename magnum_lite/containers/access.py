"""The engines of a cluster: a manager for services and tasks, and each node's own engine
for what only it can do (pause, kill, exec, logs of the task's container)."""

import threading

import sqlalchemy as sa

from magnum_lite import drivers
from magnum_lite.db import api, models
from magnum_lite.drivers.base import DriverError
from magnum_lite.drivers.swarm_mode.driver import host_engine
from openstack_docker import errors


class NodeUnavailable(Exception):
    """The engine a container's task runs on cannot be reached or is unknown."""


class ClusterAccess:
    """Engines per host name, made once per process (they keep their connections)."""

    def __init__(self, conf):
        self.conf = conf
        self._engines = {}
        self._lock = threading.Lock()
        self._hosts = None

    def _host(self, name):
        with self._lock:
            if self._hosts is None or name not in self._hosts:
                self._hosts = {h.name: h for h in drivers.load_hosts(self.conf)}
        host = self._hosts.get(name)
        if host is None:
            raise DriverError(f"host {name} is not in the hosts file any more")
        return host

    def engine(self, host_name, node=False):
        """The engine of a host; ``node=True``: with the short ``[containers]
        node_timeout`` (a node may be down), else ``[swarm] engine_timeout``."""
        key = (host_name, node)
        with self._lock:
            engine = self._engines.get(key)
        if engine is None:
            timeout = (self.conf.containers.node_timeout if node
                       else self.conf.swarm.engine_timeout)
            engine = host_engine(self._host(host_name), timeout)
            with self._lock:
                engine = self._engines.setdefault(key, engine)
        return engine

    def allocations(self, cluster_uuid):
        with api.session(self.conf, write=False) as ses:
            return ses.scalars(sa.select(models.HostAllocation).where(
                models.HostAllocation.cluster_uuid == cluster_uuid)
                .order_by(models.HostAllocation.created_at)).all()

    def manager(self, cluster_uuid):
        """A manager engine of the cluster that answers for its swarm."""
        allocs = [a for a in self.allocations(cluster_uuid) if a.role == "master"]
        problems = []
        for alloc in allocs:
            engine = self.engine(alloc.host)
            try:
                if engine.swarm_state().get("ControlAvailable"):
                    return engine
                problems.append(f"{alloc.host}: not a manager")
            except errors.DockerLayerError as exc:
                problems.append(f"{alloc.host}: {exc}")
        raise DriverError(f"no manager of cluster {cluster_uuid} answers"
                          + (": " + "; ".join(problems) if problems else ""))

    def hosts_by_node(self, cluster_uuid):
        """``{node id: host name}`` of the cluster's nodes."""
        return {a.node_id: a.host for a in self.allocations(cluster_uuid) if a.node_id}

    def node_engine(self, cluster_uuid, node_id):
        host = self.hosts_by_node(cluster_uuid).get(node_id)
        if host is None:
            raise NodeUnavailable(f"node {node_id} is not a node of cluster {cluster_uuid}")
        return self.engine(host, node=True)
