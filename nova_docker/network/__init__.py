"""Networking of Nova instances that run as Docker containers.

Two modes, chosen per instance by :func:`container_network_args`:

* VIF mode (``network_info`` has VIFs, i.e. Neutron ports): the container is created with
  ``network_mode="none"``; once it runs, :func:`plug_vifs` gives it one veth pair per VIF.
  The host end is wired per VIF type (:mod:`.hostside`), the container end becomes
  ``eth<N>`` with the port's MAC, MTU, fixed IPs and routes (:mod:`.namespace`), an
  ``ovs`` VIF's host end becomes a port of its OVS bridge (:mod:`.ovs`), and the
  subnets' DNS servers go into its resolv.conf (:mod:`.resolv`). Needs the engine on this
  host: the netns is entered through ``/proc/<pid>/ns/net``.
* Docker-network mode (no VIFs, ``[docker] docker_network`` set): the container joins that
  Docker network with its hostname as alias; nothing to plug.

Bad input fails before any device exists; a failed plug removes the devices it created.
"""

import contextlib
import errno
import threading

import nova.conf
from nova.network import model
from oslo_log import log as logging
from pyroute2 import IPRoute
from pyroute2.netlink.exceptions import NetlinkError

from nova import exception
from nova_docker import conf as docker_conf
from nova_docker.network import hostside, namespace, nsenter, ovs, resolv
from nova_docker.network.container import running_target
from nova_docker.network.errors import VIFPlugError
from nova_docker.network.plan import dns_servers, host_device, interface_plan

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF
_NETLINK_LOCK = threading.Lock()
docker_conf.register_opts(CONF)

__all__ = ["attach_interface", "container_network_args", "detach_interface", "plug_vifs",
           "unplug_vifs"]


def container_network_args(instance, network_info):
    """ContainerSpec fields for create time: how the container is networked."""
    vifs = list(network_info or [])
    if vifs:
        for vif in vifs:
            interface_plan(vif)  # an unsupported VIF fails before the container exists
        args = {"network_mode": "none"}
        servers = dns_servers(vifs)
        if servers:
            args["dns"] = servers
        return args
    network = CONF.docker.docker_network
    if not network:
        return {"network_mode": "none"}
    hostname = getattr(instance, "hostname", None)
    return {"networks": [{"network": network, "aliases": [hostname] if hostname else []}]}


def plug_vifs(engine, container_id, instance, network_info):
    """Give the running container one interface per VIF (eth0, eth1, ... in VIF order)."""
    plans = [interface_plan(vif) for vif in network_info or []]
    if not plans:
        return
    target = running_target(engine, container_id)
    _plug(target, [(plan, f"{namespace.PREFIX}{n}") for n, plan in enumerate(plans)],
          dns_servers(network_info), instance_uuid=getattr(instance, "uuid", None))
    LOG.info("Plugged %d VIF(s) into container %s of instance %s", len(plans),
             container_id, getattr(instance, "uuid", instance))


def unplug_vifs(engine, container_id, instance, network_info):
    """Remove the host-side devices of the VIFs; devices already gone are fine. Without
    VIFs no netlink socket is opened at all."""
    vifs = list(network_info or [])
    if not vifs:
        return
    with _netlink(), IPRoute() as host:
        for vif in vifs:
            _unplug(host, vif)


def attach_interface(engine, container_id, instance, vif):
    """Hot-plug one VIF into the running container as its first free ethN."""
    plan = interface_plan(vif)
    target = running_target(engine, container_id)
    _plug(target, [(plan, None)], list(plan.dns), merge_dns=True,
          instance_uuid=getattr(instance, "uuid", None))


def detach_interface(engine, container_id, instance, vif):
    """Remove one VIF from the container (its veth pair); fine if already gone."""
    with _netlink(), IPRoute() as host:
        _unplug(host, vif)


def _unplug(host, vif):
    name = host_device(vif)
    if not name:
        return
    try:
        if vif.get("type") == model.VIF_TYPE_OVS:
            ovs.delete_port(name, CONF.docker.ovsdb_connection, CONF.docker.ovsdb_timeout)
        if hostside.delete(host, name):
            LOG.info("Removed host device %s of VIF %s", name, vif.get("id"))
    except (NetlinkError, RuntimeError) as exc:  # ovsdbapp raises RuntimeErrors
        raise exception.VirtualInterfaceUnplugException(
            reason=f"VIF {vif.get('id')}: cannot remove host device {name}: {exc}") from exc


def _plug(target, plans_and_names, dns, merge_dns=False, instance_uuid=None):
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
                            ovs.add_port(plan, instance_uuid, CONF.docker.ovsdb_connection,
                                         CONF.docker.ovsdb_timeout,
                                         fresh_device=plan.host_dev in created)
            resolv.set_nameservers(target.resolv_conf, dns, merge=merge_dns)
        except BaseException:
            _remove(created, {plan.host_dev for plan, _ in plans_and_names
                              if plan.vif_type == model.VIF_TYPE_OVS})
            raise


def _remove(created, ovs_ports):
    """Best effort removal of the devices (and OVS ports) a failed plug created."""
    with IPRoute() as host:
        for name in created:
            if name in ovs_ports:
                with contextlib.suppress(RuntimeError):  # the plug's error is raised
                    ovs.delete_port(name, CONF.docker.ovsdb_connection,
                                    CONF.docker.ovsdb_timeout)
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
