"""Heat: API (gunicorn, 8004) and two heat-engine processes sharing the work, with the
DockerInc::Docker::* resources loaded through plugin_dirs; on MariaDB and RabbitMQ."""

from __future__ import annotations

from heat_docker_plugin.references import STACK_LABEL

from . import base, mariadb

ETC = base.ETC / "heat"
CONF = ETC / "heat.conf"
PORT = 8004
ENGINES = 2


def plugin_dir() -> str:
    return base.run([str(base.BIN / "heat-docker-plugin-dir")]).stdout.strip()


def write_config() -> None:
    etc = base.VENV / "etc" / "heat"
    state = base.DATA / "heat"
    base.write_ini(CONF, {
        "DEFAULT": {
            "transport_url": base.transport_url(),
            "plugin_dirs": plugin_dir(),
            "environment_dir": etc / "environment.d",
            "template_dir": etc / "templates",
            "num_engine_workers": 1,
            "heat_metadata_server_url": f"http://{base.HOST}:8000",
            "heat_waitcondition_server_url": f"http://{base.HOST}:8000/v1/waitcondition",
            "deferred_auth_method": "trusts",
            "use_stderr": True,
        },
        "database": {"connection": base.db_url("heat")},
        "keystone_authtoken": base.authtoken("heat"),
        "trustee": {key: value for key, value in base.keystone_auth(
            "heat", base.secret("heat")).items() if key not in ("project_name",
                                                               "project_domain_name",
                                                               "region_name")},
        "clients_keystone": {"auth_uri": f"http://{base.HOST}:5000"},
        "ec2authtoken": {"auth_uri": f"http://{base.HOST}:5000/v3"},
        "paste_deploy": {"api_paste_config": etc / "api-paste.ini"},
        "oslo_concurrency": {"lock_path": state / "locks"},
        "docker_plugin": {"endpoint": base.DOCKER_URL,
                          "image_record_dir": state / "docker_plugin" / "images"},
    })


def prepare() -> None:
    write_config()
    base.once("heat-db-sync", lambda: base.logged(
        [str(base.BIN / "heat-manage"), "--config-file", str(CONF), "db_sync"],
        base.LOGS / "heat.log"))


def api_daemons() -> list[base.Daemon]:
    return [base.gunicorn("heat-api", "heat.wsgi.api:application", PORT,
                          argv=["heat-api", "--config-file", str(CONF)], configs=[CONF])]


def engines_registered(since: float) -> bool:
    """Whether both engines registered with Heat since the first of them started (each
    start registers a new engine id)."""
    rows = base.sql("heat", "SELECT COUNT(*) FROM service WHERE deleted_at IS NULL AND "
                    "created_at >= %s", base.utc(int(since)))
    return bool(rows) and rows[0][0] >= ENGINES


def engine_daemons() -> list[base.Daemon]:
    engines = [base.Daemon(f"heat-engine-{index}",
                           [str(base.BIN / "heat-engine"), "--config-file", str(CONF)],
                           answers=lambda: False, where="rabbitmq", configs=[CONF],
                           poll=1)
               for index in range(1, ENGINES + 1)]

    def registered() -> bool:
        starts = [e.started_at() for e in engines]
        return None not in starts and engines_registered(min(starts))

    for engine in engines:
        engine.answers = registered
    return engines


def stack_ids() -> set[str]:
    """Every stack Heat has known here, deleted ones too (a failed delete leaves objects):
    read from its database, started for the purpose when it is down."""
    with mariadb.running():
        rows = base.sql("heat", "SELECT id FROM stack")
    return {row[0] for row in rows or ()}


def remove_objects(stacks: set[str]) -> None:
    """The containers, volumes (claims included) and networks the plugin made for these
    stacks (for `down --purge`: Heat's database goes, nothing would delete them later)."""
    if not stacks:
        return

    def ours(labels: dict | None) -> bool:
        return (labels or {}).get(STACK_LABEL) in stacks

    labelled = {"label": STACK_LABEL}
    with base.testbed.docker_client(base.DOCKER_URL) as client:
        for container in client.containers.list(all=True, filters=labelled):
            if ours(container.labels):
                container.remove(force=True, v=True)
        for volume in client.volumes.list(filters=labelled):
            if ours(volume.attrs.get("Labels")):
                volume.remove(force=True)
        for network in client.networks.list(filters=labelled):
            if ours(network.attrs.get("Labels")):
                network.remove()
