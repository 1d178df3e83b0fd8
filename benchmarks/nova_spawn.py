"""Benchmark (a): DockerDriver.spawn with the image present vs docker SDK create+start of
the same container config; 20 runs each, interleaved; prints the medians, the engine API
calls of one spawn on each side and the median ratio.

Run: PYTHONPATH=. /root/dev/bin/python benchmarks/nova_spawn.py (default configuration)
"""

import hashlib
import os
import shutil
import statistics
import tempfile
import time
from unittest import mock

from nova.network import model as network_model

from benchmarks.nova_common import make_driver, make_instance, report
from nova import objects
from nova_docker import spec as specs
from tests.common import testbed
from tests.common.engine_calls import sdk_client

RUNS = 20
HOST = "bench-spawn"


class _Glance:
    """The server image as a Glance image with data (a ``docker save`` tarball)."""

    def __init__(self, api, directory):
        self.path = os.path.join(directory, "server.tar")
        md5 = hashlib.md5(usedforsecurity=False)
        with open(self.path, "wb") as handle:
            for chunk in api.get_image(testbed.image("server")):
                md5.update(chunk)
                handle.write(chunk)
        self.record = {"id": "bench-image", "container_format": "docker",
                       "checksum": md5.hexdigest(), "properties": {}}

    def get(self, context, image_id):
        return self.record

    def download(self, context, image_id, data):
        with open(self.path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                data.write(chunk)


def _calls(api):
    """Count the engine API requests made inside a ``with`` block."""
    return mock.patch.object(api, "send", wraps=api.send)


def main():
    state_dir = tempfile.mkdtemp()
    driver = make_driver(HOST, state_dir)
    api = sdk_client(driver.engine)  # the baseline: the bare SDK, as a client would use it
    image_id = api.inspect_image(testbed.image("server"))["Id"]
    driver._glance = _Glance(api, state_dir)
    # Untimed: the driver verifies the image once (download, checksum, content id);
    # every timed spawn then finds it known, as on a host that booted it before.
    driver.cache_image(None, "bench-image")
    meta = objects.ImageMeta.from_dict({"id": "bench-image"})
    spawned, created = [], []
    try:
        for number in range(1, RUNS + 1):
            instance = make_instance(number)
            with _calls(api) as spawn_calls:
                start = time.perf_counter()
                driver.spawn(None, instance, meta, [], None, {},
                             network_model.NetworkInfo([]))
                spawned.append(time.perf_counter() - start)
            driver.destroy(None, instance, [])

            sdk_spec = specs.build(make_instance(number), driver._glance.record, image_id,
                                   {"network_mode": "none"}, HOST)
            config = sdk_spec.container_config(api, owner="nova")
            with _calls(api) as sdk_calls:
                start = time.perf_counter()
                container = api.create_container_from_config(config, f"bench-sdk-{number}")
                api.start(container["Id"])
                created.append(time.perf_counter() - start)
            api.remove_container(container["Id"], force=True)
    finally:
        for leftover in driver.engine.list_containers(
                all=True, filters={"label": f"{specs.HOST_LABEL}={HOST}"}):
            api.remove_container(leftover["Id"], force=True)
        driver.cleanup_host(HOST)
        shutil.rmtree(state_dir, ignore_errors=True)
    print(f"engine API calls per spawn: driver {spawn_calls.call_count}, "
          f"SDK {sdk_calls.call_count}")
    print(f"spawn median {statistics.median(spawned) * 1000:.1f} ms, SDK create+start "
          f"median {statistics.median(created) * 1000:.1f} ms")
    report("driver spawn / SDK create+start",
           statistics.median(spawned) / statistics.median(created), 1.05)


if __name__ == "__main__":
    main()
