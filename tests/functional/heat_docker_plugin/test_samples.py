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
    with open(os.path.join(SAMPLES, name)) as handle:
        return template_format.parse(handle.read())


class TestSamples(base.HeatDockerTestCase):

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
