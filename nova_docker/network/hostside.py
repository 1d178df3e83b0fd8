"""The host end of a container's veth pair in the host's network namespace.

It carries the VIF's ``devname`` (Neutron: ``tap<port id>``), the network's MTU and is
brought up; an ``ovs`` VIF's host end then becomes an OVS port (:mod:`.ovs`), a
``tap``/``ethernet`` one is left for the operator or a Neutron agent to wire.
"""

import errno

from pyroute2.netlink.exceptions import NetlinkError


def lookup(ipr, ifname):
    """Index of ``ifname`` in the namespace of ``ipr``, or None."""
    found = ipr.link_lookup(ifname=ifname)
    return found[0] if found else None


def delete(ipr, ifname):
    """Remove a device; True if it existed. Deleting one veth end removes both."""
    index = lookup(ipr, ifname)
    if index is None:
        return False
    try:
        ipr.link("del", index=index)
    except NetlinkError as exc:
        if exc.code != errno.ENODEV:
            raise
        return False
    return True


def wire(ipr, plan, index):
    """Give host end ``index`` the VIF's MTU and bring it up."""
    if plan.mtu:
        ipr.link("set", index=index, mtu=plan.mtu)
    ipr.link("set", index=index, state="up")
