"""The swarm-mode driver's orchestration against fake engines: what joins, what leaves,
what is refused before anything changes, and that a failed create leaves nothing."""

import itertools
import types

import pytest
from oslo_config import cfg

from magnum_lite.drivers import base
from magnum_lite.drivers.swarm_mode import logic
from magnum_lite.drivers.swarm_mode.driver import SwarmModeDriver
from openstack_docker import errors


class World:
    """Swarms and the engines in them."""

    def __init__(self):
        self.ids = itertools.count(1)
        self.swarms = {}        # swarm id -> {"labels":..., "nodes": {node_id: node}}
        self.engines = {}

    def swarm_of(self, engine):
        return self.swarms.get(engine.swarm_id)


class FakeEngine:
    def __init__(self, world, host):
        self.world, self.host = world, host
        self.swarm_id = self.node_id = None
        self.down = False
        self.fail_join = False
        self.calls = []
        world.engines[host.name] = self

    def _check(self, name):
        self.calls.append(name)
        if self.down:
            raise errors.EngineUnreachable(f"{self.host.name} is down")

    def _node(self):
        return self.world.swarm_of(self)["nodes"][self.node_id]

    def swarm_state(self):
        self._check("swarm_state")
        if not self.swarm_id:
            return {"LocalNodeState": "inactive", "NodeID": ""}
        manager = self._node()["Spec"]["Role"] == "manager"
        return {"LocalNodeState": "active", "NodeID": self.node_id,
                "ControlAvailable": manager, "RemoteManagers": []}

    def _add_node(self, swarm_id, role):
        self.swarm_id, self.node_id = swarm_id, f"node{next(self.world.ids)}"
        node = {"ID": self.node_id, "Spec": {"Role": role, "Availability": "active",
                                             "Labels": {}},
                "Status": {"State": "ready"}}
        if role == "manager":
            node["ManagerStatus"] = {"Reachability": "reachable"}
        self.world.swarms[swarm_id]["nodes"][self.node_id] = node
        return self.node_id

    def init_swarm(self, address, labels=None, heartbeat_seconds=None):
        self._check("init_swarm")
        swarm_id = f"swarm{next(self.world.ids)}"
        self.world.swarms[swarm_id] = {"labels": labels or {}, "nodes": {}}
        return self._add_node(swarm_id, "manager")

    def inspect_swarm(self):
        self._check("inspect_swarm")
        swarm = self.world.swarm_of(self)
        return {"ID": self.swarm_id, "Spec": {"Labels": swarm["labels"]},
                "JoinTokens": {"Worker": f"{self.swarm_id}/worker",
                               "Manager": f"{self.swarm_id}/manager"}}

    def join_swarm(self, remotes, token, address):
        self._check("join_swarm")
        if self.fail_join:
            raise errors.EngineError("join refused")
        swarm_id, role = token.split("/")
        return self._add_node(swarm_id, role)

    def leave_swarm(self, force=False):
        self._check("leave_swarm")
        if not self.swarm_id:
            return False
        swarm = self.world.swarm_of(self)
        if self._node()["Spec"]["Role"] == "manager" and not force:
            raise errors.EngineError("force needed")
        swarm["nodes"][self.node_id]["Status"]["State"] = "down"
        if self._node()["Spec"]["Role"] == "manager":
            swarm["nodes"].pop(self.node_id)
        self.swarm_id = self.node_id = None
        return True

    def swarm_nodes(self, labels=None):
        self._check("swarm_nodes")
        return list(self.world.swarm_of(self)["nodes"].values())

    def inspect_node(self, node_id):
        return self.world.swarm_of(self)["nodes"][node_id]

    def update_node(self, node_id, labels=None, availability=None, role=None):
        self.calls.append(("update_node", node_id, availability, role))
        spec = self.world.swarm_of(self)["nodes"][node_id]["Spec"]
        if labels:
            spec["Labels"].update(labels)
        if availability:
            spec["Availability"] = availability
        if role:
            spec["Role"] = role

    def remove_node(self, node_id, force=False):
        self.calls.append(("remove_node", node_id))
        return self.world.swarm_of(self)["nodes"].pop(node_id, None) is not None

    def swarm_tasks(self, **filters):
        return []

    def list_services(self, resource_id=None):
        return []

    def list_containers(self, resource_id=None):
        return []


def _host(name):
    return base.Host(name=name, endpoint=f"tcp://10.9.0.{name[-1]}:2376",
                     advertise_address=f"10.9.0.{name[-1]}")


@pytest.fixture
def world():
    return World()


@pytest.fixture
def driver(world):
    conf = cfg.ConfigOpts()
    conf([], project="magnum-lite-test")
    engines = {}

    def factory(host):
        if host.name not in engines:
            engines[host.name] = world.engines.get(host.name) or FakeEngine(world, host)
        return engines[host.name]
    driver = SwarmModeDriver(conf, engine_factory=factory)
    driver.conf.set_override("join_timeout", 1, "swarm")
    return driver


CLUSTER = types.SimpleNamespace(uuid="c-1", name="c1", project_id="p", labels={"a": "b"},
                                master_count=1, node_count=2)
H = [_host(f"h{i}") for i in range(1, 6)]


def test_create_resume_and_delete(driver, world):
    state = driver.create(CLUSTER, H[:1], H[1:3])
    assert state.api_address == "tcp://10.9.0.1:2376"
    assert [n.role for n in state.nodes] == ["manager", "worker", "worker"]
    (swarm,) = world.swarms.values()
    assert all(n["Spec"]["Labels"][logic.HOST_LABEL] for n in swarm["nodes"].values())
    again = driver.create(CLUSTER, H[:1], H[1:3])
    assert [n.node_id for n in again.nodes] == [n.node_id for n in state.nodes]
    assert "init_swarm" not in world.engines["h1"].calls[-10:]
    driver.delete(CLUSTER, H[:3])
    assert all(e.swarm_id is None for e in world.engines.values())


def test_failed_join_leaves_nothing(driver, world):
    driver._engine_factory(H[2]).fail_join = True
    with pytest.raises(base.DriverError, match="host h3 could not join"):
        driver.create(CLUSTER, H[:1], H[1:3])
    assert all(e.swarm_id is None for e in world.engines.values())


def test_foreign_swarm_is_refused_before_any_change(driver, world):
    driver._engine_factory(H[1]).init_swarm("10.9.0.2")
    with pytest.raises(base.DriverError, match="host h2 is already in another swarm"):
        driver.create(CLUSTER, H[:1], H[1:3])
    assert world.engines["h1"].swarm_id is None and world.engines["h3"].swarm_id is None


def test_unreachable_host_refused_before_any_change(driver, world):
    driver._engine_factory(H[2]).down = True
    with pytest.raises(base.DriverError, match="host h3 unreachable"):
        driver.create(CLUSTER, H[:1], H[1:3])
    assert world.engines["h1"].swarm_id is None


def test_resize_drains_and_removes_only_the_removed_node(driver, world):
    driver.create(CLUSTER, H[:1], H[1:3])
    h3 = world.engines["h3"]
    leaving = h3.node_id
    state = driver.resize(CLUSTER, H[:1], [H[1], H[3]], add=[H[3]], remove=[H[2]])
    assert h3.swarm_id is None and world.engines["h4"].swarm_id is not None
    calls = world.engines["h1"].calls
    assert calls.index(("update_node", leaving, "drain", None)) < calls.index(
        ("remove_node", leaving))
    assert [n.host for n in state.nodes] == ["h1", "h2", "h4"]


def test_resize_refuses_to_break_quorum(driver, world):
    driver.create(CLUSTER, H[:3], [])
    world.engines["h2"].down = True
    world.engines["h1"].swarm_nodes()  # the world marks h2's manager unreachable:
    swarm = world.swarm_of(world.engines["h1"])
    swarm["nodes"][world.engines["h2"].node_id]["ManagerStatus"]["Reachability"] = \
        "unreachable"
    with pytest.raises(base.DriverError, match="quorum needs 2"):
        driver.resize(CLUSTER, [H[0], H[1]], [], add=[], remove=[H[2]])
    assert world.engines["h3"].swarm_id is not None  # nothing was changed


def test_health_names_the_dead_engine(driver, world):
    driver.create(CLUSTER, H[:1], H[1:3])
    world.engines["h3"].down = True
    status, reason, nodes = driver.health(CLUSTER, H[:3])
    assert status == base.UNHEALTHY and "h3: engine unreachable" in reason
    assert [n.healthy for n in nodes] == [True, True, False]
    for engine in world.engines.values():
        engine.down = True
    assert driver.health(CLUSTER, H[:3])[0] == base.UNKNOWN
