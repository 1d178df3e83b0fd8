"""The host end of a container's veth pair, wired the way its VIF type asks.

``bridge``: the host end joins the Linux bridge Nova names (created when missing, like
Nova's linux-bridge plugging: no STP, no forward delay). ``tap``/``ethernet``: the host
end carries the VIF's ``devname`` and is only brought up; the operator or a Neutron agent
(e.g. one that routes to tap devices) wires it.
"""

import errno

from oslo_log import log as logging
from pyroute2.netlink.exceptions import NetlinkError

LOG = logging.getLogger(__name__)


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


def ensure_bridge(ipr, name):
    """Index of Linux bridge ``name``, created and brought up when missing."""
    index = lookup(ipr, name)
    if index is None:
        LOG.info("Creating Linux bridge %s", name)
        try:
            ipr.link("add", ifname=name, kind="bridge", br_stp_state=0,
                     br_forward_delay=0)
        except NetlinkError as exc:
            if exc.code != errno.EEXIST:  # another plug created it meanwhile
                raise
        index = lookup(ipr, name)
    ipr.link("set", index=index, state="up")
    return index


def wire(ipr, plan, index):
    """Attach host end ``index`` as ``plan.vif_type`` asks and bring it up."""
    if plan.mtu:
        ipr.link("set", index=index, mtu=plan.mtu)
    if plan.bridge:
        ipr.link("set", index=index, master=ensure_bridge(ipr, plan.bridge))
    ipr.link("set", index=index, state="up")
