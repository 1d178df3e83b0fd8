"""Decision rules of the swarm-mode driver: quorum, drain progress, health."""

import types

import pytest

from magnum_lite.drivers import base
from magnum_lite.drivers.swarm_mode import logic


def _node(node_id, role="worker", state="ready", reachability="reachable", leader=False,
          availability="active"):
    node = {"ID": node_id, "Spec": {"Role": role, "Availability": availability,
                                    "Labels": {}},
            "Status": {"State": state}}
    if role == "manager":
        node["ManagerStatus"] = {"Reachability": reachability, "Leader": leader}
    return node


def _task(task_id, node_id, service, state="running", desired="running"):
    return {"ID": task_id, "NodeID": node_id, "ServiceID": service,
            "DesiredState": desired, "Status": {"State": state}}


@pytest.mark.parametrize("managers, removing, refused", [
    (["m1"], {"m1"}, "every manager"),
    (["m1", "m2", "m3"], {"m3"}, None),
    (["m1", "m2", "m3"], {"m2", "m3"}, None),
    (["m1", "m2", "m3", "m4!"], {"m1"}, None),          # 3 left, 2 reachable: quorum 2
    (["m1", "m2!", "m3!"], {"m1"}, "of which 0 reachable"),
    (["m1", "m2", "m3!", "m4!", "m5"], {"m1"}, "4 manager(s) of which 2 reachable"),
])
def test_manager_removal_keeps_quorum(managers, removing, refused):
    nodes = [_node(m.rstrip("!"), "manager",
                   reachability="unreachable" if m.endswith("!") else "reachable")
             for m in managers] + [_node("w1")]
    if refused:
        with pytest.raises(base.DriverError, match=refused.replace("(", r"\(")
                           .replace(")", r"\)")):
            logic.check_manager_removal(nodes, removing)
    else:
        logic.check_manager_removal(nodes, removing)


def test_removing_workers_never_touches_quorum():
    logic.check_manager_removal([_node("m1", "manager", reachability="unreachable"),
                                 _node("w1")], {"w1"})


def test_drain_waits_for_the_task_to_run_elsewhere():
    tasks = [_task("t1", "w1", "s1", desired="shutdown")]
    done, waiting = logic.drain_progress("w1", tasks)
    assert not done and "t1" in waiting[0]
    tasks = [_task("t1", "w1", "s1", state="shutdown", desired="shutdown"),
             _task("t2", "w2", "s1", state="preparing")]
    done, waiting = logic.drain_progress("w1", tasks)
    assert not done and waiting == ["service s1 has no running task elsewhere"]
    tasks[1]["Status"]["State"] = "running"
    assert logic.drain_progress("w1", tasks) == (True, [])


def test_drain_of_an_empty_node_is_done_at_once():
    assert logic.drain_progress("w1", [_task("t9", "w2", "s9")]) == (True, [])


def test_a_removed_service_is_not_waited_for():
    tasks = [_task("t1", "w1", "s1", state="shutdown", desired="shutdown")]
    assert logic.drain_progress("w1", tasks) == (True, [])


HOST = types.SimpleNamespace(name="h1")


@pytest.mark.parametrize("node, error, healthy, reason", [
    (None, "refused", False, "engine unreachable: refused"),
    (None, None, False, "not a node"),
    (_node("n", state="down"), None, False, "node down"),
    (_node("n", "manager", reachability="unreachable"), None, False, "manager unreachable"),
    (_node("n", "manager", leader=True), None, True, "ready (leader)"),
    (_node("n", availability="drain"), None, True, "ready, drain"),
])
def test_node_status(node, error, healthy, reason):
    status = logic.node_status(HOST, node, error)
    assert status.healthy is healthy
    assert status.reason.startswith(reason)


def test_aggregate_health():
    ok = base.NodeStatus("h1", "manager", "n1", True, "ready")
    bad = base.NodeStatus("h2", "worker", "n2", False, "node down")
    assert logic.aggregate_health([ok, ok])[0] == base.HEALTHY
    assert logic.aggregate_health([ok, bad]) == (
        base.UNHEALTHY, "1 of 2 nodes unhealthy: h2: node down")
    assert logic.aggregate_health([bad], reached_any=False)[0] == base.UNKNOWN
    status, reason = logic.aggregate_health([ok], quorum_problem="1 of 3 managers reachable")
    assert status == base.UNHEALTHY and reason.startswith("manager quorum lost")


def test_quorum_problem():
    managers = [_node("m1", "manager"), _node("m2", "manager", reachability="unreachable"),
                _node("m3", "manager", reachability="unreachable")]
    assert logic.quorum_problem(managers) == "1 of 3 managers reachable, 2 needed"
    assert logic.quorum_problem([*managers[:2], _node("m3", "manager")]) is None


def test_node_labels_cannot_impersonate_the_owner():
    cluster = types.SimpleNamespace(uuid="u1", project_id="p1", labels={
        "org.openstack.docker.resource-id": "other", "a": 1})
    host = types.SimpleNamespace(name="h1", labels={"org.openstack.docker.owner": "x"})
    labels = logic.node_labels(cluster, host)
    assert labels["org.openstack.docker.resource-id"] == "u1"
    assert labels["org.openstack.docker.owner"] == "magnum"
    assert labels["a"] == "1" and labels[logic.HOST_LABEL] == "h1"
