"""``ovs`` VIFs as ML2/OVN binds them (``bridge_name: br-int``, ``datapath_type: netdev``,
``ovs_create_tap``), plugged into real containers and a private userspace Open vSwitch
(tests.common.private_ovs: its own database, socket and network namespace, never the
host's OVS). Needs root and Debian's openvswitch-switch (tools/testbed installs it)."""

import ipaddress
import json
import random
import subprocess
import uuid

import pytest
from nova.network import model

from nova_docker import network
from tests.common import private_ovs
from tests.common.helpers import wait_for
from tests.functional.nova_docker.test_network_plumbing import host_links, run_in

pytestmark = pytest.mark.functional
SUBNET = ipaddress.ip_network("10.252.7.0/24")  # inside the private namespace only


@pytest.fixture(scope="module")
def ovsdb():
    with private_ovs.private_ovs() as connection:
        network.CONF.set_override("ovsdb_connection", connection, group="docker")
        try:
            yield connection
        finally:
            network.CONF.clear_override("ovsdb_connection", group="docker")


def vsctl(ovsdb, *args):
    return subprocess.run(["ovs-vsctl", f"--db={ovsdb}", "--format=json", *args],
                          check=True, capture_output=True, text=True).stdout


def ovs_vif(host, datapath="netdev"):
    subnet = model.Subnet(cidr=str(SUBNET), gateway=model.IP(str(SUBNET[1])),
                          ips=[model.FixedIP(address=str(SUBNET[host]))])
    port = str(uuid.uuid4())
    return model.VIF(
        id=port, address=f"fa:16:3e:{random.randrange(256):02x}:07:{host:02x}",
        network=model.Network(id="net-ovs", bridge="br-int", subnets=[subnet], mtu=1442),
        type="ovs", devname=f"tap{port}"[:14], ovs_interfaceid=port,
        details={"bridge_name": "br-int", "datapath_type": datapath,
                 "ovs_create_tap": True, "port_filter": True})


def external_ids(ovsdb, name):
    rows = json.loads(vsctl(ovsdb, "--columns=external_ids", "list", "Interface", name))
    return dict(rows["data"][0][0][1])


def test_ovs_vifs_on_br_int_carry_tcp_and_unplug(ovsdb, engine, start):
    server, client = start("server"), start("sleeper")
    server_vif, client_vif = ovs_vif(11), ovs_vif(12)
    instance = type("Instance", (), {"uuid": str(uuid.uuid4())})()
    network.plug_vifs(engine, server, instance, [server_vif])
    network.plug_vifs(engine, client, None, [client_vif])

    ports = vsctl(ovsdb, "list-ports", "br-int").split()
    assert sorted(ports) == sorted([server_vif["devname"], client_vif["devname"]])
    assert vsctl(ovsdb, "get", "Bridge", "br-int", "datapath_type").strip() == "netdev"
    assert external_ids(ovsdb, server_vif["devname"]) == {
        "iface-id": server_vif["id"], "attached-mac": server_vif["address"],
        "iface-status": "active", "vm-uuid": instance.uuid}
    addr = run_in(engine, server, "ip", "addr", "show", "eth0")
    assert f"link/ether {server_vif['address']}" in addr and "mtu 1442" in addr

    # TCP through the userspace datapath (checksums filled in: tx offload is off).
    target = f"http://{SUBNET[11]}:8080/"
    assert wait_for(lambda: engine.exec_run(client, ["wget", "-qO-", target])[1],
                    what="HTTP over br-int") == "testbed-server-ok"

    # Plugging again changes nothing; after a restart (new netns) it plugs again.
    network.plug_vifs(engine, server, instance, [server_vif])
    engine.restart(server, timeout=0)
    wait_for(lambda: engine.inspect_container(server)["State"]["Running"], what="restart")
    network.plug_vifs(engine, server, instance, [server_vif])
    assert vsctl(ovsdb, "list-ports", "br-int").split().count(server_vif["devname"]) == 1
    assert wait_for(lambda: engine.exec_run(client, ["wget", "-qO-", target])[1],
                    what="HTTP after restart") == "testbed-server-ok"

    for container, vif in ((server, server_vif), (client, client_vif)):
        network.unplug_vifs(engine, container, None, [vif])
        network.unplug_vifs(engine, container, None, [vif])
        assert vif["devname"] not in host_links()
    assert vsctl(ovsdb, "list-ports", "br-int").split() == []
