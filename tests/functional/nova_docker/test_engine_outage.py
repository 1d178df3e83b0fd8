"""A Docker engine that really dies in the middle of a spawn (its dockerd is killed), on
an extra testbed engine of this module's own: the main engine is shared and stays up.

Nova (API, conductor, scheduler, placement, compute in-process) boots through the driver;
the build fails with the engine named, the engine comes back on its data (``tools/testbed
engine restart``: the failed spawn's container is still there), the next periodic task
removes that container, and the same compute service boots without a restart.
"""

import os
import signal
import time

from nova_docker import seed
from openstack_docker import errors
from tests.common import testbed
from tests.functional.nova_docker import fixtures as tb

ENGINE = "nova-outage"


class EngineOutageTestCase(tb.OnExtraEngine, tb.DockerAPITestBase):
    ENGINE = ENGINE
    # A frozen engine answers nothing: calls give up after this many seconds.
    docker_flags = {"api_timeout": 3}

    def _dockerd(self, sig):
        os.kill(testbed.extra_engine(ENGINE)["pid"], sig)

    def _kill_dockerd(self):
        self._dockerd(signal.SIGKILL)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.engine.ping()
            except errors.EngineUnreachable:
                return
            self.assertLess(time.monotonic(), deadline, "dockerd did not die")
            time.sleep(0.1)


    def _boot_failing_after_create(self, engine_fails):
        """Boot with ``engine_fails()`` run once the container exists; returns the server
        (in ERROR) and the id of the container its spawn created."""
        real_install = seed.install
        created = []

        def install(engine, container_id, *args, **kwargs):
            created.append(container_id)
            engine_fails()
            return real_install(engine, container_id, *args, **kwargs)

        self.stub_out("nova_docker.seed.install", install)
        server = self._create_server(image_uuid=self.server_image, flavor_id=self.flavor,
                                     networks="none", expected_state="BUILD")
        # A frozen engine costs each call its api_timeout: wait long enough.
        server = self._wait_for_state_change(server, "ERROR", max_retries=60)
        self.stub_out("nova_docker.seed.install", real_install)
        # One compute host: the fault says the retries are exhausted; the compute's own
        # error, naming the endpoint, is in its log.
        self.assertIn("Exceeded maximum number of retries",
                      self.api.get_server(server["id"])["fault"]["message"])
        self.assertIn(f"Docker engine {self.record['socket']} is unreachable",
                      self.stdlog.logger.output)
        self.assertEqual(1, len(created))
        return server, created[0]

    def _containers(self, server):
        return self.engine.list_containers(all=True, resource_id=server["id"])

    def _boots_again(self):
        server = self._create_server(image_uuid=self.server_image, flavor_id=self.flavor,
                                     networks="none")
        info = self.engine.owned_container(f"nova-{server['id']}")
        self.assertTrue(info["State"]["Running"])
        self._delete_server(server)
        self.assertEqual([], self._containers(server))

    def test_dockerd_killed_after_create_fails_the_build_then_boots_again(self):
        server, container_id = self._boot_failing_after_create(self._kill_dockerd)
        testbed.restart_extra_engine(ENGINE)
        # Back on its data: the container of the failed spawn survived the crash until
        # the next periodic task removes it (Nova does not call the driver for it again).
        self.assertEqual([container_id], [c["Id"] for c in self._containers(server)])
        self._run_periodics()
        self.assertEqual([], self._containers(server))
        self._delete_server(server)
        self._boots_again()

    def test_dockerd_frozen_after_create_fails_then_its_container_is_reaped(self):
        self.addCleanup(self._dockerd, signal.SIGCONT)
        server, container_id = self._boot_failing_after_create(
            lambda: self._dockerd(signal.SIGSTOP))
        self._dockerd(signal.SIGCONT)
        # Back with its state: the container of the failed spawn is still there until the
        # next periodic task removes it (Nova does not call the driver for it again).
        self.assertEqual([container_id], [c["Id"] for c in self._containers(server)])
        self._run_periodics()
        self.assertEqual([], self._containers(server))
        self._delete_server(server)
        self._boots_again()
