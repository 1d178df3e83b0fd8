"""VIFs plugged into real containers' network namespaces on this host (needs root).

Every test owns private test subnets no route on this host already covers; traffic goes
only to the containers it started. VIFs here are ``tap`` VIFs, which the host wires by
giving the tap device an address; ``ovs`` VIFs are test_ovs_vifs.py's. Everything created
is removed, also on failure.
"""

import http.client
import ipaddress
import random
import socket
import uuid

import pytest
from nova.network import model
from pyroute2 import IPRoute

from nova_docker import network
from nova_docker.network import errors
from tests.common.helpers import wait_for

pytestmark = pytest.mark.functional


def _free_subnets(count):
    """``count`` random 10.251.x.0/24 (and matching fd00:251:x::/64) no host route covers."""
    with IPRoute() as ipr:
        taken = [ipaddress.ip_network(f"{r.get_attr('RTA_DST')}/{r['dst_len']}", strict=False)
                 for family in (socket.AF_INET, socket.AF_INET6)
                 for r in ipr.get_routes(family=family) if r["dst_len"]]
    free = [x for x in range(1, 255) if not any(
        ipaddress.ip_network(f"10.251.{x}.0/24").overlaps(net) or
        ipaddress.ip_network(f"fd00:251:{x:x}::/64").overlaps(net) for net in taken
        if net.version in (4, 6) and net.prefixlen)]
    return random.sample(free, count)


#: Host devices the tests of this module created (all must be gone at the end).
_CREATED = set()


class Lab:
    """One test's subnets, and VIFs on them."""

    def __init__(self):
        self.v4, self.v6 = [], []
        for x in _free_subnets(2):
            self.v4.append(ipaddress.ip_network(f"10.251.{x}.0/24"))
            self.v6.append(ipaddress.ip_network(f"fd00:251:{x:x}::/64"))
        self.host_devs = []

    def vif(self, host, vif_type="tap", subnet=0, mtu=1400):
        """A Nova VIF with fixed IPv4/IPv6 address ``host`` of test subnet ``subnet``."""
        v4, v6 = self.v4[subnet], self.v6[subnet]
        subnet4 = model.Subnet(
            cidr=str(v4), gateway=model.IP(str(v4[1])), dns=[model.IP(str(v4[53]))],
            ips=[model.FixedIP(address=str(v4[host]))],
            routes=[model.Route(cidr="10.250.99.0/24", gateway=model.IP(str(v4[254])))])
        subnet6 = model.Subnet(cidr=str(v6), gateway=model.IP(str(v6[1])),
                               dns=[model.IP(str(v6[53]))],
                               ips=[model.FixedIP(address=str(v6[host]))])
        net = model.Network(id=f"net-{subnet}", subnets=[subnet4, subnet6], mtu=mtu)
        port = str(uuid.uuid4())
        self.host_devs.append(f"tap{port}"[:14])
        _CREATED.add(self.host_devs[-1])
        return model.VIF(id=port, address=f"fa:16:3e:{random.randrange(256):02x}:"
                         f"{subnet:02x}:{host:02x}", network=net, type=vif_type,
                         devname=f"tap{port}"[:14])

    def give_host_addresses(self, device, subnet=0):
        """The host's own address (.1) on ``device``, so the host can reach the VIFs."""
        with IPRoute() as ipr:
            index = ipr.link_lookup(ifname=device)[0]
            ipr.link("set", index=index, state="up")
            for net in (self.v4[subnet], self.v6[subnet]):
                ipr.addr("add", index=index, address=str(net[1]), prefixlen=net.prefixlen,
                         flags=0x02 if net.version == 6 else 0)  # IFA_F_NODAD

    def cleanup(self):
        with IPRoute() as ipr:
            for name in self.host_devs:
                for index in ipr.link_lookup(ifname=name):
                    ipr.link("del", index=index)


@pytest.fixture
def net():
    test_net = Lab()
    yield test_net
    test_net.cleanup()


def host_links():
    with IPRoute() as ipr:
        return {link.get("ifname"): link for link in ipr.get_links()}


def http_get(address, timeout=3):
    connection = http.client.HTTPConnection(str(address), 8080, timeout=timeout)
    try:
        connection.request("GET", "/")
        return connection.getresponse().read().decode()
    finally:
        connection.close()


def run_in(engine, container_id, *cmd):
    code, output = engine.exec_run(container_id, list(cmd))
    assert code == 0, output
    return output


def test_vif_ipv4_ipv6_mtu_routes_dns(engine, start, net):
    container_id = start("server")
    vif = net.vif(11)
    network.plug_vifs(engine, container_id, None, model.NetworkInfo([vif]))

    host_end = host_links()[vif["devname"]]
    assert host_end.get("master") is None  # a tap VIF: left for the operator to wire
    assert host_end.get("mtu") == 1400 and host_end.get("state") == "up"

    addr = run_in(engine, container_id, "ip", "addr", "show", "eth0")
    assert f"link/ether {vif['address']}" in addr and "mtu 1400" in addr
    assert f"inet {net.v4[0][11]}/24" in addr and f"inet6 {net.v6[0][11]}/64" in addr
    routes = run_in(engine, container_id, "ip", "route")
    assert f"default via {net.v4[0][1]} dev eth0" in routes
    assert f"10.250.99.0/24 via {net.v4[0][254]} dev eth0" in routes
    assert f"default via {net.v6[0][1]} dev eth0" in run_in(engine, container_id,
                                                              "ip", "-6", "route")
    assert run_in(engine, container_id, "cat", "/etc/resolv.conf").splitlines()[:2] == [
        f"nameserver {net.v4[0][53]}", f"nameserver {net.v6[0][53]}"]

    # The operator wires the tap device: here, by giving it the host's address.
    net.give_host_addresses(vif["devname"])
    assert wait_for(lambda: _reachable(net.v4[0][11]), what="IPv4 HTTP") == "testbed-server-ok"
    assert wait_for(lambda: _reachable(net.v6[0][11]), what="IPv6 HTTP") == "testbed-server-ok"

    # Plugging again changes nothing.
    network.plug_vifs(engine, container_id, None, model.NetworkInfo([vif]))
    assert _settled(run_in(engine, container_id, "ip", "addr", "show", "eth0")) == \
        _settled(addr)
    assert run_in(engine, container_id, "ip", "route") == routes
    assert "eth1" not in run_in(engine, container_id, "ip", "link")

    network.unplug_vifs(engine, container_id, None, model.NetworkInfo([vif]))
    network.unplug_vifs(engine, container_id, None, model.NetworkInfo([vif]))
    assert vif["devname"] not in host_links()
    assert "eth0" not in run_in(engine, container_id, "ip", "link")


def _settled(addresses):
    """``ip addr`` output without the IPv6 duplicate-detection flag, which the kernel drops
    on its own a moment after an address is added."""
    return addresses.replace(" tentative", "")


def _reachable(address):
    try:
        return http_get(address)
    except OSError:
        return None


def test_attach_then_detach_second_interface(engine, start, net):
    container_id = start("server")
    first, second = net.vif(21), net.vif(22, subnet=1, mtu=1300)
    second["network"]["subnets"][0]["dns"].append(model.IP(str(net.v4[0][53])))
    network.plug_vifs(engine, container_id, None, [first])

    network.attach_interface(engine, container_id, None, second)
    eth1 = run_in(engine, container_id, "ip", "addr", "show", "eth1")
    assert f"link/ether {second['address']}" in eth1 and "mtu 1300" in eth1
    assert f"inet {net.v4[1][22]}/24" in eth1 and f"inet6 {net.v6[1][22]}/64" in eth1
    routes = run_in(engine, container_id, "ip", "route")
    assert routes.count("default via") == 1 and f"default via {net.v4[0][1]}" in routes
    assert run_in(engine, container_id, "cat", "/etc/resolv.conf").splitlines()[:4] == [
        f"nameserver {net.v4[0][53]}", f"nameserver {net.v6[0][53]}",
        f"nameserver {net.v4[1][53]}", f"nameserver {net.v6[1][53]}"]
    net.give_host_addresses(second["devname"], subnet=1)
    assert wait_for(lambda: _reachable(net.v4[1][22]), what="HTTP on eth1")

    network.detach_interface(engine, container_id, None, second)
    network.detach_interface(engine, container_id, None, second)
    links = run_in(engine, container_id, "ip", "link")
    assert "eth1" not in links and "eth0" in links
    assert second["devname"] not in host_links() and first["devname"] in host_links()


def test_plug_again_after_restart(engine, start, net):
    container_id = start("server")
    vif = net.vif(41)
    network.plug_vifs(engine, container_id, None, [vif])
    engine.restart(container_id, timeout=0)  # new netns: the old veth pair died with it
    wait_for(lambda: engine.inspect_container(container_id)["State"]["Running"],
             what="container running again")
    network.plug_vifs(engine, container_id, None, [vif])
    addr = run_in(engine, container_id, "ip", "addr", "show", "eth0")
    assert f"inet {net.v4[0][41]}/24" in addr
    assert host_links()[vif["devname"]].get("state") == "up"


def test_stopped_container_is_refused(engine, start, net):
    container_id = start("server")
    engine.stop(container_id, timeout=0)
    vif = net.vif(51)
    with pytest.raises(errors.ContainerNotRunning, match="not running"):
        network.plug_vifs(engine, container_id, None, [vif])
    assert vif["devname"] not in host_links()


def test_docker_network_mode(engine, start):
    name = f"nettest-{uuid.uuid4().hex[:10]}"
    network_id = engine.create_network(name)
    network.CONF.set_override("docker_network", name, group="docker")
    try:
        instance = type("Instance", (), {"hostname": "web-1", "uuid": "x"})()
        args = network.container_network_args(instance, model.NetworkInfo())
        server = start("server", hostname="web-1", **args)
        joined = engine.inspect_container(server)["NetworkSettings"]["Networks"]
        assert list(joined) == [name] and "web-1" in joined[name]["Aliases"]
        client = start("sleeper", networks=[name])
        assert run_in(engine, client, "wget", "-qO-", "http://web-1:8080/") == \
            "testbed-server-ok"
    finally:
        network.CONF.clear_override("docker_network", group="docker")
        for container in engine.list_containers(filters={"network": network_id}):
            engine.remove_container(container["Id"], timeout=0)
        engine.remove_network(network_id)


def test_no_orphan_devices():
    """Runs last in this module: no veth of these tests is left on the host."""
    assert _CREATED and not _CREATED & set(host_links())
