"""Nova VIFs turned into interface plans and create-time container arguments."""

import ipaddress
import types

import pytest
from nova.network import model

from nova_docker import network
from nova_docker.network import errors
from nova_docker.network.plan import dns_servers, host_device, interface_plan
from openstack_docker.spec import ContainerSpec

PORT = "6e4cabca-a5d1-4c2e-9b0f-0123456789ab"


def make_vif(vif_type="ovs", port=PORT, mac="FA:16:3E:00:00:01", mtu=1450,
             bridge="br-int", devname=None, datapath="netdev", **subnet_fields):
    subnet4 = model.Subnet(
        cidr="10.251.0.0/24", gateway=model.IP("10.251.0.1"),
        dns=[model.IP("10.251.0.53")], ips=[model.FixedIP(address="10.251.0.11")],
        routes=[model.Route(cidr="10.252.0.0/24", gateway=model.IP("10.251.0.254"))],
        **subnet_fields)
    subnet6 = model.Subnet(cidr="fd00:251::/64", gateway=model.IP("fd00:251::1"),
                           dns=[model.IP("10.251.0.53"), model.IP("fd00:251::53")],
                           ips=[model.FixedIP(address="fd00:251::11")])
    net = model.Network(id="net-1", bridge=bridge, subnets=[subnet4, subnet6], mtu=mtu)
    details = {"bridge_name": bridge, "datapath_type": datapath, "ovs_create_tap": True} \
        if vif_type == "ovs" and bridge else {}
    return model.VIF(id=port, address=mac, network=net, type=vif_type, devname=devname,
                     details=details, ovs_interfaceid=port)


def test_ovs_vif_plan_as_ml2_ovn_binds_it():
    plan = interface_plan(make_vif())
    assert plan.vif_type == "ovs" and plan.bridge == "br-int"
    assert plan.datapath_type == "netdev" and plan.iface_id == PORT
    assert plan.mac == "fa:16:3e:00:00:01"
    assert plan.host_dev == "tap6e4cabca-a5"
    assert plan.mtu == 1450
    assert plan.addresses == (ipaddress.ip_interface("10.251.0.11/24"),
                              ipaddress.ip_interface("fd00:251::11/64"))
    assert plan.gateways == (ipaddress.ip_address("10.251.0.1"),
                             ipaddress.ip_address("fd00:251::1"))
    assert plan.routes == ((ipaddress.ip_network("10.252.0.0/24"),
                            ipaddress.ip_address("10.251.0.254")),)
    assert plan.dns == ("10.251.0.53", "fd00:251::53")


def test_tap_vif_uses_devname_and_no_bridge():
    plan = interface_plan(make_vif("tap", devname="tapcustom01"))
    assert plan.host_dev == "tapcustom01" and plan.bridge is None


def test_ovs_bridge_name_from_details_wins_and_datapath_defaults_to_system():
    vif = make_vif()
    vif["details"] = {model.VIF_DETAILS_BRIDGE_NAME: "br-details"}
    plan = interface_plan(vif)
    assert plan.bridge == "br-details" and plan.datapath_type == "system"


def test_ovs_unknown_datapath_is_refused():
    with pytest.raises(errors.InvalidVIF, match="datapath_type 'dpdk'"):
        interface_plan(make_vif(datapath="dpdk"))


@pytest.mark.parametrize("vif_type", ["bridge", "vhostuser", None, "binding_failed"])
def test_unknown_vif_type_names_the_type(vif_type):
    with pytest.raises(errors.UnsupportedVIFType) as caught:
        interface_plan(make_vif(vif_type))
    message = str(caught.value)
    assert repr(vif_type) in message and PORT in message
    assert "ovs, tap, ethernet" in message


def test_unknown_vif_type_is_a_nova_plug_exception():
    from nova import exception
    with pytest.raises(exception.VirtualInterfacePlugException):
        interface_plan(make_vif("bridge"))


@pytest.mark.parametrize(("fields", "needle"), [
    ({"mac": None}, "is not a MAC"),
    ({"mac": "fa:16:3e:00:01"}, "is not a MAC"),
    ({"bridge": None}, "network['bridge']"),
    ({"mtu": 20}, "mtu 20"),
    ({"mtu": "big"}, "mtu 'big'"),
    ({"port": None, "devname": None}, "neither devname nor id"),
])
def test_invalid_vif_fields(fields, needle):
    with pytest.raises(errors.InvalidVIF) as caught:
        interface_plan(make_vif(**fields))
    assert needle in str(caught.value)


def test_fixed_ip_outside_subnet():
    vif = make_vif()
    vif["network"]["subnets"][0]["ips"] = [model.FixedIP(address="10.9.9.9")]
    with pytest.raises(errors.InvalidVIF, match=r"outside its subnet 10\.251\.0\.0/24"):
        interface_plan(vif)


def test_bad_route_cidr():
    vif = make_vif()
    vif["network"]["subnets"][0]["routes"] = [model.Route(cidr="nonsense")]
    with pytest.raises(errors.InvalidVIF, match="route cidr 'nonsense'"):
        interface_plan(vif)


def test_subnet_without_ips_gives_no_gateway():
    vif = make_vif()
    vif["network"]["subnets"][1]["ips"] = []
    assert interface_plan(vif).gateways == (ipaddress.ip_address("10.251.0.1"),)


def test_host_device_is_lenient():
    assert host_device({"id": None, "devname": None}) is None
    assert host_device({"id": PORT}) == "tap6e4cabca-a5"


def test_dns_servers_across_vifs_without_repeats():
    assert dns_servers([make_vif(), make_vif(port="other")]) == ["10.251.0.53",
                                                                 "fd00:251::53"]
    assert dns_servers(None) == []


# -- container_network_args -------------------------------------------------------


@pytest.fixture
def docker_network():
    def _set(value):
        network.CONF.set_override("docker_network", value, group="docker")
    yield _set
    network.CONF.clear_override("docker_network", group="docker")


INSTANCE = types.SimpleNamespace(uuid="inst-1", hostname="web-1")


def test_vif_mode_args(docker_network):
    docker_network("ignored-when-vifs")
    args = network.container_network_args(INSTANCE, model.NetworkInfo([make_vif()]))
    assert args == {"network_mode": "none", "dns": ["10.251.0.53", "fd00:251::53"]}
    ContainerSpec(image="127.0.0.1:5000/testbed/base:latest", **args)


def test_vif_mode_rejects_unsupported_vif_before_create():
    with pytest.raises(errors.UnsupportedVIFType):
        network.container_network_args(INSTANCE, model.NetworkInfo([make_vif("bridge")]))


def test_docker_network_mode_args(docker_network):
    docker_network("tenant-net")
    args = network.container_network_args(INSTANCE, model.NetworkInfo())
    assert args == {"networks": [{"network": "tenant-net", "aliases": ["web-1"]}]}
    spec = ContainerSpec(image="127.0.0.1:5000/testbed/base:latest", **args)
    assert spec.networks[0].aliases == ["web-1"]


def test_no_vifs_and_no_docker_network_is_isolated(docker_network):
    docker_network(None)
    assert network.container_network_args(INSTANCE, []) == {"network_mode": "none"}
