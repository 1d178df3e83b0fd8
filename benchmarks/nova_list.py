"""Benchmark (c): list_instances with 500 of this host's containers on the engine: engine
API calls per listing (must be 1) and time vs ``api.containers(all=True)``, 20 runs each,
interleaved; prints the median ratio.

Run: PYTHONPATH=. /root/dev/bin/python benchmarks/nova_list.py
"""

import statistics
import tempfile
import time

from benchmarks.nova_common import make_driver, make_instance, report
from nova_docker import spec as specs
from tests.common import testbed
from tests.common.engine_calls import count_calls, sdk_client

COUNT = 500
RUNS = 20
HOST = "bench-list"


def main():
    driver = make_driver(HOST, tempfile.mkdtemp())
    engine = driver.engine
    image_id = engine.inspect_image(testbed.image("sleeper"))["Id"]
    try:
        for number in range(1, COUNT + 1):
            instance = make_instance(number)
            engine.create_container(specs.build(instance, {}, image_id, {}, HOST),
                                    name=specs.container_name(instance),
                                    resource_id=instance.uuid)
        with count_calls(engine, "send") as send:
            assert len(driver.list_instances()) == COUNT
        listed, baseline = [], []
        for _ in range(RUNS):
            start = time.perf_counter()
            driver.list_instances()
            listed.append(time.perf_counter() - start)
            start = time.perf_counter()
            sdk_client(engine).containers(all=True)
            baseline.append(time.perf_counter() - start)
    finally:
        for container in engine.list_containers(
                all=True, filters={"label": f"{specs.HOST_LABEL}={HOST}"}):
            engine.remove_container(container["Id"], timeout=0)
    print(f"engine API calls per list_instances: {send.call_count}")
    print(f"list_instances median {statistics.median(listed) * 1000:.1f} ms, "
          f"containers(all=True) median {statistics.median(baseline) * 1000:.1f} ms")
    report("list_instances / api.containers(all=True)",
           statistics.median(listed) / statistics.median(baseline), 1.2)


if __name__ == "__main__":
    main()
