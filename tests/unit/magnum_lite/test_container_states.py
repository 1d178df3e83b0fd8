"""Zun's VALID_STATES and the status a container gets from its swarm service and tasks."""

import pytest

from magnum_lite.containers import states as st

SERVICE = {"ID": "s1", "Spec": {"Mode": {"Replicated": {"Replicas": 1}}}}
STOPPED_SERVICE = {"ID": "s1", "Spec": {"Mode": {"Replicated": {"Replicas": 0}}}}


def task(state, desired="running", index=1, node="n1", container="c1", err=None):
    status = {"State": state, "ContainerStatus": {"ContainerID": container}}
    if err:
        status["Err"] = err
    return {"ID": f"t{index}", "ServiceID": "s1", "NodeID": node, "DesiredState": desired,
            "Version": {"Index": index}, "Status": status}


@pytest.mark.parametrize(("action", "status", "allowed"), [
    ("start", "Stopped", True), ("start", "Running", False), ("stop", "Running", True),
    ("stop", "Paused", False), ("pause", "Running", True), ("unpause", "Paused", True),
    ("unpause", "Running", False), ("delete", "Running", False), ("delete", "Error", True),
    ("delete_force", "Running", True), ("delete_force", "Paused", False),
    ("delete_after_stop", "Running", True), ("logs", "Unknown", True),
    ("execute", "Stopped", False), ("update", "Paused", True), ("reboot", "Error", True),
    ("kill", "Created", False),
])
def test_valid_states_are_zuns(action, status, allowed):
    assert st.allowed(action, status) is allowed


def test_every_status_named_in_valid_states_is_a_zun_status():
    assert {s for allowed in st.VALID_STATES.values() for s in allowed} <= set(st.STATUSES)


@pytest.mark.parametrize(("service", "tasks", "kwargs", "expected"), [
    (None, [], {}, st.ERROR),
    (SERVICE, [], {}, st.CREATING),
    (SERVICE, [task("preparing")], {}, st.CREATING),
    (SERVICE, [task("running")], {}, st.RUNNING),
    (SERVICE, [task("running")], {"paused": {"c1"}}, st.PAUSED),
    (SERVICE, [task("running")], {"paused": {"other"}}, st.RUNNING),
    (SERVICE, [task("running")], {"down_nodes": {"n1"}}, st.UNKNOWN),
    (SERVICE, [task("failed", "shutdown", 1), task("starting", "running", 2, "n2")], {},
     st.RESTARTING),
    (SERVICE, [task("running", "shutdown", 1), task("running", "running", 2, "n2")],
     {"down_nodes": {"n1"}}, st.RUNNING),
    (SERVICE, [task("complete", "shutdown")], {}, st.STOPPED),
    (SERVICE, [task("failed", "shutdown", err="exit 3")], {}, st.ERROR),
    (SERVICE, [task("rejected", "shutdown", err="No such image")], {}, st.ERROR),
    (STOPPED_SERVICE, [task("shutdown", "shutdown")], {}, st.STOPPED),
    (STOPPED_SERVICE, [], {"started": False}, st.CREATED),
])
def test_status_follows_the_swarm(service, tasks, kwargs, expected):
    assert st.observe(service, tasks, **kwargs).status == expected


def test_an_error_says_why():
    seen = st.observe(SERVICE, [task("rejected", "shutdown", err="No such image: x")])
    assert seen.reason == "No such image: x"
