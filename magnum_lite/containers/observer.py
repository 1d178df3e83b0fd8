"""The swarm's view of a cluster's containers, read with few engine calls: its services,
tasks, down nodes and paused containers (each node's engine asked once)."""

import logging

from magnum_lite.containers import request, states
from openstack_docker import errors

LOG = logging.getLogger(__name__)


class ClusterView:
    """One look at a cluster; :meth:`observe` answers per container."""

    def __init__(self, access, cluster_uuid, service_ids=None):
        self.access, self.cluster_uuid = access, cluster_uuid
        self.manager = access.manager(cluster_uuid)
        if service_ids is None:
            services = self.manager.list_services(resource_id=cluster_uuid)
            tasks = self.manager.swarm_tasks()
        else:  # a few services only: one call each
            services, tasks = [], []
            for service_id in service_ids:
                try:
                    services.append(self.manager.inspect_service(service_id))
                except errors.NotFound:
                    continue
                tasks += self.manager.swarm_tasks(service_id=service_id)
        self.services = {s["Spec"]["Labels"].get(request.CONTAINER_LABEL): s
                         for s in services
                         if (s["Spec"].get("Labels") or {}).get(request.CONTAINER_LABEL)}
        self.tasks = {}
        for task in tasks:
            self.tasks.setdefault(task["ServiceID"], []).append(task)
        nodes = self.manager.swarm_nodes()
        self.down = {n["ID"] for n in nodes
                     if (n.get("Status") or {}).get("State") != "ready"}
        self.hosts = access.hosts_by_node(cluster_uuid)
        self.paused, self.unreachable = self._paused(
            {t.get("NodeID") for ts in self.tasks.values() for t in ts
             if t["Status"]["State"] == "running"} - self.down - {None})

    def _paused(self, node_ids):
        paused, unreachable = set(), set()
        for node_id in node_ids:
            try:
                engine = self.access.node_engine(self.cluster_uuid, node_id)
                paused.update(c["Id"] for c in engine.list_containers(
                    resource_id=self.cluster_uuid, filters={"status": "paused"}))
            except Exception as exc:  # that node's containers keep their last status
                LOG.info("cluster %s: node %s not asked about paused containers: %s",
                         self.cluster_uuid, node_id, exc)
                unreachable.add(node_id)
        return paused, unreachable

    def observe(self, row):
        """``(Observed, values to store)`` for one container row."""
        service = self.services.get(row.uuid)
        tasks = self.tasks.get(service["ID"], []) if service else []
        seen = states.observe(service, tasks, self.down, self.paused,
                              started=row.status != states.CREATED)
        task = seen.task
        if (task is not None and task.get("NodeID") in self.unreachable
                and seen.status == states.RUNNING):
            # Swarm has not noticed yet; the node's engine does not answer us.
            seen = states.Observed(states.UNKNOWN, f"the engine of node {task['NodeID']} "
                                   "(host {}) does not answer".format(
                                       self.hosts.get(task["NodeID"])), task)
        values = {"status": seen.status, "status_reason": seen.reason,
                  "service_id": service["ID"] if service else row.service_id}
        if task is not None:
            status = task["Status"]
            values.update(
                task_id=task["ID"], node_id=task.get("NodeID"),
                host=self.hosts.get(task.get("NodeID")),
                container_id=(status.get("ContainerStatus") or {}).get("ContainerID"),
                addresses=addresses(task))
        return seen, values


def addresses(task):
    """Zun's ``{network id: [{addr, version, port, subnet_id, preserve_on_delete}]}``."""
    result = {}
    for attachment in task.get("NetworksAttachments") or []:
        network_id = (attachment.get("Network") or {}).get("ID")
        for cidr in attachment.get("Addresses") or []:
            address = cidr.partition("/")[0]
            result.setdefault(network_id, []).append({
                "addr": address, "version": 6 if ":" in address else 4, "port": None,
                "subnet_id": None, "preserve_on_delete": False})
    return result
