"""The engine's events drive Nova's state: through Nova's functional harness (API,
conductor, scheduler, placement, compute in-process) on the real engine, a container that
stops without Nova asking makes its server SHUTOFF within seconds, through the compute
manager's own handling of the driver's STOPPED event (no power state sync period)."""

import contextlib
import time

from tests.common import testbed
from tests.functional.nova_docker import fixtures as tb

#: Seconds a server may take to follow its container (the issue's promise).
FOLLOW = 5


class _StatusWait:
    def _wait_for_status(self, server, status, timeout):
        deadline = time.monotonic() + timeout
        while True:
            current = self.api.get_server(server["id"])
            if current["status"] == status or time.monotonic() > deadline:
                self.assertEqual(status, current["status"],
                                 f"server {server['id']} not {status} within {timeout} s")
                return current
            time.sleep(0.1)


class LifecycleEventsTestCase(_StatusWait, tb.DockerAPITestBase):
    def _boot(self, image=None, expected_state="ACTIVE"):
        return self._create_server(image_uuid=image or self.server_image,
                                   flavor_id=self.flavor, networks="none",
                                   expected_state=expected_state)

    def _container_id(self, server):
        return self.engine.owned_container(f"nova-{server['id']}")["Id"]

    def _console(self, server):
        return self.api.post_server_action(
            server["id"], {"os-getConsoleOutput": {"length": 50}})["output"]

    def test_container_killed_from_outside_is_shutoff_within_seconds(self):
        server = self._boot()
        self.engine.exec_run(self._container_id(server),
                             ["sh", "-c", "echo before-the-kill > /proc/1/fd/1"])
        self.engine.kill(self._container_id(server))
        self._wait_for_status(server, "SHUTOFF", FOLLOW)
        console = self._console(server)
        self.assertIn("before-the-kill", console)
        self.assertIn("[container exited with code 137", console)
        # Nova stopped it by its own API: starting it again works as usual.
        self._start_server(server)
        self._delete_server(server)

    def test_process_exiting_at_once_boots_then_is_shutoff_with_its_output(self):
        oneshot = self._upload("oneshot", tb.saved_image("oneshot"))
        # spawn returns once started: the build succeeds, then Nova stops the server.
        server = self._boot(image=oneshot, expected_state="BUILD")
        self._wait_for_status(server, "SHUTOFF", FOLLOW + 10)
        self.assertIsNone(self.api.get_server(server["id"]).get("fault"))
        console = self._console(server)
        self.assertIn("testbed-oneshot-failed", console)
        self.assertIn("[container exited with code 3", console)
        self.assertIn(f"The container of instance {server['id']} exited with code 3",
                      self.stdlog.logger.output)
        self._delete_server(server)

    def test_console_of_any_bytes_is_answered(self):
        base = self._upload("base", tb.saved_image("base"))
        self.glance_client.images.update(base, os_command_line=(
            "sh -c 'printf \"caf\\303\\251 \\346\\227\\245\\346\\234\\254 \\377\\376 "
            "end\\n\"; exec sleep 1000'"))
        server = self._boot(image=base)
        deadline = time.monotonic() + FOLLOW
        while "end" not in (console := self._console(server)):
            self.assertLess(time.monotonic(), deadline, console)
            time.sleep(0.1)
        self.assertIn("caf", console)  # Nova's manager shows non-ASCII bytes as U+FFFD
        self._delete_server(server)


class EngineRestartTestCase(_StatusWait, tb.DockerAPITestBase):
    """The compute host's engine (an extra engine of this module's own: the main one is
    shared) dies and starts again on its data; without live-restore its containers were
    stopped: every server follows within 10 s, and the compute service, not restarted,
    keeps following its containers."""

    ENGINE = "nv-events"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._engine_stack = contextlib.ExitStack()
        cls.record = cls._engine_stack.enter_context(
            testbed.extra_engine_running(cls.ENGINE))

    @classmethod
    def tearDownClass(cls):
        cls._engine_stack.close()
        super().tearDownClass()

    def docker_endpoint(self):
        return self.record["socket"]

    def test_engine_restart_is_followed_without_compute_restart(self):
        running = self._create_server(image_uuid=self.server_image, flavor_id=self.flavor,
                                      networks="none")
        stopped = self._create_server(image_uuid=self.server_image, flavor_id=self.flavor,
                                      networks="none")
        self._stop_server(stopped)
        testbed.kill_extra_engine(self.ENGINE)
        testbed.restart_extra_engine(self.ENGINE)
        for server in (running, stopped):
            self._wait_for_status(server, "SHUTOFF", 10)
        self.assertFalse(self.engine.owned_container(f"nova-{running['id']}")
                         ["State"]["Running"])
        # The events stream is back: a container killed now is followed as before.
        self._start_server(running)
        self.engine.kill(f"nova-{running['id']}")
        self._wait_for_status(running, "SHUTOFF", FOLLOW)
