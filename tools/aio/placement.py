"""Placement (PyPI openstack-placement) under gunicorn on 8778, on MariaDB."""

from __future__ import annotations

from . import base

ETC = base.ETC / "placement"
CONF = ETC / "placement.conf"
PORT = 8778


def prepare() -> None:
    base.write_ini(CONF, {
        "DEFAULT": {"use_stderr": True},
        "api": {"auth_strategy": "keystone"},
        "keystone_authtoken": base.authtoken("placement"),
        "placement_database": {"connection": base.db_url("placement")},
    })
    base.once("placement-db-sync", lambda: base.logged(
        [str(base.BIN / "placement-manage"), "--config-file", str(CONF), "db", "sync"],
        base.LOGS / "placement.log"))


def daemons() -> list[base.Daemon]:
    return [base.gunicorn("placement", "placement.wsgi.api:application", PORT,
                          env={"OS_PLACEMENT_CONFIG_DIR": str(ETC)}, configs=[CONF])]
