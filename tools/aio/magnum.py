"""magnum_lite: its Magnum-compatible API (gunicorn, 9511, service type container-infra),
its Zun-compatible containers API (gunicorn, 9517, service type container) and its
conductor, on MariaDB, with Keystone auth.

Clusters are made of the Docker hosts listed in hosts.yaml: the all-in-one's own engines
(swarm_hosts.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import base, swarm_hosts

ETC = base.ETC / "magnum-lite"
CONF = ETC / "magnum-lite.conf"
HOSTS = swarm_hosts.HOSTS
PORT = 9511
CONTAINERS_PORT = 9517
URL = f"http://{base.HOST}"


def catalog() -> list[tuple[str, str, str]]:
    """magnum_lite's APIs in the Keystone catalog."""
    return [("magnum", "container-infra", f"{URL}:{PORT}/v1"),
            ("zun", "container", f"{URL}:{CONTAINERS_PORT}/v1")]


def prepare() -> None:
    state = base.DATA / "magnum-lite"
    state.mkdir(parents=True, exist_ok=True)
    base.write_ini(CONF, {
        "DEFAULT": {"state_path": state, "use_stderr": True},
        "api": {"host": base.HOST, "port": PORT, "auth_strategy": "keystone"},
        "containers": {"api_host": base.HOST, "api_port": CONTAINERS_PORT},
        "database": {"connection": base.db_url("magnum_lite")},
        "hosts": {"hosts_file": HOSTS},
        "keystone_authtoken": base.authtoken("magnum"),
    })
    # Once per set of migrations: a newer checkout brings new ones (alembic skips those
    # applied), an unchanged one costs no process.
    base.once(f"magnum-lite-db-sync-{migrations_digest()}", lambda: base.logged(
        [str(base.BIN / "magnum-lite-manage"), "--config-file", str(CONF), "db", "sync"],
        base.LOGS / "magnum-lite.log"))


def migrations_digest() -> str:
    import magnum_lite.db
    versions = Path(magnum_lite.db.__file__).parent / "migrations" / "versions"
    digest = hashlib.sha256()
    for path in sorted(versions.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def daemons() -> list[base.Daemon]:
    api = base.gunicorn("magnum-lite-api", "magnum_lite.api.wsgi:init_application()", PORT,
                        env={"MAGNUM_LITE_CONFIG": str(CONF)}, configs=[CONF])
    containers = base.gunicorn("magnum-lite-containers-api",
                               "magnum_lite.api.zun.wsgi:init_application()",
                               CONTAINERS_PORT, env={"MAGNUM_LITE_CONFIG": str(CONF)},
                               configs=[CONF, HOSTS])
    conductor = base.Daemon("magnum-lite-conductor",
                            [str(base.BIN / "magnum-lite-conductor"), "--config-file",
                             str(CONF)], answers=lambda: True, where="database",
                            configs=[CONF, HOSTS])
    conductor.answers = lambda: conductor.pid() is not None
    return [api, containers, conductor]
