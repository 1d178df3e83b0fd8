"""The root-only half of VIF plugging, run in the oslo.privsep daemon of
:data:`nova_docker.privsep.vif_plug` (CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_SYS_PTRACE,
CAP_DAC_OVERRIDE): entering a container's network namespace, netlink, OVSDB and the
container's resolv.conf. The two entry points take plain data only (VIF dicts, the
container's pid and paths): they validate it again here, since the daemon trusts no
caller.
"""

import contextlib
import errno
import threading

from nova.network import model
from oslo_log import log as logging
from pyroute2 import IPRoute
from pyroute2.netlink.exceptions import NetlinkError

from nova import exception
from nova_docker import privsep
from nova_docker.network import hostside, namespace, nsenter, ovs, resolv
from nova_docker.network.container import Target, check_own_netns
from nova_docker.network.errors import VIFPlugError
from nova_docker.network.plan import host_device, interface_plan

LOG = logging.getLogger(__name__)
_NETLINK_LOCK = threading.Lock()


@privsep.vif_plug.entrypoint
def plug(target, vifs, names, dns, merge_dns, instance_uuid, ovsdb):
    """Plug ``vifs`` into the container ``target`` (a :class:`Target` as a dict), as
    ``names`` (preferred ifnames, None: the first free ethN); ``ovsdb`` is
    ``(connection, timeout)``. On failure, what this call created is removed."""
    target = Target(**target)
    check_own_netns(target)
    _plug(target, list(zip([interface_plan(vif) for vif in vifs], names, strict=True)),
          dns, merge_dns, instance_uuid, ovsdb)


@privsep.vif_plug.entrypoint
def unplug(vifs, ovsdb):
    """Remove the host ends (and OVS ports) of ``vifs``; already gone is fine."""
    with _netlink(), IPRoute() as host:
        for vif in vifs:
            _unplug(host, vif, ovsdb)


def _unplug(host, vif, ovsdb):
    name = host_device(vif)
    if not name:
        return
    try:
        if vif.get("type") == model.VIF_TYPE_OVS:
            ovs.delete_port(name, *ovsdb)
        if hostside.delete(host, name):
            LOG.info("Removed host device %s of VIF %s", name, vif.get("id"))
    except (NetlinkError, RuntimeError) as exc:  # ovsdbapp raises RuntimeErrors
        raise exception.VirtualInterfaceUnplugException(
            reason=f"VIF {vif.get('id')}: cannot remove host device {name}: {exc}") from exc


def _plug(target, plans_and_names, dns, merge_dns, instance_uuid, ovsdb):
    """Plug ``(plan, preferred ifname)`` pairs; on failure remove what this call created."""
    created = []
    with _netlink():
        try:
            with _failing(target), IPRoute() as host, \
                    nsenter.iproute(target.netns_path) as ns:
                for plan, preferred in plans_and_names:
                    with _failing(target, plan):
                        _plug_one(host, ns, target, plan, preferred, created)
                        if plan.vif_type == model.VIF_TYPE_OVS:
                            ovs.add_port(plan, instance_uuid, *ovsdb,
                                         fresh_device=plan.host_dev in created)
            resolv.set_nameservers(target.resolv_conf, dns, merge=merge_dns)
        except BaseException:
            _remove(created, {plan.host_dev for plan, _ in plans_and_names
                              if plan.vif_type == model.VIF_TYPE_OVS}, ovsdb)
            raise


def _remove(created, ovs_ports, ovsdb):
    """Best effort removal of the devices (and OVS ports) a failed plug created."""
    with IPRoute() as host:
        for name in created:
            if name in ovs_ports:
                with contextlib.suppress(RuntimeError):  # the plug's error is raised
                    ovs.delete_port(name, *ovsdb)
            hostside.delete(host, name)


@contextlib.contextmanager
def _netlink():
    """One netlink session at a time in this process. pyroute2 runs an asyncio loop
    per call in the calling thread: under eventlet all green threads share one native
    thread, and a second session would fail ("This event loop is already running")."""
    with _NETLINK_LOCK:
        yield


def _plug_one(host, ns, target, plan, preferred, created):
    ns_index = namespace.find_by_mac(ns, plan.mac)
    host_index = hostside.lookup(host, plan.host_dev)
    if ns_index is None or host_index is None:
        # Half a pair (or none): start again from a fresh veth pair.
        if ns_index is not None:
            ns.link("del", index=ns_index)
        hostside.delete(host, plan.host_dev)
        name = namespace.free_name(ns, preferred)
        peer = {"ifname": name, "net_ns_pid": target.pid, "address": plan.mac}
        mtu = {"mtu": plan.mtu} if plan.mtu else {}
        host.link("add", ifname=plan.host_dev, kind="veth", peer={**peer, **mtu}, **mtu)
        created.append(plan.host_dev)
        host_index = hostside.lookup(host, plan.host_dev)
        ns_index = ns.link_lookup(ifname=name)[0]
    hostside.wire(host, plan, host_index)
    name = namespace.configure(ns, ns_index, plan, target.netns_path)
    if plan.datapath_type == "netdev":
        # The userspace datapath forwards what the veth hands it as is: a checksum left
        # to offloading would stay unfilled and the receiver drop the packet.
        nsenter.disable_tx_checksum(target.netns_path, name)
    LOG.debug("VIF %s: %s (host %s) in container %s", plan.vif_id, name, plan.host_dev,
              target.container_id)


@contextlib.contextmanager
def _failing(target, plan=None):
    """Turn netlink and OS errors into a VIFPlugError naming the VIF and container."""
    where = f"container {target.container_id}"
    if plan is not None:
        where = (f"VIF {plan.vif_id} ({plan.vif_type}, host device {plan.host_dev}) "
                 f"into {where}")
    try:
        yield
    except NetlinkError as exc:
        hint = " (host device name already in use?)" if exc.code == errno.EEXIST else ""
        raise VIFPlugError(f"{where}: {exc}{hint}") from exc
    except (OSError, RuntimeError) as exc:  # ovsdbapp raises RuntimeErrors
        raise VIFPlugError(f"{where}: {exc}") from exc
