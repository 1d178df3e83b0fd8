"""Benchmark: 100 containers on a 4-node cluster (1 manager + 3 workers) created THROUGH
the Zun-compatible API (POST /v1/containers?run=true from 16 client threads, then
GET /v1/containers every 0.2 s until all are Running) vs the same 100 single-replica
services created directly with the docker SDK from 16 threads (then its task list read
every 0.2 s until all tasks run). Same image (pinned by id), command, overlay network and
dnsrr endpoint on both sides; the API side runs in the product's default configuration
(gunicorn, sqlite, one conductor) except the containers quota, raised to 100. Everything
is removed (untimed) between runs. Prints both throughputs and their ratio, API / SDK
(target >= 0.8), measured in the same run.

The engines (znb1..znb4) are added at the start and removed at the end.

Run: PYTHONPATH=. .tox/openstack/bin/python benchmarks/zun_containers.py [RUNS]
"""

import concurrent.futures
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests
import yaml

from magnum_lite.drivers.swarm_mode import logic
from openstack_docker import labels as ownership
from openstack_docker.api.swarm import ServiceSpec
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from tests.common import testbed
from tests.common.engine_calls import sdk_client
from tests.functional.magnum_lite.conftest import Service

NAMES = ("znb1", "znb2", "znb3", "znb4")
COUNT = 100
THREADS = 16
POLL = 0.2
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 1
COMMAND = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
PROJECT = "bench"
MAGNUM = {"X-Project-Id": PROJECT, "OpenStack-API-Version": "container-infra latest"}
ZUN = {"X-Project-Id": PROJECT, "OpenStack-API-Version": "container 1.40"}


def start_service(directory, records):
    hosts = directory / "hosts.yaml"
    hosts.write_text(yaml.safe_dump({"hosts": [
        {"name": name, "endpoint": r["url"]} for name, r in zip(NAMES, records,
                                                                strict=True)]}))
    service = Service(directory, conductor="driver = swarm-mode\n", extra=f"""
[hosts]
hosts_file = {hosts}
[quotas]
max_containers_per_project = {COUNT}
""")
    service.zun_url = f"http://127.0.0.1:{service.port + 1}"
    with service.config.open("a") as config:
        config.write(f"[containers]\napi_port = {service.port + 1}\n")
    service.start()
    service.run("magnum_lite.cmd.containers_api")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.get(service.zun_url + "/", timeout=5).ok:
                return service
        time.sleep(0.2)
    raise RuntimeError("containers API did not answer")


def make_cluster(service):
    def call(method, path, **kw):
        reply = requests.request(method, service.url + "/v1" + path, headers=MAGNUM,
                                 timeout=30, **kw)
        assert reply.status_code < 300, reply.text
        return reply.json()
    call("POST", "/clustertemplates", json={"name": "bench", "coe": "swarm-mode",
                                            "image_id": "any"})
    uuid = call("POST", "/clusters", json={"name": "bench", "cluster_template_id": "bench",
                                           "master_count": 1, "node_count": 3})["uuid"]
    while (status := call("GET", f"/clusters/{uuid}")["status"]) == "CREATE_IN_PROGRESS":
        time.sleep(0.5)
    assert status == "CREATE_COMPLETE", status
    return uuid


def zun(service, method, path, **kw):
    return requests.request(method, service.zun_url + "/v1" + path, headers=ZUN,
                            timeout=60, **kw)


def api_run(service, number):
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        replies = list(pool.map(lambda i: zun(service, "POST", "/containers?run=true", json={
            "name": f"b{number}x{i}", "image": testbed.image("base"), "command": COMMAND}),
            range(COUNT)))
    assert all(r.status_code == 202 for r in replies), [r.text for r in replies[:3]]
    while True:
        listed = zun(service, "GET", "/containers").json()["containers"]
        statuses = [c["status"] for c in listed]
        assert "Error" not in statuses, [c["status_reason"] for c in listed
                                         if c["status"] == "Error"][:3]
        if statuses.count("Running") == COUNT:
            return time.perf_counter() - started
        time.sleep(POLL)


def api_clear(service):
    for container in zun(service, "GET", "/containers").json()["containers"]:
        zun(service, "DELETE", f"/containers/{container['uuid']}?stop=True")
    while zun(service, "GET", "/containers").json()["containers"]:
        time.sleep(POLL)


def sdk_run(client, image_id, network_id, number):
    labels = ownership.ownership("bench")
    template = ServiceSpec(image=image_id, args=COMMAND,
                           networks=[(network_id, [])]).task_template(labels)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(lambda i: client.create_service(
            template, name=f"sdk{number}x{i}", labels=labels,
            mode={"Replicated": {"Replicas": 1}}, endpoint_spec={"Mode": "dnsrr"}),
            range(COUNT)))
    while sum(t["Status"]["State"] == "running" for t in client.tasks(
            filters={"label": "org.openstack.docker.owner=bench",
                     "desired-state": "running"})) < COUNT:
        time.sleep(POLL)
    return time.perf_counter() - started


def sdk_clear(client, engines):
    for service in client.services(filters={"label": "org.openstack.docker.owner=bench"}):
        client.remove_service(service["ID"])
    while any(sdk_client(e).containers(all=True, filters={
            "label": "org.openstack.docker.owner=bench"}) for e in engines):
        time.sleep(POLL)


def main():
    with contextlib.ExitStack() as stack:
        records = [stack.enter_context(testbed.extra_engine_running(name))
                   for name in NAMES]
        service = start_service(Path(stack.enter_context(tempfile.TemporaryDirectory())),
                                records)
        stack.callback(service.stop)
        cluster = make_cluster(service)
        engines = [Engine(parse_endpoint(r["url"], timeout=60), owner=logic.OWNER)
                   for r in records]
        manager = engines[0]
        client = sdk_client(manager)
        image_id = manager.image_id(testbed.image("base"))
        network_id = manager.create_network("bench-sdk", driver="overlay",
                                            resource_id=cluster)
        api_times, sdk_times = [], []
        for number in range(RUNS):
            sdk_times.append(sdk_run(client, image_id, network_id, number))
            print(f"run {number}: docker SDK {sdk_times[-1]:.1f} s", flush=True)
            sdk_clear(client, engines)
            api_times.append(api_run(service, number))
            print(f"run {number}: API {api_times[-1]:.1f} s", flush=True)
            api_clear(service)
        manager.remove_network(network_id)
        requests.delete(f"{service.url}/v1/clusters/{cluster}", headers=MAGNUM, timeout=30)
        while requests.get(f"{service.url}/v1/clusters/{cluster}", headers=MAGNUM,
                           timeout=30).status_code != 404:
            time.sleep(0.5)
    for label, runs in (("API (202 -> Running)", api_times),
                        ("docker SDK services (-> running)", sdk_times)):
        print(f"{label:34} " + ", ".join(f"{t:.1f}" for t in runs)
              + f" s for {COUNT}, median {COUNT / statistics.median(runs):.2f} containers/s")
    ratio = statistics.median(sdk_times) / statistics.median(api_times)
    print(f"throughput ratio API/SDK (target >= 0.8): {ratio:.2f}")


if __name__ == "__main__":
    main()
