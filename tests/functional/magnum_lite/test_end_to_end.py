"""magnum_lite end to end: the real API (gunicorn) and conductor with the swarm-mode driver
on three TLS engines of the testbed (mee1..mee3), driven by the real ``openstack coe`` CLI,
the cluster then reached with the real docker CLI.

The module adds its engines (``tools/testbed engine add meeN --tls``) and removes them at
the end. Each testbed engine has its own CA: magnum_lite's CA is mee1's, and mee1 is first
in the hosts file, so it is the first free host and the cluster's manager (its TLS port is
the ``api_address`` the docker CLI talks to). The main engine never joins a swarm.
"""

import os
import subprocess
import time

import pytest
import requests
import yaml

from magnum_lite.drivers.swarm_mode import logic
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from tests.common import helpers, testbed
from tests.functional.magnum_lite.conftest import Service, osc_runner, wait_status

NAMES = ("mee1", "mee2", "mee3")


@pytest.fixture(scope="module")
def records():
    with testbed.extra_engines_running(NAMES, tls=True) as running:
        yield running


@pytest.fixture(scope="module")
def engines(records):
    return {name: Engine(parse_endpoint(r["url"], ca_cert=r["tls"]["ca"],
                                        client_cert=r["tls"]["cert"],
                                        client_key=r["tls"]["key"], timeout=30),
                         owner=logic.OWNER) for name, r in records.items()}


@pytest.fixture(scope="module")
def service(records, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("magnum-e2e")
    hosts = tmp / "hosts.yaml"
    hosts.write_text(yaml.safe_dump({"hosts": [
        {"name": name, "endpoint": r["url"], "ca_cert": r["tls"]["ca"],
         "client_cert": r["tls"]["cert"], "client_key": r["tls"]["key"],
         "labels": {"rack": name}} for name, r in records.items()]}))
    tls = records["mee1"]["tls"]
    service = Service(tmp, conductor="""driver = swarm-mode
poll_interval = 0.2
health_interval = 2
""", extra=f"""
[hosts]
hosts_file = {hosts}
[tls]
ca_cert = {tls["ca"]}
ca_key = {tls["ca_key"]}
""")
    try:
        service.start()
        yield service
    finally:
        service.stop()


@pytest.fixture(scope="module")
def osc(service, tmp_path_factory):
    return osc_runner(service, tmp_path_factory.mktemp("osc"))


def _status(osc, name):
    return lambda: osc.json("cluster", "show", name)["status"]


def _docker(config, directory, *argv):
    """The docker CLI with what ``cluster config`` printed evaluated in its shell."""
    script = f'eval "$1"; shift; exec docker --config {directory}/docker "$@"'
    proc = subprocess.run(["bash", "-c", script, "docker", config, *argv],
                          env={"PATH": os.environ["PATH"], "HOME": str(directory)},
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, (argv, proc.stdout, proc.stderr)
    return proc.stdout


def _states(engines):
    return {name: engine.swarm_state()["LocalNodeState"] for name, engine in engines.items()}


def _timed(what, timings, function):
    started = time.monotonic()
    value = function()
    timings[what] = time.monotonic() - started
    print(f"\n{what}: {timings[what]:.2f} s", end="")
    return value


def test_engine_down_fails_create_and_releases_hosts(osc, engines, tmp_path):
    osc("cluster", "template", "create", "e2e-down", "--coe", "swarm-mode", "--image", "any",
        "--external-network", "any")
    testbed.kill_extra_engine("mee2")
    try:
        osc("cluster", "create", "down", "--cluster-template", "e2e-down", "--master-count",
            "1", "--node-count", "2")
        assert wait_status(_status(osc, "down"), timeout=90) == "CREATE_FAILED"
    finally:
        testbed.restart_extra_engine("mee2")
    shown = osc.json("cluster", "show", "down")
    assert "host mee2 unreachable" in shown["status_reason"], shown
    assert set(_states(engines).values()) == {"inactive"}
    # The failed cluster keeps no host: a cluster of all three can be made (then deleted).
    osc("cluster", "create", "again", "--cluster-template", "e2e-down", "--node-count", "2")
    assert wait_status(_status(osc, "again"), timeout=120) == "CREATE_COMPLETE"
    for name in ("down", "again"):
        osc("cluster", "delete", name)
    helpers.wait_for(lambda: not {"down", "again"} & {c["name"] for c in osc.json(
        "cluster", "list")}, timeout=120, interval=0.5, what="clusters deleted")
    assert set(_states(engines).values()) == {"inactive"}
    osc("cluster", "template", "delete", "e2e-down")


def test_cluster_lifecycle(osc, service, engines, tmp_path):
    timings = {}
    osc("cluster", "template", "create", "e2e", "--coe", "swarm-mode", "--image", "any",
        "--external-network", "any")
    osc("cluster", "create", "e2e", "--cluster-template", "e2e", "--master-count", "1",
        "--node-count", "2")
    status = _status(osc, "e2e")
    assert _timed("create (1 manager + 2 workers)", timings,
                  lambda: wait_status(status, timeout=120)) == "CREATE_COMPLETE"
    cluster = osc.json("cluster", "show", "e2e")
    assert cluster["api_address"] == testbed.extra_engine("mee1")["url"], cluster
    assert cluster["health_status"] == "HEALTHY", cluster

    config = osc("cluster", "config", "e2e", "--dir", str(tmp_path),
                 "--output-certs").stdout
    assert f"DOCKER_HOST={cluster['api_address']}" in config, config
    nodes = _docker(config, tmp_path, "node", "ls", "--format", "{{.ID}} {{.Hostname}}")
    assert len(nodes.split("\n")) - 1 == 3, nodes
    uuid = cluster["uuid"]
    labelled = engines["mee1"].swarm_nodes(labels={"org.openstack.docker.resource-id": uuid})
    assert len(labelled) == 3
    refused = requests.post(service.url + "/v1/certificates", timeout=30,
                            json={"cluster_uuid": uuid, "csr": "-----BEGIN nothing"})
    assert refused.status_code == 400, refused.text
    assert "not a PEM certificate signing request" in refused.text

    osc("cluster", "resize", "e2e", "1")
    assert _timed("resize 3 -> 2 nodes", timings,
                  lambda: wait_status(status, timeout=120)) == "UPDATE_COMPLETE"
    nodes = _docker(config, tmp_path, "node", "ls", "-q").split()
    assert len(nodes) == 2, nodes
    states = _states(engines)
    assert sorted(states.values()) == ["active", "active", "inactive"], states
    freed = next(name for name, state in states.items() if state == "inactive")
    worker = next(name for name, state in states.items()
                  if state == "active" and name != "mee1")
    assert osc.json("cluster", "show", "e2e")["node_count"] == 1

    testbed.kill_extra_engine(worker)
    try:
        def unhealthy():
            shown = osc.json("cluster", "show", "e2e")
            return shown if shown["health_status"] == "UNHEALTHY" else None
        shown = _timed(f"health UNHEALTHY after {worker} died", timings,
                       lambda: helpers.wait_for(unhealthy, timeout=60, interval=0.5,
                                                what="health_status UNHEALTHY"))
        print(f" ({shown['health_status_reason']})", end="")
        assert worker in str(shown["health_status_reason"]["summary"]), shown
    finally:
        testbed.restart_extra_engine(worker)
    helpers.wait_for(lambda: osc.json("cluster", "show", "e2e")["health_status"]
                     == "HEALTHY", timeout=90, interval=0.5, what="HEALTHY again")

    # A service of the cluster (as the driver labels them): delete removes it too.
    engines["mee1"].create_service(testbed.image("sleeper"), name="e2e-sleep",
                                   resource_id=uuid, constraints=["node.role==worker"])
    helpers.wait_for(lambda: engines[worker].list_containers(resource_id=uuid),
                     timeout=60, what="the service's container on the worker")
    osc("cluster", "delete", "e2e")
    _timed("delete", timings, lambda: helpers.wait_for(
        lambda: "e2e" not in [c["name"] for c in osc.json("cluster", "list")],
        timeout=120, interval=0.2, what="cluster e2e deleted"))
    assert set(_states(engines).values()) == {"inactive"}, (freed, _states(engines))
    for engine in engines.values():
        assert engine.list_containers(resource_id=uuid) == []
    osc("cluster", "template", "delete", "e2e")
