"""Containers on a swarm-mode cluster of three testbed engines (zn1..zn3) through the
Zun-compatible API, driven by the real python-zunclient (library and ``openstack
appcontainer``): overlay networking between containers, logs, exec, the lifecycle and
its 409s, pause, project isolation and quotas, a node lost, 200 concurrent creates.

The module starts the engines, the Magnum and containers APIs and a conductor, and makes
one cluster (1 manager + 2 workers) through the Magnum API; everything is removed at the
end. The main engine never joins a swarm.
"""

import concurrent.futures
import os
import subprocess
import sys
import time

import pytest
import requests
import yaml
from keystoneauth1 import session as ksa_session
from keystoneauth1.token_endpoint import Token
from zunclient import api_versions
from zunclient import exceptions as zun_exceptions
from zunclient.v1 import client as zun_v1

from magnum_lite.containers import request as container_request
from magnum_lite.drivers.swarm_mode import logic
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from tests.common import helpers, testbed
from tests.functional.magnum_lite.conftest import Service, free_port, wait_status

NAMES = ("zn1", "zn2", "zn3")
PROJECT = "zun-demo"
CONCURRENT = 200


class ContainersService(Service):
    """The magnum_lite processes plus ``magnum-lite-containers-api``."""

    def __init__(self, tmp, **kw):
        self.zun_port = free_port()
        kw["extra"] = kw.get("extra", "") + f"""
[containers]
api_port = {self.zun_port}
reconcile_interval = 1
workers = 8
[quotas]
max_containers_per_project = {CONCURRENT + 20}
"""
        super().__init__(tmp, **kw)
        self.zun_url = f"http://127.0.0.1:{self.zun_port}"
        text = self.config.read_text().replace("noauth_roles = admin,member",
                                               f"noauth_roles = member\nnoauth_project = "
                                               f"{PROJECT}")
        self.config.write_text(text)

    def start(self):
        super().start()
        self.run("magnum_lite.cmd.containers_api")
        helpers.wait_for(lambda: self._answers(self.zun_url), timeout=30,
                         what="magnum-lite-containers-api answering")

    @staticmethod
    def _answers(url):
        try:
            return requests.get(url + "/", timeout=5).status_code == 200
        except requests.RequestException:
            return False


@pytest.fixture(scope="module")
def records():
    with testbed.extra_engines_running(NAMES) as running:
        yield running


@pytest.fixture(scope="module")
def engines(records):
    return {name: Engine(parse_endpoint(r["url"], timeout=30), owner=logic.OWNER)
            for name, r in records.items()}


@pytest.fixture(scope="module")
def service(records, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("zun")
    hosts = tmp / "hosts.yaml"
    hosts.write_text(yaml.safe_dump({"hosts": [
        {"name": name, "endpoint": r["url"]} for name, r in records.items()]}))
    service = ContainersService(tmp, conductor="""driver = swarm-mode
poll_interval = 0.2
health_interval = 0
""", extra=f"""
[hosts]
hosts_file = {hosts}
""")
    try:
        service.start()
        yield service
    finally:
        service.stop()


def _magnum(service, method, path, **kw):
    response = requests.request(method, service.url + path, timeout=30,
                                headers={"X-Project-Id": PROJECT,
                                         "OpenStack-API-Version": "container-infra latest"},
                                **kw)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


@pytest.fixture(scope="module")
def cluster(service, engines):
    _magnum(service, "POST", "/v1/clustertemplates",
            json={"name": "zun", "coe": "swarm-mode", "image_id": "any"})
    uuid = _magnum(service, "POST", "/v1/clusters",
                   json={"name": "zc", "cluster_template_id": "zun", "master_count": 1,
                         "node_count": 2})["uuid"]
    status = wait_status(lambda: _magnum(service, "GET", f"/v1/clusters/{uuid}")["status"],
                         timeout=120)
    assert status == "CREATE_COMPLETE", (status, service.logs())
    yield _magnum(service, "GET", f"/v1/clusters/{uuid}")
    _magnum(service, "DELETE", f"/v1/clusters/{uuid}")
    helpers.wait_for(lambda: not _magnum(service, "GET", "/v1/clusters")["clusters"],
                     timeout=120, what="cluster deleted")


def zun_client(service, project=PROJECT):
    """The zunclient library as the OSC plugin makes it: version discovery at '/', then
    the newest common microversion."""
    session = ksa_session.Session(auth=Token(service.zun_url + "/v1", "notused"),
                                  additional_headers={"X-Project-Id": project})

    def make(version):
        return zun_v1.Client(session=session, endpoint_override=service.zun_url + "/v1",
                             api_version=version)
    return make(api_versions.discover_version(make(api_versions.APIVersion("1.1")),
                                              api_versions.APIVersion("1.latest")))


@pytest.fixture(scope="module")
def zun(service, cluster):
    return zun_client(service)


def appcontainer(service, *args):
    """``openstack appcontainer ARGS`` (the real OSC + zunclient plugin)."""
    env = dict(os.environ, OS_AUTH_TYPE="none", OS_ENDPOINT=service.zun_url + "/v1")
    for name in ("OS_CLOUD", "OS_AUTH_URL", "OS_TOKEN"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c",
         "import sys; from openstackclient.shell import main; sys.exit(main())",
         "appcontainer", *args], env=env, capture_output=True, text=True, timeout=60)


def wait_container(zun, ident, statuses, timeout=60):
    seen = []

    def settled():
        shown = zun.containers.get(ident)
        if not seen or seen[-1] != (shown.status, shown.task_state):
            seen.append((shown.status, shown.task_state))
        return shown if shown.status in statuses and not shown.task_state else None
    try:
        return helpers.wait_for(settled, timeout=timeout, interval=0.3,
                                what=f"container {ident} {'/'.join(statuses)}")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; seen (status, task_state): {seen}") from None


def _quiet_command(text):
    """A shell that leaves at once on SIGTERM (busybox sleep as PID 1 ignores it)."""
    return ["sh", "-c", f"trap 'exit 0' TERM; {text} & wait"]


def test_server_and_client_over_the_overlay(zun, service, cluster, engines):
    server = zun.containers.run(name="web", image=testbed.image("server"),
                                hints={"cluster": "zc"})
    assert server.status == "Creating" and server.cluster == cluster["uuid"]
    client = zun.containers.run(
        name="fetch", image=testbed.image("base"),
        command=_quiet_command("until wget -O- http://web:8080/; do sleep 1; done; echo; "
                               "sleep 3600"))
    for ident in (server.uuid, client.uuid):
        shown = wait_container(zun, ident, ("Running",))
        assert shown.image_ref.startswith("sha256:"), shown.image_ref
        assert shown.host in NAMES and shown.addresses
    seen = []

    def fetched():
        seen[:] = [zun.containers.logs("fetch", stdout=True, stderr=True)]
        return "testbed-server-ok" in seen[0]
    try:
        helpers.wait_for(fetched, timeout=60, what="the client's page fetch")
    except AssertionError:
        raise AssertionError(f"client logs: {seen[0][-500:]!r}") from None
    tail = zun.containers.logs("fetch", stdout=True, stderr=True, tail=1, timestamps=True)
    assert tail.count("\n") <= 1 and tail[:4].isdigit(), tail

    done = zun.containers.execute("web", command='"sh" "-c" "echo hi; exit 3"')
    assert done["exit_code"] == 3 and done["output"] == "hi\n", done
    cli = appcontainer(service, "exec", "web", "sh", "-c", "exit 4")
    assert cli.returncode == 4, (cli.stdout, cli.stderr)
    shown = appcontainer(service, "show", "web", "-f", "value", "-c", "status")
    assert shown.stdout.strip() == "Running", shown


def test_lifecycle_and_invalid_transitions(zun, engines):
    box = zun.containers.run(name="box", image=testbed.image("base"),
                             command=_quiet_command("sleep 3600"), memory="64",
                             environment={"A": "1"}, labels={"team": "x"})
    wait_container(zun, box.uuid, ("Running",))
    for call in (lambda: zun.containers.start("box"), lambda: zun.containers.unpause("box"),
                 lambda: zun.containers.delete("box", force=False, stop=False)):
        with pytest.raises(zun_exceptions.Conflict) as refused:
            call()
        assert "in Running state" in str(refused.value), refused.value
    zun.containers.pause("box")
    wait_container(zun, box.uuid, ("Paused",))
    with pytest.raises(zun_exceptions.Conflict):
        zun.containers.stop("box", timeout=1)
    zun.containers.unpause("box")
    wait_container(zun, box.uuid, ("Running",))
    zun.containers.stop("box", timeout=1)
    wait_container(zun, box.uuid, ("Stopped",))
    zun.containers.start("box")
    shown = wait_container(zun, box.uuid, ("Running",))
    assert shown.memory == "64M" and shown.environment == {"A": "1"}
    updated = zun.containers.update("box", name="box2")
    assert updated.name == "box2"
    zun.containers.kill("box2", signal="SIGKILL")
    assert wait_container(zun, box.uuid, ("Running",)).task_state is None
    zun.containers.delete("box2", force=False, stop=True)
    helpers.wait_for(lambda: box.uuid not in {c.uuid for c in zun.containers.list()},
                     timeout=60, what="container deleted")


def test_project_isolation_and_quota(service, zun):
    other = zun_client(service, project="zun-other")
    with pytest.raises(zun_exceptions.BadRequest) as refused:
        other.containers.run(image=testbed.image("base"), hints={"cluster": "zc"})
    assert "could not be found" in str(refused.value)
    mine = zun.containers.create(name="quiet", image=testbed.image("base"))
    wait_container(zun, mine.uuid, ("Created",))
    assert not other.containers.list()
    with pytest.raises(zun_exceptions.NotFound):
        other.containers.get(mine.uuid)
    zun.containers.delete(mine.uuid)
    helpers.wait_for(lambda: mine.uuid not in {c.uuid for c in zun.containers.list()},
                     timeout=60, what="deleted")


def _quiet_box(zun, name):
    return zun.containers.run(name=name, image=testbed.image("base"),
                              command=_quiet_command("sleep 3600"))


def test_node_lost_containers_run_again_elsewhere(zun, engines):
    boxes = [_quiet_box(zun, f"spread{i}") for i in range(3)]
    shown = [wait_container(zun, box.uuid, ("Running",)) for box in boxes]
    victim = next((c for c in shown if c.host != "zn1"), None)
    assert victim is not None, [c.host for c in shown]  # zn1 is the manager
    lost = victim.host
    testbed.kill_extra_engine(lost)
    killed = time.monotonic()
    try:
        statuses = []

        def elsewhere():
            current = zun.containers.get(victim.uuid)
            statuses.append(current.status)
            return current if current.status == "Running" and current.host != lost \
                else None
        moved = helpers.wait_for(elsewhere, timeout=60, interval=0.3,
                                 what=f"{victim.name} running again off {lost}")
        print(f"\nRunning again on {moved.host} {time.monotonic() - killed:.1f} s after "
              f"{lost} died; statuses seen: {sorted(set(statuses))}")
        assert "Unknown" in statuses, statuses
        others = [zun.containers.get(c.uuid) for c in shown if c.uuid != victim.uuid]
        assert all(c.status in ("Running", "Unknown") for c in others), others
    finally:
        testbed.restart_extra_engine(lost)
    for box in boxes:
        zun.containers.delete(box.uuid, stop=True)


def test_concurrent_creates(zun, service, cluster, engines):
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        created = list(pool.map(lambda i: _quiet_box(zun, f"many{i}").uuid,
                                range(CONCURRENT)))
    accepted = time.monotonic() - started

    def settled():
        listed = {c.uuid: c for c in zun.containers.list(limit=CONCURRENT + 50)}
        if all(listed[u].status in ("Running", "Error") and not listed[u].task_state
               for u in created):
            return listed
        return None
    listed = helpers.wait_for(settled, timeout=300, interval=2,
                              what=f"{CONCURRENT} containers Running or Error")
    print(f"\n{CONCURRENT} creates accepted in {accepted:.1f} s, all settled in "
          f"{time.monotonic() - started:.1f} s")
    errors = {u: listed[u].status_reason for u in created if listed[u].status == "Error"}
    assert all(reason for reason in errors.values()), errors
    assert len(created) == len(set(created)) == CONCURRENT
    # The database and the swarm agree: one service per container, its task running
    # on the host the API shows.
    manager = engines["zn1"]
    services = {s["Spec"]["Labels"][container_request.CONTAINER_LABEL]: s
                for s in manager.list_services(resource_id=cluster["uuid"])}
    hosts = {n["ID"]: n["Spec"]["Labels"][logic.HOST_LABEL] for n in manager.swarm_nodes()}
    running = {}
    for task in manager.swarm_tasks(desired_state="running"):
        if task["Status"]["State"] == "running":
            running[task["ServiceID"]] = hosts[task["NodeID"]]
    for uuid in created:
        assert uuid in services, uuid
        if listed[uuid].status == "Running":
            assert running.get(services[uuid]["ID"]) == listed[uuid].host, uuid
    for uuid in created:
        zun.containers.delete(uuid, stop=True)


def test_delete_leaves_nothing(zun, service, cluster, engines):
    for container in zun.containers.list():
        if container.status != "Deleting":
            zun.containers.delete(container.uuid, stop=True)
    helpers.wait_for(lambda: not zun.containers.list(), timeout=90, what="all deleted")
    manager = engines["zn1"]

    left = {}

    def nothing_left():
        left.update(services=manager.list_services(resource_id=cluster["uuid"]),
                    networks=manager.list_networks(resource_id=cluster["uuid"]),
                    containers={name: e.list_containers(resource_id=cluster["uuid"])
                                for name, e in engines.items()})
        return not (left["services"] or left["networks"]
                    or any(left["containers"].values()))
    try:
        helpers.wait_for(nothing_left, timeout=120, interval=1,
                         what="no service, network or container")
    except AssertionError:
        raise AssertionError(f"left: {left}") from None
