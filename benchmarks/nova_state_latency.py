"""Benchmark (c): state-change latency. A server's container is killed from outside Nova
(as a crash or an OOM kill would end it); the time until Nova's power state of the server
is SHUTDOWN, through the engine's events (nova_docker.events) and the compute manager's
handling of STOPPED, in Nova's in-process services (API, conductor, scheduler, placement,
compute) with the driver in its default configuration. KILLS kills of one server, started
again through Nova's API between kills; prints the median and the maximum.

Without events this latency is the power state sync period (`sync_power_state_interval`,
600 s by default).

Run: PYTHONPATH=. /root/dev/bin/python benchmarks/nova_state_latency.py [kills]
"""

import statistics
import sys
import time
import unittest

# Nova's test process setup (eventlet patching first), as pytest's conftest does it.
import tests.common.nova_setup  # noqa: F401

# isort: split
from nova.compute import power_state

from tests.functional.nova_docker import fixtures

KILLS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
POLL = 0.01


class StateLatencyBenchmark(fixtures.DockerAPITestBase):
    def _kill_seconds(self, server):
        """Seconds from the kill to Nova's power state SHUTDOWN."""
        container = f"nova-{server['id']}"
        start = time.perf_counter()
        self.engine.kill(container)
        while self.admin_api.get_server(server["id"])["OS-EXT-STS:power_state"] != \
                power_state.SHUTDOWN:
            self.assertLess(time.perf_counter() - start, 60)
            time.sleep(POLL)
        return time.perf_counter() - start

    def runTest(self):
        server = self._create_server(image_uuid=self.server_image, flavor_id=self.flavor,
                                     networks="none")
        latencies = []
        for _ in range(KILLS):
            latencies.append(self._kill_seconds(server))
            self._wait_for_state_change(server, "SHUTOFF")
            self._start_server(server)
        self._delete_server(server)
        print(f"container killed -> Nova power state SHUTDOWN, {KILLS} kills: median "
              f"{statistics.median(latencies) * 1000:.0f} ms, max "
              f"{max(latencies) * 1000:.0f} ms")


if __name__ == "__main__":
    result = unittest.TextTestRunner(verbosity=0).run(StateLatencyBenchmark())
    sys.exit(0 if result.wasSuccessful() else 1)
