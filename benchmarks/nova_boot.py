"""Benchmark (b): server boot -> ACTIVE through Nova's in-process services (API, conductor,
scheduler, placement, compute on sqlite) with this driver on the testbed engine vs Nova's
FakeDriver, in the same harness and run: two compute hosts, boots interleaved and pinned
to a host, BOOTS each after one warm-up boot each; prints the medians and their ratio.

The harness is the functional tests' one (tests.functional.nova_docker.fixtures), run as
a unittest TestCase outside pytest.

Run: PYTHONPATH=. /root/dev/bin/python benchmarks/nova_boot.py [boots] (default configuration)
"""

import statistics
import sys
import time
import unittest

# Nova's test process setup (eventlet patching first), as pytest's conftest does it.
import tests.common.nova_setup  # noqa: F401

# isort: split
from tests.functional.nova_docker import fixtures

BOOTS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
POLL = 0.02


class BootBenchmark(fixtures.DockerAPITestBase):
    def setUp(self):
        super().setUp()
        self.docker_host = self.compute.host
        self.flags(compute_driver="fake.FakeDriver")
        self.fake_host = self._start_compute(self._unique_host("fake")).host

    def _boot_seconds(self, host):
        """Seconds from the create request to ACTIVE; the server is deleted afterwards."""
        start = time.perf_counter()
        server = self._create_server(image_uuid=self.server_image, flavor_id=self.flavor,
                                     networks="none", host=host, expected_state="BUILD")
        while True:
            status = self.admin_api.get_server(server["id"])["status"]
            if status != "BUILD":
                break
            time.sleep(POLL)
        elapsed = time.perf_counter() - start
        self.assertEqual("ACTIVE", status)
        self._delete_server(server)
        return elapsed

    def runTest(self):
        for host in (self.docker_host, self.fake_host):  # warm-up: image cache, DB, ...
            self._boot_seconds(host)
        docker, fake = [], []
        for _ in range(BOOTS):
            docker.append(self._boot_seconds(self.docker_host))
            fake.append(self._boot_seconds(self.fake_host))
        self.assertEqual([], self.engine.list_containers(
            all=True, filters={"label": f"org.openstack.nova.host={self.docker_host}"}))
        ratio = statistics.median(docker) / statistics.median(fake)
        print(f"boot->ACTIVE median: DockerDriver {statistics.median(docker) * 1000:.0f} ms, "
              f"FakeDriver {statistics.median(fake) * 1000:.0f} ms, {BOOTS} boots each")
        print(f"DockerDriver / FakeDriver boot: ratio {ratio:.3f} (target <= 1.5)")


if __name__ == "__main__":
    result = unittest.TextTestRunner(verbosity=0).run(BootBenchmark())
    sys.exit(0 if result.wasSuccessful() else 1)
