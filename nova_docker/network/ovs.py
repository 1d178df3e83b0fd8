"""The host end of an ``ovs`` VIF: a port on the integration bridge Neutron names.

What ML2/OVN (and ML2/OVS) bind a port to: ``details`` ``bridge_name`` (``br-int``) and
``datapath_type`` (``system``, or ``netdev`` for the userspace datapath). The host end of
the container's veth pair becomes a port of that bridge whose Interface carries the
``external_ids`` the Neutron side looks for (``iface-id`` = the port id, ``attached-mac``,
``iface-status``, ``vm-uuid``), written through ovsdbapp over the OVSDB connection
``[docker] ovsdb_connection``; ovn-controller (or the OVS agent) then binds the port and
Neutron sends ``network-vif-plugged``. The bridge is created when missing, with the
VIF's datapath type, as os-vif's ovs plugin does.
"""

import threading

from ovsdbapp.backend.ovs_idl import connection
from ovsdbapp.schema.open_vswitch import impl_idl

_APIS = {}
_LOCK = threading.Lock()


def _api(connection_string, timeout):
    """One ovsdbapp API (and its IDL thread) per OVSDB connection, made on first use."""
    with _LOCK:
        api = _APIS.get(connection_string)
        if api is None:
            idl = connection.OvsdbIdl.from_server(connection_string, "Open_vSwitch")
            api = _APIS[connection_string] = impl_idl.OvsdbIdl(
                connection.Connection(idl=idl, timeout=timeout))
        return api


def external_ids(plan, instance_uuid):
    """What the Neutron side matches the port by."""
    ids = {"iface-id": plan.iface_id, "attached-mac": plan.mac, "iface-status": "active"}
    if instance_uuid:
        ids["vm-uuid"] = instance_uuid
    return ids


def add_port(plan, instance_uuid, connection_string, timeout, fresh_device=False):
    """Make ``plan.host_dev`` a port of ``plan.bridge`` with Neutron's external_ids.

    ``fresh_device``: the device was just (re)created, e.g. after a container restart
    took the old veth pair away: a port left from before is removed first, so that
    ovs-vswitchd opens the new device instead of keeping the dead one's.
    """
    api = _api(connection_string, timeout)
    if fresh_device:
        api.del_port(plan.host_dev, if_exists=True).execute(check_error=True)
    with api.transaction(check_error=True) as txn:
        txn.add(api.add_br(plan.bridge, may_exist=True, datapath_type=plan.datapath_type))
        txn.add(api.add_port(plan.bridge, plan.host_dev, may_exist=True))
        txn.add(api.db_set("Interface", plan.host_dev,
                           ("external_ids", external_ids(plan, instance_uuid))))


def delete_port(name, connection_string, timeout):
    """Remove port ``name`` from whichever bridge has it; fine when there is none."""
    api = _api(connection_string, timeout)
    api.del_port(name, if_exists=True).execute(check_error=True)
