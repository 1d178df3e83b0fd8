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
The root-only part (entering the netns, netlink, OVSDB, resolv.conf) runs in the
oslo.privsep daemon of :data:`nova_docker.privsep.vif_plug` (:mod:`.plumbing`): only
plain data (VIF dicts, pid, paths) crosses to it.
"""

import dataclasses
import json

import nova.conf
from oslo_log import log as logging

from nova_docker import conf as docker_conf
from nova_docker.network import namespace, plumbing
from nova_docker.network.container import running_target
from nova_docker.network.plan import dns_servers, interface_plan

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF
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
    plumbing.plug(dataclasses.asdict(target), _plain(network_info),
                  [f"{namespace.PREFIX}{n}" for n in range(len(plans))],
                  dns_servers(network_info), False, getattr(instance, "uuid", None),
                  _ovsdb())
    LOG.info("Plugged %d VIF(s) into container %s of instance %s", len(plans),
             container_id, getattr(instance, "uuid", instance))


def unplug_vifs(engine, container_id, instance, network_info):
    """Remove the host-side devices of the VIFs; devices already gone are fine. Without
    VIFs no netlink socket is opened at all."""
    vifs = list(network_info or [])
    if vifs:
        plumbing.unplug(_plain(vifs), _ovsdb())


def attach_interface(engine, container_id, instance, vif):
    """Hot-plug one VIF into the running container as its first free ethN."""
    plan = interface_plan(vif)
    target = running_target(engine, container_id)
    plumbing.plug(dataclasses.asdict(target), _plain([vif]), [None], list(plan.dns), True,
                  getattr(instance, "uuid", None), _ovsdb())


def detach_interface(engine, container_id, instance, vif):
    """Remove one VIF from the container (its veth pair); fine if already gone."""
    plumbing.unplug(_plain([vif]), _ovsdb())


def _plain(vifs):
    """Nova's VIF models as plain JSON data, what crosses to the privsep daemon."""
    return json.loads(json.dumps(list(vifs or [])))


def _ovsdb():
    return CONF.docker.ovsdb_connection, CONF.docker.ovsdb_timeout


