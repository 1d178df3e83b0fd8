"""Open vSwitch on the userspace datapath and OVN (Debian openvswitch-switch, ovn-central,
ovn-host), run as our own processes with their own databases and run directories: the
kernel here has no openvswitch module, so bridges are ``datapath_type=netdev``."""

from __future__ import annotations

from pathlib import Path

from . import base

OVS_RUN = base.RUN / "ovs"
OVN_RUN = base.RUN / "ovn"
OVS_DB = base.DATA / "ovs" / "conf.db"
NB_DB = base.DATA / "ovn" / "ovnnb_db.db"
SB_DB = base.DATA / "ovn" / "ovnsb_db.db"
OVS_SOCK = OVS_RUN / "db.sock"
NB_PORT, SB_PORT, OVS_PORT = 6641, 6642, 6640
# Every OVS/OVN command (ours, Neutron's ovsdb-client, nova-compute's VIF plugging) finds
# our sockets through these.
ENV = {"OVS_RUNDIR": str(OVS_RUN), "OVS_LOGDIR": str(base.LOGS),
       "OVS_DBDIR": str(OVS_DB.parent), "OVN_RUNDIR": str(OVN_RUN),
       "OVN_LOGDIR": str(base.LOGS), "OVN_DBDIR": str(NB_DB.parent)}
SCHEMAS = {OVS_DB: "/usr/share/openvswitch/vswitch.ovsschema",
           NB_DB: "/usr/share/ovn/ovn-nb.ovsschema", SB_DB: "/usr/share/ovn/ovn-sb.ovsschema"}


def vsctl(*args: str) -> list[str]:
    return ["ovs-vsctl", f"--db=unix:{OVS_SOCK}", "--timeout=20", *args]


def prepare_before_start() -> None:
    for directory in (OVS_RUN, OVN_RUN, OVS_DB.parent, NB_DB.parent):
        directory.mkdir(parents=True, exist_ok=True)
    for db, schema in SCHEMAS.items():
        if not db.exists():
            base.run(["ovsdb-tool", "create", str(db), schema])


def ovsdb_server(name: str, db: Path, rundir: Path, sock: str, port: int) -> base.Daemon:
    argv = ["ovsdb-server", str(db), f"--remote=punix:{rundir / sock}",
            f"--remote=ptcp:{port}:{base.HOST}", f"--unixctl={rundir / (name + '.ctl')}",
            f"--pidfile={rundir / (name + '.pid')}"]
    return base.Daemon(name, argv, env=ENV, answers=lambda: base.unix_open(rundir / sock),
                       where=f"{base.HOST}:{port}", timeout=30)


def db_daemons() -> list[base.Daemon]:
    return [ovsdb_server("ovsdb-server", OVS_DB, OVS_RUN, "db.sock", OVS_PORT),
            ovsdb_server("ovn-nb", NB_DB, OVN_RUN, "ovnnb_db.sock", NB_PORT),
            ovsdb_server("ovn-sb", SB_DB, OVN_RUN, "ovnsb_db.sock", SB_PORT)]


def configure_vswitch() -> None:
    """The chassis: encapsulation on loopback, bridges on the userspace datapath."""
    base.run(vsctl("--no-wait", "init"))
    base.run(vsctl("--no-wait", "set", "Open_vSwitch", ".",
                   "external_ids:system-id=aio",
                   f"external_ids:ovn-remote=unix:{OVN_RUN / 'ovnsb_db.sock'}",
                   "external_ids:ovn-encap-type=geneve",
                   f"external_ids:ovn-encap-ip={base.HOST}",
                   "external_ids:ovn-bridge-datapath-type=netdev",
                   f"external_ids:hostname={base.COMPUTE_HOST}"))


def switch_daemons() -> list[base.Daemon]:
    def daemon(name: str, argv: list[str], rundir: Path) -> base.Daemon:
        # Control sockets are RUNDIR/NAME.PID.ctl (ovn-controller takes no --unixctl).
        return base.Daemon(name, [*argv, f"--pidfile={rundir / (name + '.pid')}"], env=ENV,
                           answers=lambda: any(base.unix_open(ctl)
                                               for ctl in rundir.glob(f"{name}*.ctl")),
                           where=str(rundir), timeout=30)

    return [
        daemon("ovs-vswitchd", ["ovs-vswitchd", f"unix:{OVS_SOCK}"], OVS_RUN),
        daemon("ovn-northd", ["ovn-northd", f"--ovnnb-db=unix:{OVN_RUN / 'ovnnb_db.sock'}",
                              f"--ovnsb-db=unix:{OVN_RUN / 'ovnsb_db.sock'}"], OVN_RUN),
        daemon("ovn-controller", ["ovn-controller", f"unix:{OVS_SOCK}"], OVN_RUN),
    ]
