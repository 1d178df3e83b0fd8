"""The resources under Heat's convergence engine (Heat 27's default), on the real Docker
engine, in-process (see convergence.py): the sample app, check and converge-update from
the engine's live state, a delete cancelling a create's worker. The life cycle (create,
update in place, replace, rollback, suspend/resume, check, delete, a failed create) runs
on real heat-engine processes in test_production.py."""

import contextlib
import threading
import urllib.request

from heat.common import exception
from heat.rpc import api as rpc_api

from tests.functional.heat_docker_plugin import base, convergence, test_app
from tests.functional.heat_docker_plugin.test_delete_during_create import (
    assert_no_late_container,
    gated_image,
)
from tests.functional.heat_docker_plugin.test_samples import sample

MIB = 2**20


class ConvergenceTestCase(base.HeatDockerTestCase):

    def setUp(self):
        super().setUp()
        self.heat = convergence.ConvergenceEngine(self)

    def create(self, template, params=None, **kw):
        """A stack created through the engine service; deleted at cleanup if still there."""
        identity = self.heat.create(self.prefix, template, params, **kw)
        self.addCleanup(self._delete_if_exists, identity)
        return identity

    def _delete_if_exists(self, identity):
        with contextlib.suppress(exception.EntityNotFound):  # deleted by the test
            self.heat.delete(identity)

    def assert_state(self, identity, action, status="COMPLETE"):
        stk = self.heat.load(identity)
        self.assertEqual((action, status), stk.state, stk.status_reason)
        self.assertTrue(stk.convergence)
        return stk

    def assert_deleted_clean(self, identity):
        self.heat.delete(identity)
        self.assert_state(identity, "DELETE")
        self.assertEqual(([], [], []), self.heat_objects())

    def single(self, **props):
        return test_app.single(self.prefix, **props)

    def assert_replaced(self, identity, old):
        """The update completed with a new, running container under the old's name."""
        stk = self.assert_state(identity, "UPDATE")
        new = stk["one"].resource_id
        self.assertNotEqual(old, new)
        info = self.inspect(new)
        self.assertTrue(info["State"]["Running"])
        self.assertEqual(f"/{self.prefix}-one", info["Name"])
        return new


class TestConvergenceApp(ConvergenceTestCase):

    def test_sample_app_creates_serves_checks_and_deletes_clean(self):
        port = test_app.free_port()
        identity = self.create(sample("app_network.yaml"), {
            "server_image": base.image("server"), "client_image": base.image("sleeper"),
            "host_port": port})
        self.assert_state(identity, "CREATE")
        url = self.heat.output(identity, "server_url")
        with urllib.request.urlopen(url, timeout=5) as answer:
            self.assertEqual(test_app.SERVER_OK, answer.read().decode().strip())
        stk = self.heat.load(identity)
        code, out = self.heat_engine.exec_run(stk["client"].resource_id,
                                              ["sh", "-c", 'wget -qO- "$SERVER_URL"'])
        self.assertEqual((0, test_app.SERVER_OK), (code, out.strip()))
        self.heat.run("stack_check", identity)
        self.assert_state(identity, "CHECK")
        self.assert_deleted_clean(identity)


class TestConvergenceReality(ConvergenceTestCase):
    """``stack check`` and ``stack update --converge`` against what the engine really
    has, after changes behind Heat's back."""

    def test_check_fails_on_a_killed_container_and_an_update_replaces_it(self):
        template = self.single()
        identity = self.create(template)
        killed = self.heat.load(identity)["one"].resource_id
        self.heat_engine.kill(killed)
        self.heat.run("stack_check", identity)
        stk = self.assert_state(identity, "CHECK", "FAILED")
        self.assertIn("container status is exited", stk.status_reason)
        self.assertEqual(("CHECK", "FAILED"), stk["one"].state)
        self.heat.update(identity, template)  # same template: CHECK_FAILED replaces
        healed = self.assert_replaced(identity, killed)
        self.assertEqual([healed], self.heat_objects()[0])

    def test_converge_update_puts_drifted_limits_back(self):
        template = self.single(memory=64 * MIB, cpu_shares=512)
        identity = self.create(template)
        cid = self.heat.load(identity)["one"].resource_id
        self.heat_engine.update_container(cid, mem_limit=32 * MIB, memswap_limit=64 * MIB,
                                          cpu_shares=100)
        stk = self.heat.load(identity)
        live = stk["one"].get_live_state(stk["one"].properties)
        self.assertEqual((32 * MIB, 100), (live["memory"], live["cpu_shares"]))
        self.heat.update(identity, template)  # without --converge Heat trusts its DB
        self.assertEqual(32 * MIB, self.inspect(cid)["HostConfig"]["Memory"])
        self.heat.update(identity, template, converge=True)
        stk = self.assert_state(identity, "UPDATE")
        self.assertEqual(cid, stk["one"].resource_id)
        host = self.inspect(cid)["HostConfig"]
        self.assertEqual((64 * MIB, 128 * MIB, 512),
                         (host["Memory"], host["MemorySwap"], host["CpuShares"]))

    def test_converge_update_replaces_a_dead_container_not_a_finished_job(self):
        template = self.single()
        template["resources"]["job"] = {"type": "DockerInc::Docker::Container",
                                        "properties": {"image": base.image("hello")}}
        identity = self.create(template)
        stk = self.heat.load(identity)
        killed, job = stk["one"].resource_id, stk["job"].resource_id
        self.heat_engine.kill(killed)
        self.heat.update(identity, template)  # without --converge Heat trusts its DB
        self.assertEqual(killed, self.heat.load(identity)["one"].resource_id)
        self.heat.update(identity, template, converge=True)
        replaced = self.assert_replaced(identity, killed)
        self.assertEqual(job, self.heat.load(identity)["job"].resource_id)
        self.assertEqual({replaced, job}, set(self.heat_objects()[0]))

    def test_converge_update_recreates_a_removed_container(self):
        template = self.single()
        identity = self.create(template)
        removed = self.heat.load(identity)["one"].resource_id
        self.heat_engine.remove_container(removed, timeout=0)
        self.heat.update(identity, template, converge=True)
        self.assert_replaced(identity, removed)
        self.assert_deleted_clean(identity)


class TestConvergenceDeleteDuringCreate(ConvergenceTestCase):
    """The one place two workers run at once here: a create blocked in a slow pull (a
    worker thread) and ``stack delete`` (the test's thread), which cancels the create's
    worker through heat-engine's thread messages, then deletes."""

    def test_delete_overtaking_a_create_cancels_it_and_leaves_nothing(self):
        proxy, image = gated_image(self)
        identity = self.heat.call(
            "create_stack", self.prefix, self.single(image=image, image_pull_policy="always"),
            {}, {}, {rpc_api.PARAM_DISABLE_ROLLBACK: True})
        self.addCleanup(self._delete_if_exists, identity)
        creating = threading.Thread(target=self.heat.drain)
        creating.start()
        self.addCleanup(creating.join, 60)
        self.assertTrue(proxy.connected.wait(30))  # the engine is pulling
        threading.Timer(8, proxy.gate.set).start()
        self.heat.call("delete_stack", identity)
        creating.join(60)
        self.heat.drain()
        self.assert_state(identity, "DELETE")
        assert_no_late_container(self, image)
