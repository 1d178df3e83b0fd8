"""Servers with a NIC on a tenant network: Neutron ML2/OVN ports that the Docker driver
plugs into Open vSwitch (ovs VIFs); OVN carries the traffic and enforces security groups."""

import uuid

import pytest

from tests.functional.allinone.cloud import openstack, server_status, wait_for


@pytest.fixture(scope="module")
def network():
    name = f"aio-net-{uuid.uuid4().hex[:8]}"
    net = openstack("network", "create", name)
    openstack("subnet", "create", "--network", net["id"], "--subnet-range", "10.91.0.0/24",
              f"{name}-subnet")
    yield net
    openstack("network", "delete", net["id"], parse=False)


@pytest.fixture(scope="module")
def closed_group():
    """A security group with no ingress rule: nothing reaches its servers."""
    group = openstack("security", "group", "create", f"aio-sg-{uuid.uuid4().hex[:8]}")
    yield group
    openstack("security", "group", "delete", group["id"], parse=False)


@pytest.fixture(scope="module")
def servers(network, closed_group):
    """client (default group) and two web servers: one in the default group, one closed."""
    made, names = {}, []
    try:
        for role, extra in [("client", []), ("open", []),
                            ("closed", ["--security-group", closed_group["id"]])]:
            names.append(f"aio-{role}-{uuid.uuid4().hex[:6]}")
            made[role] = openstack("server", "create", "--image", "testbed-server",
                                   "--flavor", "m1.tiny", "--network", network["id"],
                                   *extra, "--wait", names[-1])
        yield {role: {**server, "ip": fixed_ip(server, network)} for role, server in
               made.items()}
    finally:
        # By name: a create that failed (ERROR) left a server too.
        for server in openstack("server", "list"):
            if server["Name"] in names:
                openstack("server", "delete", "--wait", server["ID"], parse=False)


def fixed_ip(server, network):
    return openstack("server", "show", server["id"])["addresses"][network["name"]][0]


def fetch(engine, client, ip, port=8080):
    """What the client container gets from http://ip:port/ ('' when nothing answers)."""
    _code, output = engine.exec_run(
        f"nova-{client['id']}",
        ["sh", "-c", f"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 {ip} {port}"])
    return output


def test_servers_on_one_network_reach_each_other_by_fixed_ip(servers, engine):
    assert all(server["status"] == "ACTIVE" for server in servers.values())
    assert "testbed-server-ok" in fetch(engine, servers["client"], servers["open"]["ip"])


def test_security_group_rule_blocks_then_allows_a_port(servers, closed_group, engine):
    client, closed = servers["client"], servers["closed"]
    assert "testbed-server-ok" not in fetch(engine, client, closed["ip"])
    rule = openstack("security", "group", "rule", "create", "--ingress", "--protocol", "tcp",
                     "--dst-port", "8080", closed_group["id"])
    try:
        wait_for(lambda: "testbed-server-ok" in fetch(engine, client, closed["ip"]),
                 timeout=60, interval=2, what="port 8080 allowed by the new rule")
    finally:
        openstack("security", "group", "rule", "delete", rule["id"], parse=False)


def test_power_off_and_on_keeps_the_network(servers, engine):
    """The driver plugs the VIF again when the container starts again."""
    web = servers["open"]
    openstack("server", "stop", web["id"], parse=False)
    server_status(web["id"], "SHUTOFF")
    openstack("server", "start", web["id"], parse=False)
    server_status(web["id"], "ACTIVE")
    wait_for(lambda: "testbed-server-ok" in fetch(engine, servers["client"], web["ip"]),
             timeout=60, interval=2, what="the restarted server answering on its fixed IP")
