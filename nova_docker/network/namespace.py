"""The container end of a VIF: name, MAC, MTU, addresses and routes inside its netns.

Every step compares with what is already there, so plugging the same VIF twice (a
driver retry, a reboot that calls plug again) leaves the same state.
"""

import errno
import socket

from pyroute2.netlink.exceptions import NetlinkError
from pyroute2.netlink.rtnl.ifaddrmsg import IFA_F_NODAD

from nova_docker.network import nsenter

#: Container interfaces are called eth0, eth1, ... in VIF order, as in a Nova guest.
PREFIX = "eth"
_FAMILY = {4: socket.AF_INET, 6: socket.AF_INET6}
_UNIVERSE = 0  # address scope of global addresses


def find_by_mac(ns, mac):
    """Index of the interface carrying ``mac``, or None: a VIF is known by its MAC."""
    for link in ns.get_links():
        if (link.get("address") or "").lower() == mac:
            return link["index"]
    return None


def free_name(ns, preferred=None):
    """``preferred`` (``eth<position>``) if unused, else the first unused ethN."""
    used = {link.get("ifname") for link in ns.get_links()}
    if preferred and preferred not in used:
        return preferred
    number = 0
    while f"{PREFIX}{number}" in used:
        number += 1
    return f"{PREFIX}{number}"


def ifname(ns, index):
    return ns.get_links(index)[0].get("ifname")


def configure(ns, index, plan, netns_path):
    """Bring interface ``index`` to what ``plan`` says; returns its name."""
    name = ifname(ns, index)
    if plan.mtu:
        ns.link("set", index=index, mtu=plan.mtu)
    if any(address.version == 6 for address in plan.addresses):
        # Docker creates containers with default.disable_ipv6=1: new devices start
        # without IPv6 and refuse IPv6 addresses.
        nsenter.write_sysctl(netns_path, f"net/ipv6/conf/{name}/disable_ipv6", "0")
    ns.link("set", index=index, state="up")
    loopback = ns.link_lookup(ifname="lo")
    if loopback:
        ns.link("set", index=loopback[0], state="up")
    _reconcile_addresses(ns, index, plan.addresses)
    _add_routes(ns, index, plan)
    return name


def _reconcile_addresses(ns, index, wanted):
    present = {}
    for msg in ns.get_addr(index=index):
        if msg.get("scope") == _UNIVERSE:
            present[f"{msg.get_attr('IFA_ADDRESS')}/{msg['prefixlen']}"] = msg
    for address in wanted:
        if str(address) in present:
            continue
        flags = IFA_F_NODAD if address.version == 6 else 0
        ns.addr("add", index=index, address=str(address.ip),
                prefixlen=address.network.prefixlen, flags=flags)
    for text, msg in present.items():
        if text not in {str(address) for address in wanted}:
            ns.addr("del", index=index, address=msg.get_attr("IFA_ADDRESS"),
                    prefixlen=msg["prefixlen"])


def _add_routes(ns, index, plan):
    for destination, via in plan.routes:
        kwargs = {"gateway": str(via)} if via else {}
        ns.route("replace", dst=str(destination), oif=index,
                 family=_FAMILY[destination.version], **kwargs)
    for gateway in plan.gateways:
        family = _FAMILY[gateway.version]
        if ns.get_default_routes(family=family):
            continue  # the first VIF with a gateway owns the default route
        try:
            ns.route("add", dst="default", gateway=str(gateway), oif=index, family=family)
        except NetlinkError as exc:
            if exc.code != errno.EEXIST:
                raise
