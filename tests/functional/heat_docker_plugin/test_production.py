"""The life cycle on Heat's production path: two real heat-engine processes (convergence,
each with its worker process), a private RabbitMQ node, a shared database, driven over
RPC as heat-api drives them, against the testbed's Docker engine.

Started once for the module (about half a minute); each test runs one stack at a time.
"""

import contextlib
import re
import time
import urllib.request
import uuid

import testtools
from heat.rpc import client as rpc_client

from openstack_docker import labels
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from tests.common import rabbitmq, testbed
from tests.functional.heat_docker_plugin import base
from tests.functional.heat_docker_plugin import test_delete_during_create as gated
from tests.functional.heat_docker_plugin.engines import EngineOn, HeatEngines
from tests.functional.heat_docker_plugin.test_app import SERVER_OK

CONTAINER = "DockerInc::Docker::Container"


def template(image, publish=False, **props):
    """One container, ``web``; published: port 8080 on a host port the engine picks
    (a replacement runs beside the old container, so a fixed host port would clash)."""
    web = {"image": image, "stop_timeout": 0, **props}
    if publish:
        web["port_bindings"] = {8080: None}
    return {"heat_template_version": "2018-08-31",
            "resources": {"web": {"type": CONTAINER, "properties": web}}}


class TestProductionPath(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rabbit = rabbitmq.RabbitNode()
        cls.rabbit.setUp()
        try:
            cls.engines = HeatEngines(cls.rabbit.url)
            cls.engines.setUp()
        except Exception:
            cls.rabbit.cleanUp()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.engines.cleanUp()
        cls.rabbit.cleanUp()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.use_broker()
        self.rpc = rpc_client.EngineClient()
        self.context = self.engines.context
        self.prefix = "ht" + uuid.uuid4().hex[:8]
        self.docker = Engine(parse_endpoint(testbed.docker_url()), owner=labels.HEAT)
        self.addCleanup(self.docker.close)
        self.addCleanup(self.remove_leftovers)

    def use_broker(self):
        """Heat's RPC transport of this process on the module's broker, for the test."""
        broker = self.engines.broker()
        broker.__enter__()
        self.addCleanup(broker.__exit__, None, None, None)

    # -- helpers ----------------------------------------------------------------

    def create(self, tmpl, name=None, rollback=False, client=None):
        name = name or f"{self.prefix}-{uuid.uuid4().hex[:4]}"
        identity = (client or self.rpc).create_stack(
            self.context, name, tmpl, {}, {}, {"disable_rollback": not rollback})
        self.addCleanup(self.delete_quietly, identity)
        return identity

    def wait(self, identity, action, seconds=120):
        """(action, status, reason) once the stack settled after ``action`` (a failed
        update is followed by its rollback: wait for that one when asked)."""
        deadline = time.monotonic() + seconds
        while True:
            stack = self.rpc.show_stack(self.context, identity, resolve_outputs=False)[0]
            settled = stack["stack_action"] == action and \
                stack["stack_status"] != "IN_PROGRESS"
            if settled or time.monotonic() > deadline:
                return stack["stack_action"], stack["stack_status"], \
                    stack["stack_status_reason"]
            time.sleep(0.3)

    def assert_state(self, identity, action, status="COMPLETE"):
        state = self.wait(identity, action)
        self.assertEqual((action, status), state[:2], state[2])
        return state[2]

    def container(self, identity, name="web"):
        resource = self.rpc.describe_stack_resource(self.context, identity, name)
        return resource["physical_resource_id"]

    def delete(self, identity, client=None):
        """Delete through ``client`` (default: any engine) and wait until it is gone."""
        (client or self.rpc).delete_stack(self.context, identity, cast=False)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                stack = self.rpc.show_stack(self.context, identity,
                                            resolve_outputs=False)[0]
            except Exception as exc:  # a deleted stack is not found (a remote error)
                self.assertIn("NotFound", type(exc).__name__)
                return
            if stack["stack_action"] == "DELETE" and stack["stack_status"] != "IN_PROGRESS":
                self.assertEqual("COMPLETE", stack["stack_status"],
                                 stack["stack_status_reason"])
                return
            time.sleep(0.3)
        self.fail("stack delete did not finish")

    def delete_quietly(self, identity):
        with contextlib.suppress(Exception):
            self.delete(identity)

    def heat_objects(self):
        return base.heat_objects(self.docker, self.prefix)

    def remove_leftovers(self):
        containers, _, volumes = self.heat_objects()
        for container_id in containers:
            self.docker.remove_container(container_id, timeout=0)
        for volume in volumes:
            self.docker.remove_volume(volume)

    def workers_logging(self, text):
        """Pids of the heat-engine processes whose log has ``text``."""
        pids = set()
        for log in self.engines.logs:
            for line in HeatEngines.read_log(log).splitlines():
                if text in line:
                    pids.add(line.split()[2])
        return pids

    # -- tests ------------------------------------------------------------------

    def test_lifecycle(self):
        """create, check, update in place, replace, suspend/resume, a container killed
        behind Heat's back failing check, delete: nothing left."""
        server = testbed.image("server")
        identity = self.create(template(server, True, name=f"{self.prefix}-web",
                                        memory=64 * 2**20, env=["V=1"]))
        self.assert_state(identity, "CREATE")
        first = self.container(identity)
        port = self.docker.inspect_container(first)["NetworkSettings"]["Ports"][
            "8080/tcp"][0]["HostPort"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
            self.assertEqual(SERVER_OK, answer.read().decode().strip())
        self.rpc.stack_check(self.context, identity)
        self.assert_state(identity, "CHECK")

        self.rpc.update_stack(self.context, identity,
                              template(server, True, name=f"{self.prefix}-web2",
                                       memory=96 * 2**20, env=["V=1"]),
                              {}, {}, {"disable_rollback": True})
        self.assert_state(identity, "UPDATE")
        self.assertEqual(first, self.container(identity))
        info = self.docker.inspect_container(first)
        self.assertEqual((f"/{self.prefix}-web2", 96 * 2**20),
                         (info["Name"], info["HostConfig"]["Memory"]))

        self.rpc.update_stack(self.context, identity,
                              template(server, True, name=f"{self.prefix}-web2",
                                       memory=96 * 2**20, env=["V=2"]),
                              {}, {}, {"disable_rollback": True})
        self.assert_state(identity, "UPDATE")
        second = self.container(identity)
        self.assertNotEqual(first, second)
        self.assertEqual(f"/{self.prefix}-web2", self.docker.inspect_container(second)["Name"])
        self.assertEqual([second], self.heat_objects()[0])

        self.rpc.stack_suspend(self.context, identity)
        self.assert_state(identity, "SUSPEND")
        self.assertTrue(self.docker.inspect_container(second)["State"]["Paused"])
        self.rpc.stack_resume(self.context, identity)
        self.assert_state(identity, "RESUME")
        self.assertFalse(self.docker.inspect_container(second)["State"]["Paused"])

        self.docker.kill(second)
        self.rpc.stack_check(self.context, identity)
        self.assert_state(identity, "CHECK", "FAILED")

        self.delete(identity)
        self.assertEqual(([], [], []), self.heat_objects())

    def test_rollback_and_failed_create(self):
        """A replacement that cannot run rolls back to the old container, name and all;
        a create that cannot run fails at once and leaves nothing."""
        server, oneshot = testbed.image("server"), testbed.image("oneshot")
        identity = self.create(template(server, name=f"{self.prefix}-web"), rollback=True)
        self.assert_state(identity, "CREATE")
        old = self.container(identity)
        self.rpc.update_stack(self.context, identity,
                              template(oneshot, name=f"{self.prefix}-web"),
                              {}, {}, {"disable_rollback": False})
        self.assert_state(identity, "ROLLBACK")
        self.assertEqual(old, self.container(identity))
        self.assertEqual(f"/{self.prefix}-web", self.docker.inspect_container(old)["Name"])
        self.assertEqual([old], self.heat_objects()[0])
        self.delete(identity)

        failing = self.create(template(oneshot))
        reason = self.assert_state(failing, "CREATE", "FAILED")
        self.assertIn("testbed-oneshot-failed", reason)
        self.assertEqual(([], [], []), self.heat_objects())
        self.delete(failing)
        self.assertEqual(([], [], []), self.heat_objects())

    def test_delete_by_another_engine_during_create(self):
        """While one engine's worker pulls (held by a proxy), the stack is deleted
        through the other engine. Whichever worker handles the delete, nothing is left
        once the pull goes through; at least one attempt must show the delete in the
        other process (the casts are spread over both workers)."""
        self.engine = self.docker  # what gated_image removes its tag with
        crossed = []
        for _attempt in range(6):
            proxy, image = gated.gated_image(self)
            name = f"{self.prefix}-{uuid.uuid4().hex[:4]}"
            identity = self.create(template(image, image_pull_policy="always"), name)
            self.assertTrue(proxy.connected.wait(60), "the pull never started")
            creator = self.workers_logging(f'creating DockerContainer "web" Stack "{name}"')
            stack_host = [host for host in self.engines.hosts
                          if host not in self.services_running(creator)]
            self.delete(identity, EngineOn((stack_host or self.engines.hosts)[-1]))
            proxy.gate.set()
            gated.assert_no_late_container(self, image)
            deleter = self.workers_logging(f'deleting DockerContainer "web" Stack "{name}"')
            crossed.append(bool(deleter) and deleter != creator)
            if crossed[-1]:
                break
        self.assertIn(True, crossed, "every delete ran in the creating process")

    def services_running(self, pids):
        """RPC hosts of the engines whose worker has one of ``pids``."""
        hosts = set()
        for host, log in zip(self.engines.hosts, self.engines.logs, strict=True):
            if any(re.search(rf"^\S+ \S+ {pid} ", HeatEngines.read_log(log), re.M)
                   for pid in pids):
                hosts.add(host)
        return hosts
