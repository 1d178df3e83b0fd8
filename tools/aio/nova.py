"""Nova: API (gunicorn, 8774), conductor, scheduler and nova-compute with the Docker
driver (``compute_driver = docker.DockerDriver``) on the testbed's engine; cells api_db,
cell0 and cell1 on MariaDB."""

from __future__ import annotations

import shutil
import time

from . import base, ovn

ETC = base.ETC / "nova"
CONF = ETC / "nova.conf"
PORT = 8774
# The Docker network an instance without NIC (--nic none) joins on the testbed's engine.
DOCKER_NETWORK = "openstack-aio"
COMPUTE_HOST = base.COMPUTE_HOST


def write_config() -> None:
    state = base.DATA / "nova"
    (state / "instances").mkdir(parents=True, exist_ok=True)
    base.write_ini(CONF, {
        "DEFAULT": {
            "transport_url": base.transport_url(),
            "compute_driver": "docker.DockerDriver",
            "host": COMPUTE_HOST,
            "my_ip": base.HOST,
            "state_path": state,
            "instances_path": state / "instances",
            "use_stderr": True,
            "enabled_apis": "osapi_compute",
            # One compute host: no resize to the same host is allowed otherwise.
            "allow_resize_to_same_host": True,
            # Docker boots in a second: no need to wait longer for Neutron's vif-plugged.
            "vif_plugging_timeout": 60,
        },
        "api": {"auth_strategy": "keystone"},
        "wsgi": {"api_paste_config": ETC / "api-paste.ini"},
        "api_database": {"connection": base.db_url("nova_api")},
        "database": {"connection": base.db_url("nova")},
        "keystone_authtoken": base.authtoken("nova"),
        "placement": base.keystone_auth("nova", base.secret("nova")),
        "neutron": base.keystone_auth("nova", base.secret("nova")),
        "glance": {"region_name": base.REGION},
        # Neutron lets only a service (role service) delete a server's port.
        "service_user": {"send_service_user_token": True,
                         **base.keystone_auth("nova", base.secret("nova"))},
        "oslo_concurrency": {"lock_path": state / "locks"},
        # One worker each (the default is one per CPU): memory matters more here.
        "scheduler": {"discover_hosts_in_cells_interval": 30, "workers": 1},
        "conductor": {"workers": 1},
        "vnc": {"enabled": False},
        "docker": {"endpoint": base.DOCKER_URL, "docker_network": DOCKER_NETWORK,
                   "ovsdb_connection": f"unix:{ovn.OVS_SOCK}"},
        # Root-only VIF work runs in the driver's privsep daemon; no sudo on Debian here.
        "nova_docker_privileged": {
            "helper_command": f"{base.BIN / 'privsep-helper'} --config-file {CONF}"},
        # ovs VIFs (ML2/OVN ports) go into our Open vSwitch.
        "os_vif_ovs": {"ovsdb_connection": f"unix:{ovn.OVS_SOCK}"},
    })
    shutil.copy(base.VENV / "etc" / "nova" / "api-paste.ini", ETC / "api-paste.ini")


def manage(*args: str) -> None:
    base.logged([str(base.BIN / "nova-manage"), "--config-file", str(CONF), *args],
                base.LOGS / "nova-manage.log")


def sync_databases() -> None:
    manage("api_db", "sync")
    manage("cell_v2", "map_cell0")  # nova_cell0: [database] connection's name + _cell0
    manage("cell_v2", "create_cell", "--name", "cell1")
    manage("db", "sync")


def ensure_docker_network() -> None:
    """The testbed engine's network for instances without NIC; ours (labelled) if we made it."""
    with base.testbed.docker_client(base.DOCKER_URL) as client:
        if not client.networks.list(names=[DOCKER_NETWORK]):
            client.networks.create(DOCKER_NETWORK, driver="bridge",
                                   labels={"org.openstack-docker.allinone": "1"})


def remove_containers() -> None:
    """The containers of our compute host's servers (for `down --purge`: their database
    goes, and nova-compute refuses to start next to instances it does not know)."""
    with base.testbed.docker_client(base.DOCKER_URL) as client:
        for container in client.containers.list(all=True, filters={"label": [
                "org.openstack.docker.owner=nova",
                f"org.openstack.nova.host={COMPUTE_HOST}"]}):
            container.remove(force=True, v=True)


def discover_hosts() -> None:
    """Map the compute host into cell1 (nova-compute has registered: it answers)."""
    deadline = time.monotonic() + 120
    while True:
        manage("cell_v2", "discover_hosts", "--by-service")
        rows = base.sql("nova_api", "SELECT COUNT(*) FROM host_mappings WHERE host = %s",
                        COMPUTE_HOST)
        if rows and rows[0][0]:
            return
        if time.monotonic() > deadline:
            raise base.AioError("nova-compute's host was not mapped within 120 s"
                                + base.log_tail(base.LOGS / "nova-compute.log"))
        time.sleep(2)


def prepare() -> None:
    write_config()
    base.once("nova-db-sync", sync_databases)
    ensure_docker_network()


def api_daemons() -> list[base.Daemon]:
    return [base.gunicorn("nova-api", "nova.wsgi.osapi_compute:application", PORT,
                          argv=["nova-api"], env={"OS_NOVA_CONFIG_DIR": str(ETC)},
                          configs=[CONF])]


def service(name: str, env: dict[str, str] | None = None) -> base.Daemon:
    """A Nova service: it answers once it has reported to the database since it started
    (a heartbeat of the process before it would not say that this one works)."""
    daemon = base.Daemon(name, [str(base.BIN / name), "--config-file", str(CONF)],
                         answers=lambda: False, where="rabbitmq", env=env or {},
                         configs=[CONF], poll=1)
    daemon.answers = lambda: reported_since(name, daemon.started_at())
    return daemon


def control_daemons() -> list[base.Daemon]:
    return [service("nova-conductor"), service("nova-scheduler")]


def compute_daemons(ovs_env: dict[str, str]) -> list[base.Daemon]:
    return [service("nova-compute", ovs_env)]


def reported_since(binary: str, started: float | None) -> bool:
    """Whether the service reported to its cell's database since it started and within
    Nova's service_down_time (what `openstack compute service list` calls up)."""
    if started is None:
        return False
    rows = base.sql("nova", "SELECT COUNT(*) FROM services WHERE `binary` = %s AND "
                    "deleted = 0 AND updated_at >= %s AND "
                    "updated_at > UTC_TIMESTAMP() - INTERVAL 60 SECOND",
                    binary, base.utc(int(started)))
    return bool(rows and rows[0][0])
