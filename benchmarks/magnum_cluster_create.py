"""Benchmark: a swarm-mode cluster of 1 manager + 3 workers made by magnum_lite's driver
vs the same ``swarm init`` + joins done directly with the docker SDK (both ending with all
4 nodes Ready), on four TLS engines of the testbed. Runs interleaved; each side's swarm is
torn down (untimed) before the next run. Prints the medians and their ratio (target <=
1.2). The API-level figure (POST /v1/clusters to CREATE_COMPLETE) comes with the API.

The engines (mcb1..mcb4) are added at the start and removed at the end.

Run: PYTHONPATH=. .tox/openstack/bin/python benchmarks/magnum_cluster_create.py [RUNS]
"""

import contextlib
import statistics
import sys
import time
import types
import uuid

from oslo_config import cfg

from magnum_lite.drivers.base import Host
from magnum_lite.drivers.swarm_mode.driver import SwarmModeDriver
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from tests.common import testbed
from tests.common.engine_calls import sdk_client as engine_sdk_client

NAMES = ("mcb1", "mcb2", "mcb3", "mcb4")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def sdk_client(record):
    """The docker SDK low-level client of an engine (through the tests' one door to it),
    connected before timing starts."""
    tls = record["tls"]
    engine = Engine(parse_endpoint(record["url"], ca_cert=tls["ca"], client_cert=tls["cert"],
                                   client_key=tls["key"], timeout=30), owner="bench")
    client = engine_sdk_client(engine)
    client.ping()
    return client


def sdk_create(records, clients):
    """swarm init on the first, joins of the others, wait until all 4 nodes are Ready."""
    first, rest = clients[0], clients[1:]
    address = records[0]["address"]
    first.init_swarm(advertise_addr=address, listen_addr=f"{address}:2377")
    token = first.inspect_swarm()["JoinTokens"]["Worker"]
    for record, client in zip(records[1:], rest, strict=True):
        client.join_swarm([f"{address}:2377"], token, listen_addr=f"{record['address']}:2377",
                          advertise_addr=record["address"])
    while not (len(nodes := first.nodes()) == len(clients)
               and all(n["Status"]["State"] == "ready" for n in nodes)):
        time.sleep(0.05)


def sdk_delete(clients):
    for client in clients[1:] + clients[:1]:
        client.leave_swarm(force=True)


def main():
    conf = cfg.ConfigOpts()
    conf([], project="magnum-lite-bench")
    driver = SwarmModeDriver(conf)
    with contextlib.ExitStack() as stack:
        records = [stack.enter_context(testbed.extra_engine_running(name, tls=True))
                   for name in NAMES]
        hosts = [Host(name=name, endpoint=r["url"], advertise_address=r["address"],
                      ca_cert=r["tls"]["ca"], client_cert=r["tls"]["cert"],
                      client_key=r["tls"]["key"])
                 for name, r in zip(NAMES, records, strict=True)]
        clients = [sdk_client(r) for r in records]
        driver_times, sdk_times = [], []
        for _ in range(RUNS):
            cluster = types.SimpleNamespace(uuid=str(uuid.uuid4()), name="bench",
                                            project_id="bench", labels={}, master_count=1,
                                            node_count=3)
            start = time.perf_counter()
            state = driver.create(cluster, hosts[:1], hosts[1:])
            driver_times.append(time.perf_counter() - start)
            assert all(n.healthy for n in state.nodes), state.nodes
            driver.delete(cluster, hosts)
            start = time.perf_counter()
            sdk_create(records, clients)
            sdk_times.append(time.perf_counter() - start)
            sdk_delete(clients)
    report("driver", driver_times, sdk_times, 1.2)


def report(name, times, sdk_times, target):
    """Print both sides' runs and medians, and the ratio of the medians."""
    for label, runs in ((f"{name} create (1 manager + 3 workers)", times),
                        ("docker SDK init + joins", sdk_times)):
        listed = ", ".join(f"{t:.2f}" for t in runs)
        print(f"{label:38} {listed} s, median {statistics.median(runs):.2f} s")
    ratio = statistics.median(times) / statistics.median(sdk_times)
    print(f"ratio {name}/SDK (target <= {target}): {ratio:.2f}")


if __name__ == "__main__":
    main()
