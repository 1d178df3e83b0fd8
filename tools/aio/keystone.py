"""Keystone (PyPI keystone) under gunicorn on 5000, fernet tokens, on MariaDB."""

from __future__ import annotations

from . import base

ETC = base.ETC / "keystone"
CONF = ETC / "keystone.conf"
PORT = 5000


def write_config() -> None:
    base.write_ini(CONF, {
        "DEFAULT": {"use_stderr": True},
        "database": {"connection": base.db_url("keystone")},
        "token": {"provider": "fernet"},
        "fernet_tokens": {"key_repository": ETC / "fernet-keys"},
        "credential": {"key_repository": ETC / "credential-keys"},
        # Per-process cache: the roles, catalog and token checks every API call makes.
        "cache": {"enabled": True, "backend": "dogpile.cache.memory"},
    })


def bootstrap() -> None:
    manage = [str(base.BIN / "keystone-manage"), "--config-file", str(CONF)]
    log = base.LOGS / "keystone.log"
    base.logged([*manage, "db_sync"], log)
    for what in ("fernet_setup", "credential_setup"):
        base.logged([*manage, what, "--keystone-user", "root", "--keystone-group", "root"], log)
    base.logged([*manage, "bootstrap", "--bootstrap-admin-url", base.KEYSTONE_URL,
                 "--bootstrap-public-url", base.KEYSTONE_URL,
                 "--bootstrap-internal-url", base.KEYSTONE_URL,
                 "--bootstrap-region-id", base.REGION], log,
                env={"OS_BOOTSTRAP_PASSWORD": base.secret("admin")})


def prepare() -> None:
    write_config()
    base.once("keystone-bootstrap", bootstrap)


def daemons() -> list[base.Daemon]:
    return [base.gunicorn("keystone", "keystone.wsgi.api:application", PORT,
                          env={"OS_KEYSTONE_CONFIG_DIR": str(ETC),
                               "OS_KEYSTONE_CONFIG_FILES": "keystone.conf"},
                          configs=[CONF])]
