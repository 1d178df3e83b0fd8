"""Benchmark: a swarm-mode cluster of 1 manager + 3 workers made THROUGH magnum_lite's API
(POST /v1/clusters until GET shows CREATE_COMPLETE, polled every 0.2 s as an API user
would) vs the same ``swarm init`` + joins done directly with the docker SDK (the baseline
of ``magnum_cluster_create.py``), on four TLS engines of the testbed. The API and the
conductor run as processes (gunicorn, sqlite) in the product's default configuration,
``[conductor] poll_interval`` (1.0 s) included. Runs interleaved; each side's swarm is torn
down (untimed) before the next run. Prints the medians and their ratio (target <= 1.3).

The engines (mca1..mca4) are added at the start and removed at the end.

Run: PYTHONPATH=. .tox/openstack/bin/python benchmarks/magnum_cluster_create_api.py [RUNS]
"""

import contextlib
import sys
import tempfile
import time
from pathlib import Path

import requests
import yaml

from benchmarks.magnum_cluster_create import report, sdk_client, sdk_create, sdk_delete
from tests.common import testbed
from tests.functional.magnum_lite.conftest import Service

NAMES = ("mca1", "mca2", "mca3", "mca4")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
CLIENT_POLL = 0.2
HEADERS = {"X-Project-Id": "bench", "X-Roles": "member",
           "OpenStack-API-Version": "container-infra latest"}


def start_service(directory, records):
    hosts = directory / "hosts.yaml"
    hosts.write_text(yaml.safe_dump({"hosts": [
        {"name": name, "endpoint": r["url"], "ca_cert": r["tls"]["ca"],
         "client_cert": r["tls"]["cert"], "client_key": r["tls"]["key"]}
        for name, r in zip(NAMES, records, strict=True)]}))
    tls = records[0]["tls"]
    service = Service(directory, conductor="driver = swarm-mode\n", extra=f"""
[hosts]
hosts_file = {hosts}
[tls]
ca_cert = {tls["ca"]}
ca_key = {tls["ca_key"]}
""")
    service.start()
    return service


def call(service, method, path, **kw):
    return requests.request(method, service.url + "/v1" + path, headers=HEADERS,
                            timeout=30, **kw)


def api_create(service, number):
    """POST, then GET every CLIENT_POLL s until CREATE_COMPLETE; the cluster's uuid."""
    reply = call(service, "POST", "/clusters", json={
        "name": f"bench{number}", "cluster_template_id": "bench", "master_count": 1,
        "node_count": 3})
    assert reply.status_code == 202, reply.text
    uuid = reply.json()["uuid"]
    while (body := call(service, "GET", f"/clusters/{uuid}").json())["status"] \
            == "CREATE_IN_PROGRESS":
        time.sleep(CLIENT_POLL)
    assert body["status"] == "CREATE_COMPLETE", body
    return uuid


def api_delete(service, uuid):
    assert call(service, "DELETE", f"/clusters/{uuid}").status_code == 204
    while call(service, "GET", f"/clusters/{uuid}").status_code != 404:
        time.sleep(CLIENT_POLL)


def main():
    with contextlib.ExitStack() as stack:
        records = [stack.enter_context(testbed.extra_engine_running(name, tls=True))
                   for name in NAMES]
        service = start_service(Path(stack.enter_context(tempfile.TemporaryDirectory())),
                                records)
        stack.callback(service.stop)
        reply = call(service, "POST", "/clustertemplates", json={
            "name": "bench", "coe": "swarm-mode", "image_id": "any",
            "external_network_id": "any"})
        assert reply.status_code == 201, reply.text
        clients = [sdk_client(r) for r in records]
        api_times, sdk_times = [], []
        for number in range(RUNS):
            start = time.perf_counter()
            uuid = api_create(service, number)
            api_times.append(time.perf_counter() - start)
            api_delete(service, uuid)
            start = time.perf_counter()
            sdk_create(records, clients)
            sdk_times.append(time.perf_counter() - start)
            sdk_delete(clients)
        # The driver's own share, as the conductor logs it ("... ready in X s").
        driver_times = [float(line.rsplit(" in ", 1)[1].split()[0])
                        for line in (service.tmp / "conductor.log").read_text().splitlines()
                        if "workers ready in" in line]
    print(f"{'driver create, in the conductor':38} "
          + ", ".join(f"{t:.1f}" for t in driver_times) + " s")
    report("API", api_times, sdk_times, 1.3)


if __name__ == "__main__":
    main()
