"""Glance for the all-in-one: the testbed's Glance install (its venv) run as a second,
Keystone-authenticated instance on 9293 with its own database and store.

The testbed's own Glance on 9292 stays as it is (no auth): the project's tests use it
without tokens, and the all-in-one must not change what they see.
"""

from __future__ import annotations

from . import base

ETC = base.ETC / "glance"
CONF = ETC / "glance-api.conf"
DATA = base.DATA / "glance"
PORT = 9293


def prepare() -> None:
    for store in ("images", "staging", "tasks"):
        (DATA / store).mkdir(parents=True, exist_ok=True)
    base.write_ini(CONF, {
        "DEFAULT": {"bind_host": base.HOST, "bind_port": PORT, "enabled_backends": "fs:file",
                    "worker_self_reference_url": f"http://{base.HOST}:{PORT}",
                    "use_stderr": True},
        # sqlite: the testbed's venv has no MySQL driver, and Glance's load here is light.
        "database": {"connection": f"sqlite:///{DATA / 'glance.sqlite'}"},
        "paste_deploy": {"flavor": "keystone", "config_file": base.TESTBED_VENV / "etc" /
                         "glance" / "glance-api-paste.ini"},
        "keystone_authtoken": base.authtoken("glance"),
        "glance_store": {"default_backend": "fs"},
        "fs": {"filesystem_store_datadir": DATA / "images"},
        "os_glance_staging_store": {"filesystem_store_datadir": DATA / "staging"},
        "os_glance_tasks_store": {"filesystem_store_datadir": DATA / "tasks"},
    })
    base.once("glance-db-sync", lambda: base.logged(
        [str(base.TESTBED_VENV / "bin" / "glance-manage"), "--config-file", str(CONF),
         "db_sync"], base.LOGS / "glance.log"))


def daemons() -> list[base.Daemon]:
    return [base.gunicorn("glance", "glance.wsgi.api:application", PORT,
                          argv=["glance-api"], python=base.TESTBED_VENV / "bin" / "python",
                          env={"OS_GLANCE_CONFIG_DIR": str(ETC)}, configs=[CONF])]
