"""A server and a client, through the real Heat engine: links or a Network, a shared
Volume, env, a published port; then update, replace, suspend/resume, check, delete."""

import socket
import time
import urllib.request

from heat.engine import stack
from heat.tests import utils

from tests.functional.heat_docker_plugin import base

SERVER_OK = "testbed-server-ok"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app(prefix, port, use_network, client_extra=None):
    """The sample app: server (httpd :8080) and a client that reaches it as 'server'."""
    server = {"name": f"{prefix}-server", "image": base.image("server"),
              "port_bindings": {"8080/tcp": f"127.0.0.1:{port}"},
              "env": ["ROLE=server"], "stop_timeout": 0,
              "mounts": [{"volume": {"get_resource": "data"}, "target": "/data"}]}
    client = {"name": f"{prefix}-client", "image": base.image("sleeper"),
              "env": ["SERVER_URL=http://server:8080/"], "stop_timeout": 0,
              "mounts": [{"volume": {"get_resource": "data"}, "target": "/data",
                          "read_only": True}], **(client_extra or {})}
    resources = {"data": {"type": "DockerInc::Docker::Volume",
                          "properties": {"labels": {"app": prefix}}},
                 "server": {"type": "DockerInc::Docker::Container", "properties": server},
                 "client": {"type": "DockerInc::Docker::Container", "properties": client}}
    if use_network:
        resources["net"] = {"type": "DockerInc::Docker::Network",
                            "properties": {"labels": {"app": prefix}}}
        server["networks"] = [{"network": {"get_resource": "net"}, "aliases": ["server"]}]
        client.setdefault("networks", [{"network": {"get_resource": "net"}}])
    else:
        client["links"] = {f"{prefix}-server": "server"}
        resources["client"]["depends_on"] = ["server"]
    return {"heat_template_version": "2018-08-31", "resources": resources,
            "outputs": {"port": {"value": {"get_attr": ["server", "network_tcp_ports"]}}}}


class AppTestCase(base.HeatDockerTestCase):

    def assert_app_works(self, stk, port):
        client_id, server_id = stk["client"].resource_id, stk["server"].resource_id
        code, out = self.heat_engine.exec_run(client_id,
                                              ["sh", "-c", 'wget -qO- "$SERVER_URL"'])
        self.assertEqual((0, SERVER_OK), (code, out.strip()))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
            self.assertEqual(SERVER_OK, answer.read().decode().strip())
        code, out = self.heat_engine.exec_run(server_id, ["sh", "-c", "echo shared > /data/x"])
        self.assertEqual(0, code, out)
        self.assertEqual((0, "shared"), tuple(
            v.strip() if isinstance(v, str) else v
            for v in self.heat_engine.exec_run(client_id, ["cat", "/data/x"])))
        self.assertEqual(str(port), stk["server"].FnGetAtt("network_tcp_ports"))

    def delete_and_assert_clean(self, stk):
        stk.delete()
        self.assertEqual((stk.DELETE, stk.COMPLETE), stk.state, stk.status_reason)
        self.assertEqual(([], [], []), self.heat_objects())


class TestLinkedApp(AppTestCase):

    def test_linked_app_works_and_deletes_clean(self):
        port = free_port()
        stk = self.create(app(self.prefix, port, use_network=False))
        self.assert_app_works(stk, port)
        self.delete_and_assert_clean(stk)


class TestNetworkApp(AppTestCase):

    def test_network_app_works_and_deletes_clean(self):
        port = free_port()
        stk = self.create(app(self.prefix, port, use_network=True))
        self.assert_app_works(stk, port)
        addresses = stk["client"].FnGetAtt("addresses")
        net_name = stk["net"].FnGetAtt("name")
        self.assertIn(net_name, addresses)
        self.assertEqual(stk["net"].resource_id, addresses[net_name]["network_id"])
        self.assertIn("server", stk["server"].FnGetAtt("addresses")[net_name]["aliases"])
        self.delete_and_assert_clean(stk)


def single(prefix, **props):
    """A stack of one sleeper container, resource ``one``, named PREFIX-one."""
    props = {"name": f"{prefix}-one", "image": base.image("sleeper"), "stop_timeout": 0,
             **props}
    return {"heat_template_version": "2018-08-31",
            "resources": {"one": {"type": "DockerInc::Docker::Container",
                                  "properties": props}}}


def update(stk, new_template):
    """Update, then reload the stack as heat-engine would for the next request."""
    utils.update_stack(stk, new_template)
    return stack.Stack.load(utils.dummy_context(), stack_id=stk.id)


class TestLifecycle(AppTestCase):

    def single(self, **props):
        return single(self.prefix, **props)

    def test_update_in_place_keeps_the_container(self):
        stk = self.create(self.single(memory=64 * 2**20, cpu_shares=256))
        before = stk["one"].resource_id
        stk = update(stk, self.single(name=f"{self.prefix}-renamed", memory=128 * 2**20,
                                cpu_shares=512, cpu_quota=20000, cpu_set="0",
                                memory_reservation=32 * 2**20,
                                restart_policy={"Name": "always"}))
        self.assertEqual((stk.UPDATE, stk.COMPLETE), stk.state, stk.status_reason)
        self.assertEqual(before, stk["one"].resource_id)
        info = self.inspect(before)
        host = info["HostConfig"]
        self.assertEqual(f"/{self.prefix}-renamed", info["Name"])
        self.assertEqual((128 * 2**20, 512, 20000, "0", 32 * 2**20, "always"),
                         (host["Memory"], host["CpuShares"], host["CpuQuota"],
                          host["CpusetCpus"], host["MemoryReservation"],
                          host["RestartPolicy"]["Name"]))
        self.assertTrue(info["State"]["Running"])
        # live state: what the engine really has, even when changed behind Heat's back
        self.heat_engine.update_container(before, cpu_shares=300)
        live = stk["one"].get_live_state(stk["one"].properties)
        self.assertEqual(300, live["cpu_shares"])
        self.assertEqual(128 * 2**20, live["memory"])

    def test_replacement_takes_the_name_and_removes_the_old(self):
        stk = self.create(self.single(env=["V=1"]))
        old = stk["one"].resource_id
        stk = update(stk, self.single(env=["V=2"]))
        self.assertEqual((stk.UPDATE, stk.COMPLETE), stk.state, stk.status_reason)
        new = stk["one"].resource_id
        self.assertNotEqual(old, new)
        info = self.inspect(new)
        self.assertEqual(f"/{self.prefix}-one", info["Name"])
        self.assertIn("V=2", info["Config"]["Env"])
        self.assertEqual([new], self.heat_objects()[0])

    def test_networks_attach_and_detach_in_place(self):
        def tmpl(*nets):
            t = self.single(networks=[{"network": {"get_resource": n}, "aliases": [n]}
                                      for n in nets])
            for n in ("net1", "net2"):
                t["resources"][n] = {"type": "DockerInc::Docker::Network"}
            return t

        stk = self.create(tmpl("net1"))
        cid = stk["one"].resource_id
        ids = {n: stk[n].resource_id for n in ("net1", "net2")}
        stk = update(stk, tmpl("net1", "net2"))
        self.assertEqual((stk.UPDATE, stk.COMPLETE), stk.state, stk.status_reason)
        self.assertEqual(cid, stk["one"].resource_id)
        nets = self.inspect(cid)["NetworkSettings"]["Networks"]
        self.assertEqual(set(ids.values()), {n["NetworkID"] for n in nets.values()})
        stk = update(stk, tmpl("net2"))
        self.assertEqual((stk.UPDATE, stk.COMPLETE), stk.state, stk.status_reason)
        self.assertEqual(cid, stk["one"].resource_id)
        nets = self.inspect(cid)["NetworkSettings"]["Networks"]
        self.assertEqual({ids["net2"]}, {n["NetworkID"] for n in nets.values()})

    def test_suspend_resume_and_check(self):
        stk = self.create(self.single())
        cid = stk["one"].resource_id
        stk.suspend()
        self.assertEqual((stk.SUSPEND, stk.COMPLETE), stk.state, stk.status_reason)
        self.assertTrue(self.inspect(cid)["State"]["Paused"])
        stk.resume()
        self.assertEqual((stk.RESUME, stk.COMPLETE), stk.state, stk.status_reason)
        self.assertFalse(self.inspect(cid)["State"]["Paused"])
        stk.check()
        self.assertEqual((stk.CHECK, stk.COMPLETE), stk.state, stk.status_reason)
        self.heat_engine.kill(cid)  # behind Heat's back
        stk.check()
        self.assertEqual((stk.CHECK, stk.FAILED), stk.state)
        self.assertIn("status", stk["one"].status_reason)

    def test_delete_of_stopped_or_vanished_container_succeeds(self):
        stk = self.create(self.single())
        self.heat_engine.kill(stk["one"].resource_id)
        stk.delete()
        self.assertEqual((stk.DELETE, stk.COMPLETE), stk.state, stk.status_reason)
        stk2 = self.create(self.single(name=f"{self.prefix}-two"), name=self.prefix + "b")
        self.heat_engine.remove_container(stk2["one"].resource_id, timeout=0)
        stk2.delete()
        self.assertEqual((stk2.DELETE, stk2.COMPLETE), stk2.state, stk2.status_reason)


class TestExits(base.HeatDockerTestCase):

    def one(self, image, **props):
        return {"heat_template_version": "2018-08-31",
                "resources": {"job": {"type": "DockerInc::Docker::Container",
                                      "properties": {"image": base.image(image), **props}}}}

    def test_failing_container_fails_at_once_with_its_logs_and_leaves_nothing(self):
        stk = self.stack(self.one("oneshot"), timeout_mins=10)
        started = time.monotonic()
        stk.create()
        self.assertLess(time.monotonic() - started, 30)
        self.assertEqual((stk.CREATE, stk.FAILED), stk.state)
        self.assertIn("exited with code 3", stk.status_reason)
        self.assertIn("testbed-oneshot-failed", stk.status_reason)
        self.assertEqual(([], [], []), self.heat_objects())
        stk.delete()
        self.assertEqual((stk.DELETE, stk.COMPLETE), stk.state, stk.status_reason)

    def test_crash_loop_with_restart_policy_fails_at_once(self):
        stk = self.stack(self.one("oneshot", restart_policy={"Name": "always"}))
        stk.create()
        self.assertEqual((stk.CREATE, stk.FAILED), stk.state)
        self.assertIn("testbed-oneshot-failed", stk.status_reason)
        self.assertEqual(([], [], []), self.heat_objects())

    def test_container_exiting_zero_completes(self):
        stk = self.create(self.one("hello"))
        self.assertEqual("hello from testbed", stk["job"].FnGetAtt("logs_tail"))
        self.assertEqual("hello from testbed", stk["job"].FnGetAtt("logs_head"))
        stk.check()
        self.assertEqual((stk.CHECK, stk.COMPLETE), stk.state, stk.status_reason)

    def test_missing_image_fails_and_leaves_nothing(self):
        template = self.one("hello")
        template["resources"]["job"]["properties"]["image"] = \
            base.image("hello").replace("hello", "no-such-image")
        stk = self.stack(template)
        stk.create()
        self.assertEqual((stk.CREATE, stk.FAILED), stk.state)
        self.assertIn("no-such-image", stk.status_reason)
        self.assertEqual(([], [], []), self.heat_objects())

