"""Decisions of the swarm-mode driver, kept free of engine calls so they are unit-tested
on their own: whose node is whose, quorum, drain progress, health."""

from magnum_lite.drivers import base
from openstack_docker import labels as ownership

OWNER = "magnum"
PROJECT_LABEL = ownership.PREFIX + "project-id"
HOST_LABEL = ownership.PREFIX + "magnum-host"

#: Task states that still hold (or are about to hold) a container on their node.
LIVE_TASK_STATES = {"new", "pending", "assigned", "accepted", "preparing", "ready",
                    "starting", "running"}


def cluster_selector(cluster):
    """Labels every node, service and swarm of ``cluster`` carries."""
    return ownership.ownership(OWNER, cluster.uuid)


def node_labels(cluster, host):
    """Node labels: the cluster's labels, the host's, then the marks that say whose it is
    (users cannot override those)."""
    labels = {str(k): str(v) for k, v in (cluster.labels or {}).items()
              if not str(k).startswith(ownership.PREFIX)}
    labels.update({str(k): str(v) for k, v in (host.labels or {}).items()
                   if not str(k).startswith(ownership.PREFIX)})
    labels.update(cluster_selector(cluster))
    labels[PROJECT_LABEL] = str(cluster.project_id)
    labels[HOST_LABEL] = host.name
    return labels


def is_cluster_swarm(swarm, cluster):
    """True when an inspected swarm was made for ``cluster``."""
    spec_labels = (swarm.get("Spec") or {}).get("Labels") or {}
    return all(spec_labels.get(k) == v for k, v in cluster_selector(cluster).items())


def is_manager(node):
    return (node.get("Spec") or {}).get("Role") == "manager"


def manager_reachable(node):
    return (node.get("ManagerStatus") or {}).get("Reachability") == "reachable"


def quorum(manager_count):
    """Managers that must be reachable for a swarm of ``manager_count`` managers."""
    return manager_count // 2 + 1


def check_manager_removal(nodes, removing_ids):
    """Refuse (DriverError) removing managers when the rest could not keep a quorum."""
    managers = [node for node in nodes if is_manager(node)]
    leaving = [node for node in managers if node["ID"] in removing_ids]
    if not leaving:
        return
    remaining = [node for node in managers if node["ID"] not in removing_ids]
    if not remaining:
        raise base.DriverError("resize refused: it would remove every manager of the "
                               "cluster")
    reachable = sum(1 for node in remaining if manager_reachable(node))
    if reachable < quorum(len(remaining)):
        raise base.DriverError(
            f"resize refused: removing {len(leaving)} manager(s) leaves {len(remaining)} "
            f"manager(s) of which {reachable} reachable; a quorum needs "
            f"{quorum(len(remaining))}")


def drain_progress(node_id, tasks):
    """``(done, waiting_for)`` for a drained node: done once nothing live is left on it and
    every service that had a live task there runs a task elsewhere."""
    on_node = [task for task in tasks if task.get("NodeID") == node_id
               and task["Status"]["State"] in LIVE_TASK_STATES]
    moved_from = {task["ServiceID"] for task in tasks if task.get("NodeID") == node_id}
    running_elsewhere = {task["ServiceID"] for task in tasks
                         if task.get("NodeID") not in (None, node_id)
                         and task["Status"]["State"] == "running"
                         and task.get("DesiredState") == "running"}
    waiting = [f"task {task['ID'][:12]} still {task['Status']['State']}" for task in on_node]
    # A service that ran nowhere but here is waited for only while it still wants tasks.
    wanted = {task["ServiceID"] for task in tasks if task.get("DesiredState") == "running"}
    waiting += [f"service {service[:12]} has no running task elsewhere"
                for service in sorted((moved_from & wanted) - running_elsewhere)]
    return not waiting, waiting


def node_status(host, node, probe_error=None):
    """NodeStatus of one host from the node the managers list for it (or None)."""
    if probe_error is not None:
        return base.NodeStatus(host=host.name, role="unknown", node_id=None, healthy=False,
                               reason=f"engine unreachable: {probe_error}")
    if node is None:
        return base.NodeStatus(host=host.name, role="unknown", node_id=None, healthy=False,
                               reason="not a node of the cluster's swarm")
    role = node["Spec"].get("Role", "worker")
    status = node.get("Status") or {}
    state = status.get("State", "unknown")
    if state != "ready":
        reason = f"node {state}"
        if status.get("Message"):
            reason += f": {status['Message']}"
        return base.NodeStatus(host.name, role, node["ID"], False, reason)
    if role == "manager" and not manager_reachable(node):
        reachability = (node.get("ManagerStatus") or {}).get("Reachability", "unknown")
        return base.NodeStatus(host.name, role, node["ID"], False,
                               f"manager {reachability}")
    availability = node["Spec"].get("Availability", "active")
    reason = "ready" if availability == "active" else f"ready, {availability}"
    if (node.get("ManagerStatus") or {}).get("Leader"):
        reason += " (leader)"
    return base.NodeStatus(host.name, role, node["ID"], True, reason)


def aggregate_health(statuses, quorum_problem=None, reached_any=True):
    """``(HEALTHY|UNHEALTHY|UNKNOWN, reason)`` of the cluster from its nodes."""
    if not reached_any:
        return base.UNKNOWN, "no host of the cluster answers"
    if quorum_problem:
        return base.UNHEALTHY, f"manager quorum lost: {quorum_problem}"
    bad = [status for status in statuses if not status.healthy]
    if bad:
        details = "; ".join(f"{status.host}: {status.reason}" for status in bad)
        return base.UNHEALTHY, f"{len(bad)} of {len(statuses)} nodes unhealthy: {details}"
    return base.HEALTHY, f"{len(statuses)} nodes ready"


def quorum_problem(nodes):
    """Why the managers in ``nodes`` lack a quorum, or None."""
    managers = [node for node in nodes if is_manager(node)]
    reachable = sum(1 for node in managers if manager_reachable(node))
    if managers and reachable < quorum(len(managers)):
        return (f"{reachable} of {len(managers)} managers reachable, "
                f"{quorum(len(managers))} needed")
    return None
