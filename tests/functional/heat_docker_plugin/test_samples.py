"""The sample templates in samples/heat/ run as a user would run them."""

import os
import time
import urllib.request

from heat.common import template_format
from heat.engine import stack
from heat.tests import utils

from tests.functional.heat_docker_plugin import base
from tests.functional.heat_docker_plugin.test_app import SERVER_OK, free_port

SAMPLES = os.path.join(os.path.dirname(__file__), *[".."] * 3, "samples", "heat")


def sample(name):
    """A sample template (HOT YAML or CFN JSON) as heat-engine parses it."""
    with open(os.path.join(SAMPLES, name)) as handle:
        return template_format.parse(handle.read())


class SampleTestCase(base.HeatDockerTestCase):
    """Runs sample templates with the testbed's images."""

    def images(self):
        return {"server_image": base.image("server"), "client_image": base.image("sleeper")}

    def wait_for(self, read, expected, seconds=20):
        deadline = time.monotonic() + seconds
        while (value := read()) != expected and time.monotonic() < deadline:
            time.sleep(0.5)
        self.assertEqual(expected, value)

    @staticmethod
    def output(stk, name):
        """An output as heat-engine's show_output serves it: stack loaded from the
        database, the output's attributes resolved, then the value."""
        loaded = stack.Stack.load(utils.dummy_context(), stack_id=stk.id)
        loaded._update_all_resource_data(for_resources=False, for_outputs={name})
        return loaded.outputs[name].get_value()


class TestSamples(SampleTestCase):

    def run_app(self, name):
        port = free_port()
        stk = self.stack(sample(name), params={**self.images(), "host_port": port})
        stk.validate()
        stk.create()
        self.assertEqual((stk.CREATE, stk.COMPLETE), stk.state, stk.status_reason)
        url = self.output(stk, "server_url")
        self.assertEqual(f"http://127.0.0.1:{port}/", url)
        with urllib.request.urlopen(url, timeout=5) as answer:
            self.assertEqual(SERVER_OK, answer.read().decode().strip())
        self.wait_for(lambda: self.output(stk, "client_says"), SERVER_OK)
        stk.delete()
        self.assertEqual((stk.DELETE, stk.COMPLETE), stk.state, stk.status_reason)
        self.assertEqual(([], [], []), self.heat_objects())

    def test_app_links(self):
        self.run_app("app_links.yaml")

    def test_app_network(self):
        self.run_app("app_network.yaml")

    def test_oneshot_job(self):
        stk = self.stack(sample("oneshot_job.yaml"), params={"image": base.image("hello")})
        stk.create()
        self.assertEqual((stk.CREATE, stk.COMPLETE), stk.state, stk.status_reason)
        self.assertEqual("hello from testbed", self.output(stk, "output"))
        failing = self.stack(sample("oneshot_job.yaml"),
                             params={"image": base.image("oneshot")})
        failing.create()
        self.assertEqual((failing.CREATE, failing.FAILED), failing.state)
        self.assertIn("testbed-oneshot-failed", failing.status_reason)


class TestHistoricSamples(SampleTestCase):
    """The historic plugin's documentation and test templates, in their value shapes,
    run unchanged (samples/heat/historic/), within the operator's policy."""

    def test_blog(self):
        self.policy(allowed_capabilities=["NET_ADMIN"], allowed_devices=["/dev/null"],
                    default_pids_limit=64, default_cpus=0.5)
        stk = self.stack(sample("historic/blog.json"),
                         params={"image": base.image("sleeper"), "name": f"{self.prefix}-blog"})
        stk.create()
        self.assertEqual((stk.CREATE, stk.COMPLETE), stk.state, stk.status_reason)
        info = self.inspect(stk["Blog"].resource_id)
        host = info["HostConfig"]
        self.assertEqual((f"/{self.prefix}-blog", ["FOO=bar"], 64 * 2**20, 512, "0", True,
                          ["NET_ADMIN"], ["MKNOD"], "on-failure", 10, 64, 50000),
                         (info["Name"], [e for e in info["Config"]["Env"] if "FOO" in e],
                          host["Memory"], host["CpuShares"], host["CpusetCpus"],
                          host["ReadonlyRootfs"], host["CapAdd"], host["CapDrop"],
                          host["RestartPolicy"]["Name"],
                          host["RestartPolicy"]["MaximumRetryCount"], host["PidsLimit"],
                          host["CpuQuota"]))
        self.assertEqual("/dev/xvdc", host["Devices"][0]["PathInContainer"])
        self.assertEqual("---logs_begin---", self.output(stk, "logs_head"))
        self.wait_for(lambda: self.output(stk, "logs_tail"), "---logs_end---")
        self.assertTrue(self.output(stk, "network_ip"))
        stk.delete()
        self.assertEqual((stk.DELETE, stk.COMPLETE), stk.state, stk.status_reason)
        self.assertEqual(([], [], []), self.heat_objects())

    def test_bindings_and_links(self):
        port = free_port()
        stk = self.stack(sample("historic/bindings_and_links.yaml"),
                         params={**self.images(), "host_port": port,
                                 "db_name": f"{self.prefix}-db"})
        stk.create()
        self.assertEqual((stk.CREATE, stk.COMPLETE), stk.state, stk.status_reason)
        self.assertEqual(str(port), self.output(stk, "db_tcp_ports"))
        bindings = self.inspect(stk["db"].resource_id)["HostConfig"]["PortBindings"]
        self.assertEqual({"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(port)}]},
                         bindings)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
            self.assertEqual(SERVER_OK, answer.read().decode().strip())
        self.wait_for(lambda: self.output(stk, "blog_says"), SERVER_OK)
        stk.delete()
        self.assertEqual((stk.DELETE, stk.COMPLETE), stk.state, stk.status_reason)
        self.assertEqual(([], [], []), self.heat_objects())
