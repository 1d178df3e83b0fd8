"""Neutron 29 (PyPI neutron) with ML2/OVN, its API under gunicorn on 9696, on MariaDB.
ML2/OVN needs no agents: OVN's northd and ovn-controller (ovn.py) do the data plane."""

from __future__ import annotations

from . import base, ovn

ETC = base.ETC / "neutron"
CONF = ETC / "neutron.conf"
ML2 = ETC / "ml2_conf.ini"
PORT = 9696


def write_config() -> None:
    state = base.DATA / "neutron"
    base.write_ini(CONF, {
        "DEFAULT": {
            "core_plugin": "ml2",
            "service_plugins": "ovn-router",
            "auth_strategy": "keystone",
            "api_paste_config": base.VENV / "etc" / "neutron" / "api-paste.ini",
            "state_path": state,
            "transport_url": base.transport_url(),
            "notify_nova_on_port_status_changes": True,
            "notify_nova_on_port_data_changes": True,
            "use_stderr": True,
        },
        "database": {"connection": base.db_url("neutron")},
        "keystone_authtoken": base.authtoken("neutron"),
        "nova": base.keystone_auth("neutron", base.secret("neutron")),
        "oslo_concurrency": {"lock_path": state / "locks"},
    })
    base.write_ini(ML2, {
        "ml2": {"mechanism_drivers": "ovn", "type_drivers": "local,flat,geneve",
                "tenant_network_types": "geneve", "extension_drivers": "port_security",
                "overlay_ip_version": 4},
        "ml2_type_geneve": {"vni_ranges": "1:65536", "max_header_size": 38},
        "securitygroup": {"enable_security_group": True},
        "ovn": {"ovn_nb_connection": f"unix:{ovn.OVN_RUN / 'ovnnb_db.sock'}",
                "ovn_sb_connection": f"unix:{ovn.OVN_RUN / 'ovnsb_db.sock'}",
                "ovn_metadata_enabled": False},
    })


def prepare() -> None:
    write_config()
    base.once("neutron-db-sync", lambda: base.logged(
        [str(base.BIN / "neutron-db-manage"), "--config-file", str(CONF), "--config-file",
         str(ML2), "upgrade", "heads"], base.LOGS / "neutron.log"))


def daemons() -> list[base.Daemon]:
    return [base.gunicorn(
        "neutron", "neutron.wsgi.api:application", PORT, timeout=180,
        argv=["neutron-server", "--config-file", str(CONF), "--config-file", str(ML2)],
        env={"OS_NEUTRON_CONFIG_DIR": str(ETC),
             "OS_NEUTRON_CONFIG_FILES": "neutron.conf;ml2_conf.ini",
             # OVN's hash ring waits for this many API workers (gunicorn runs one).
             "ASGI_WORKERS": "1", **ovn.ENV},
        configs=[CONF, ML2])]
