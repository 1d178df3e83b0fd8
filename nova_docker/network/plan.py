"""What one Nova VIF means for a container, worked out before anything is touched.

Nova describes a port as a :class:`nova.network.model.VIF` (network, subnets, fixed IPs,
gateways, routes, DNS). :func:`interface_plan` turns it into a flat, validated
:class:`InterfacePlan`, so bad input fails with a clear message before any device exists
and the plumbing code never digs through Nova's model.
"""

import dataclasses
import ipaddress
import re

from nova.network import model

from nova_docker.network.errors import InvalidVIF, UnsupportedVIFType

#: VIF types whose host side this driver can wire: ``ovs`` becomes a port of the OVS
#: bridge Neutron names (ML2/OVN, ML2/OVS), ``tap``/``ethernet`` leave a named device
#: for the operator or a Neutron agent. Not ``bridge``: Nova 34 refuses Linux bridge VIFs
#: and Neutron 29 has no linuxbridge driver, so no deployment hands one over.
SUPPORTED_TYPES = (model.VIF_TYPE_OVS, model.VIF_TYPE_TAP, "ethernet")
#: OVS datapath types a port can be plugged into (``system``: the kernel module;
#: ``netdev``: the userspace datapath).
DATAPATH_TYPES = ("system", "netdev")

_MAC = re.compile(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$")


@dataclasses.dataclass(frozen=True)
class InterfacePlan:
    """One container interface: its veth, its addresses and the routes through it."""

    vif_id: str
    vif_type: str
    mac: str
    host_dev: str
    bridge: str | None = None
    datapath_type: str | None = None
    iface_id: str | None = None
    mtu: int | None = None
    addresses: tuple = ()
    gateways: tuple = ()
    routes: tuple = ()
    dns: tuple = ()


def interface_plan(vif):
    """Validate ``vif`` and return its :class:`InterfacePlan`."""
    vif_id = vif.get("id") or "?"
    vif_type = vif.get("type")
    if vif_type not in SUPPORTED_TYPES:
        raise UnsupportedVIFType(
            f"VIF {vif_id}: vif_type {vif_type!r} is not supported by the Docker driver "
            f"(supported: {', '.join(SUPPORTED_TYPES)}); bind the port with a mechanism "
            "driver that yields one of these (ML2/OVN and ML2/OVS give ovs)")
    mac = str(vif.get("address") or "").lower()
    if not _MAC.match(mac):
        raise InvalidVIF(f"VIF {vif_id}: address {vif.get('address')!r} is not a MAC "
                         "address (expected xx:xx:xx:xx:xx:xx)")
    network = vif.get("network") or {}
    subnets = network.get("subnets") or []
    return InterfacePlan(
        vif_id=vif_id,
        vif_type=vif_type,
        mac=mac,
        host_dev=_host_dev(vif, vif_id),
        **(_ovs_fields(vif, vif_id, network) if vif_type == model.VIF_TYPE_OVS else {}),
        mtu=_mtu(network, vif_id),
        addresses=tuple(_addresses(subnets, vif_id)),
        gateways=tuple(_gateways(subnets)),
        routes=tuple(_routes(subnets, vif_id)),
        dns=tuple(dict.fromkeys(_dns(subnets))),
    )


def _ovs_fields(vif, vif_id, network):
    """Bridge, datapath type and OVN/OVS interface id of an ``ovs`` VIF."""
    details = vif.get("details") or {}
    bridge = details.get(model.VIF_DETAILS_BRIDGE_NAME) or network.get("bridge")
    if not bridge:
        raise InvalidVIF(f"VIF {vif_id}: vif_type 'ovs' needs details['bridge_name'] (or "
                         "network['bridge']) to name the OVS bridge, e.g. br-int")
    datapath = details.get(model.VIF_DETAILS_OVS_DATAPATH_TYPE) or "system"
    if datapath not in DATAPATH_TYPES:
        raise InvalidVIF(f"VIF {vif_id}: datapath_type {datapath!r} is not supported "
                         f"(supported: {', '.join(DATAPATH_TYPES)})")
    return {"bridge": bridge, "datapath_type": datapath,
            "iface_id": vif.get("ovs_interfaceid") or vif_id}


def dns_servers(network_info):
    """DNS servers of every subnet of every VIF, in order, without repeats."""
    servers = []
    for vif in network_info or []:
        servers.extend(_dns((vif.get("network") or {}).get("subnets") or []))
    return list(dict.fromkeys(servers))


def host_device(vif):
    """Name of the VIF's host-side device (Nova's devname, else tap + port id), or None."""
    name = vif.get("devname") or (f"tap{vif['id']}" if vif.get("id") else None)
    return name[:model.NIC_NAME_LEN] if name else None


def _host_dev(vif, vif_id):
    name = host_device(vif)
    if not name:
        raise InvalidVIF(f"VIF {vif_id}: has neither devname nor id to name its host device")
    return name


def _mtu(network, vif_id):
    mtu = (network.get("meta") or {}).get("mtu")
    if mtu in (None, ""):
        return None
    try:
        mtu = int(mtu)
    except (TypeError, ValueError):
        mtu = 0
    if not 68 <= mtu <= 65535:
        raise InvalidVIF(f"VIF {vif_id}: network mtu {network['meta']['mtu']!r} is not "
                         "an MTU between 68 and 65535")
    return mtu


def _addresses(subnets, vif_id):
    for subnet in subnets:
        cidr = _network(subnet.get("cidr"), vif_id, "subnet cidr")
        for ip in subnet.get("ips") or []:
            if ip.get("type", "fixed") != "fixed":
                continue
            address = ipaddress.ip_interface(f"{ip['address']}/{cidr.prefixlen}")
            if address.ip not in cidr:
                raise InvalidVIF(f"VIF {vif_id}: fixed IP {ip['address']} is outside its "
                                 f"subnet {cidr}")
            yield address


def _gateways(subnets):
    for subnet in subnets:
        gateway = (subnet.get("gateway") or {}).get("address")
        if gateway and subnet.get("ips"):
            yield ipaddress.ip_address(gateway)


def _routes(subnets, vif_id):
    for subnet in subnets:
        for route in subnet.get("routes") or []:
            destination = _network(route.get("cidr"), vif_id, "route cidr")
            via = (route.get("gateway") or {}).get("address")
            yield destination, ipaddress.ip_address(via) if via else None


def _dns(subnets):
    for subnet in subnets:
        for server in subnet.get("dns") or []:
            if server.get("address"):
                yield str(ipaddress.ip_address(server["address"]))


def _network(value, vif_id, what):
    try:
        return ipaddress.ip_network(value, strict=False)
    except (TypeError, ValueError):
        raise InvalidVIF(f"VIF {vif_id}: {what} {value!r} is not a CIDR "
                         "(expected e.g. 10.0.0.0/24)") from None
