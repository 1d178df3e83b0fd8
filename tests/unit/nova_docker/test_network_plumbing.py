"""Error paths of plugging, with a fake engine and a fake pyroute2 (no root, no netns)."""

import errno
import os
import types

import pytest
from pyroute2.netlink.exceptions import NetlinkError

from nova import exception
from nova_docker import network
from nova_docker.network import container, errors, nsenter, ovs, resolv
from openstack_docker import errors as layer_errors
from tests.unit.nova_docker.test_network_plan import make_vif


class FakeEngine:
    def __init__(self, info=None, error=None):
        self.info, self.error, self.calls = info, error, 0

    def inspect_container(self, container_id):
        self.calls += 1
        if self.error:
            raise self.error
        return self.info


def running(pid=4242, mode="none", resolv_path="/nonexistent/resolv.conf"):
    return {"State": {"Running": True, "Pid": pid, "Status": "running"},
            "HostConfig": {"NetworkMode": mode}, "ResolvConfPath": resolv_path}


class FakeIPRoute:
    """Host and container namespaces as dicts of ifname -> index; fails on demand."""

    devices = {}
    fail_on = None
    opened = 0
    ovs_ports = []

    def __init__(self, netns=None, flags=None):
        type(self).opened += 1
        self.links = self.devices.setdefault(netns, {"lo": 1})

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def link_lookup(self, ifname):
        return [self.links[ifname]] if ifname in self.links else []

    def get_links(self, *indices):
        return []

    def link(self, command, **kwargs):
        if self.fail_on and self.fail_on[0] == command:
            raise NetlinkError(self.fail_on[1], os.strerror(self.fail_on[1]))
        if command == "add":
            self.links[kwargs["ifname"]] = len(self.links) + 10
            peer = kwargs.get("peer")
            if peer:
                ns = self.devices.setdefault(f"/proc/{peer['net_ns_pid']}/ns/net", {"lo": 1})
                ns[peer["ifname"]] = len(ns) + 10
        elif command == "del":
            for name, index in list(self.links.items()):
                if index == kwargs["index"]:
                    del self.links[name]


@pytest.fixture
def fake_netlink(monkeypatch):
    monkeypatch.setattr(FakeIPRoute, "devices", {})
    monkeypatch.setattr(FakeIPRoute, "fail_on", None)
    monkeypatch.setattr(FakeIPRoute, "opened", 0)
    monkeypatch.setattr(network, "IPRoute", FakeIPRoute)
    monkeypatch.setattr(FakeIPRoute, "ovs_ports", [])
    monkeypatch.setattr(ovs, "add_port",
                        lambda plan, *args, **kwargs: FakeIPRoute.ovs_ports.append(
                            plan.host_dev))
    monkeypatch.setattr(ovs, "delete_port", lambda name, *args: FakeIPRoute.ovs_ports.remove(
        name) if name in FakeIPRoute.ovs_ports else None)
    monkeypatch.setattr(nsenter, "iproute", lambda path: FakeIPRoute(netns=path))
    return FakeIPRoute


def test_unknown_vif_type_fails_before_engine_or_netlink(fake_netlink):
    engine = FakeEngine(running())
    with pytest.raises(errors.UnsupportedVIFType, match="'bridge'"):
        network.plug_vifs(engine, "c1", None, [make_vif(), make_vif("bridge", port="p2")])
    with pytest.raises(errors.UnsupportedVIFType, match="'macvtap'"):
        network.attach_interface(engine, "c1", None, make_vif("macvtap"))
    assert engine.calls == 0 and fake_netlink.opened == 0


def test_no_vifs_is_a_no_op(fake_netlink):
    engine = FakeEngine(error=AssertionError("must not be called"))
    network.plug_vifs(engine, "c1", None, [])
    assert fake_netlink.opened == 0


@pytest.mark.parametrize(("info", "needle"), [
    ({"State": {"Running": False, "Pid": 0, "Status": "exited"}}, "not running (status 'exited')"),
    ({"State": {"Running": True, "Pid": 0, "Status": "running"}}, "not running"),
    ({}, "not running (status None)"),
])
def test_container_not_running(fake_netlink, info, needle):
    with pytest.raises(errors.ContainerNotRunning) as caught:
        network.plug_vifs(FakeEngine(info), "c1", None, [make_vif()])
    assert needle in str(caught.value) and "c1" in str(caught.value)
    assert isinstance(caught.value, exception.VirtualInterfacePlugException)
    assert isinstance(caught.value, layer_errors.DockerLayerError)
    assert caught.value.message == str(caught.value)
    assert fake_netlink.opened == 0


def test_container_gone():
    engine = FakeEngine(error=layer_errors.ContainerNotFound("No such container: c1"))
    with pytest.raises(errors.ContainerNotRunning, match="c1 does not exist"):
        container.running_target(engine, "c1")


@pytest.mark.parametrize("mode", ["host", "container:other"])
def test_shared_namespace_refused(mode):
    with pytest.raises(errors.VIFPlugError, match="network_mode 'none'"):
        container.running_target(FakeEngine(running(mode=mode)), "c1")


def test_pid_not_visible_here():
    with pytest.raises(errors.VIFPlugError, match="must run on this host"):
        container.running_target(FakeEngine(running(pid=2 ** 22 + 7)), "c1")


def test_host_namespace_refused():
    with pytest.raises(errors.VIFPlugError, match="host's network namespace"):
        container.running_target(FakeEngine(running(pid=os.getpid())), "c1")


def fake_target(monkeypatch, tmp_path):
    resolv_conf = tmp_path / "resolv.conf"
    resolv_conf.write_text("nameserver 192.0.2.1\n")
    target = container.Target("c1", 4242, str(resolv_conf))
    monkeypatch.setattr(network, "running_target", lambda engine, cid: target)
    return target


def test_netlink_failure_names_vif_and_leaves_nothing(fake_netlink, monkeypatch, tmp_path):
    fake_target(monkeypatch, tmp_path)
    monkeypatch.setattr(network.hostside, "wire", _raise(NetlinkError(errno.EPERM, "denied")))
    with pytest.raises(errors.VIFPlugError) as caught:
        network.plug_vifs(FakeEngine(), "c1", None, [make_vif()])
    assert "tap6e4cabca-a5" in str(caught.value) and "c1" in str(caught.value)
    host = fake_netlink.devices[None]
    assert "tap6e4cabca-a5" not in host  # the veth this call created is gone again
    assert (tmp_path / "resolv.conf").read_text() == "nameserver 192.0.2.1\n"


def test_name_clash_hint(fake_netlink, monkeypatch, tmp_path):
    fake_target(monkeypatch, tmp_path)
    fake_netlink.fail_on = ("add", errno.EEXIST)
    with pytest.raises(errors.VIFPlugError, match="already in use"):
        network.attach_interface(FakeEngine(), "c1", None, make_vif("tap"))


def _raise(exc):
    def fail(*args, **kwargs):
        raise exc
    return fail


def test_unplug_missing_devices_is_fine(fake_netlink):
    network.unplug_vifs(None, "c1", None, [make_vif(), {"id": None}])
    network.detach_interface(None, "c1", None, make_vif())


def test_unplug_removes_host_device(fake_netlink):
    fake_netlink.devices[None] = {"tap6e4cabca-a5": 5}
    network.unplug_vifs(None, "c1", None, [make_vif("bridge")])  # any type unplugs
    assert fake_netlink.devices[None] == {}
    assert fake_netlink.ovs_ports == []  # only ovs VIFs are OVS ports


def test_unplug_vanishing_device_is_fine(fake_netlink):
    fake_netlink.devices[None] = {"tap6e4cabca-a5": 5}
    fake_netlink.fail_on = ("del", errno.ENODEV)
    network.unplug_vifs(None, "c1", None, [make_vif()])


def test_unplug_real_error_is_reported(fake_netlink):
    fake_netlink.devices[None] = {"tap6e4cabca-a5": 5}
    fake_netlink.fail_on = ("del", errno.EPERM)
    with pytest.raises(exception.VirtualInterfaceUnplugException, match="tap6e4cabca-a5"):
        network.unplug_vifs(None, "c1", None, [make_vif()])


# -- resolv.conf and sysctl -------------------------------------------------------


def test_resolv_replace_keeps_search_and_options(tmp_path):
    path = tmp_path / "resolv.conf"
    path.write_text("search example.org\nnameserver 192.0.2.1\noptions ndots:2\n")
    assert resolv.set_nameservers(str(path), ["10.251.0.53"])
    assert path.read_text() == ("nameserver 10.251.0.53\nsearch example.org\n"
                                "options ndots:2\n")
    assert not resolv.set_nameservers(str(path), ["10.251.0.53"])


def test_resolv_merge_appends(tmp_path):
    path = tmp_path / "resolv.conf"
    path.write_text("nameserver 10.251.0.53\n")
    resolv.set_nameservers(str(path), ["10.251.0.53", "10.252.0.53"], merge=True)
    assert path.read_text() == "nameserver 10.251.0.53\nnameserver 10.252.0.53\n"


def test_resolv_without_servers_touches_nothing():
    assert not resolv.set_nameservers(None, [])


def test_resolv_not_on_this_host():
    with pytest.raises(errors.VIFPlugError, match="must run on the compute host"):
        resolv.set_nameservers("/nonexistent/resolv.conf", ["10.251.0.53"])


def test_entering_a_vanished_netns_fails_cleanly():
    own = os.stat("/proc/thread-self/ns/net").st_ino
    with pytest.raises(FileNotFoundError):
        nsenter.write_sysctl("/nonexistent/ns/net", "net/ipv6/conf/eth0/disable_ipv6", "0")
    with pytest.raises(FileNotFoundError):
        nsenter.iproute("/nonexistent/ns/net")
    assert os.stat("/proc/thread-self/ns/net").st_ino == own


def test_vanished_netns_is_a_plug_error(fake_netlink, monkeypatch, tmp_path):
    fake_target(monkeypatch, tmp_path)
    monkeypatch.setattr(nsenter, "iproute",
                        _raise(FileNotFoundError(2, "No such file or directory")))
    with pytest.raises(errors.VIFPlugError, match=r"container c1: .*No such file"):
        network.plug_vifs(FakeEngine(), "c1", None, [make_vif()])


def test_namespace_names():
    from nova_docker.network import namespace

    ns = types.SimpleNamespace(get_links=lambda: [{"ifname": "lo"}, {"ifname": "eth0"}])
    assert namespace.free_name(ns, "eth0") == "eth1"
    assert namespace.free_name(ns, "eth3") == "eth3"
    assert namespace.free_name(ns) == "eth1"
