"""docker_endpoint tcp:// with TLS, verified by default, on an extra testbed engine the
operator allows (allowed_endpoints, tls_dir)."""

import os
import subprocess

from heat.common import exception

from openstack_docker import labels
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from tests.common import testbed
from tests.functional.heat_docker_plugin import base

TESTBED = os.path.join(os.path.dirname(__file__), *[".."] * 3, "tools", "testbed")
ENGINE = "heattls"


class TestTLSEndpoint(base.HeatDockerTestCase):

    def setUp(self):
        super().setUp()
        subprocess.run([TESTBED, "engine", "add", ENGINE, "--tls"], check=True,
                       capture_output=True, timeout=300)
        self.addCleanup(subprocess.run, [TESTBED, "engine", "rm", ENGINE],
                        capture_output=True, timeout=120)
        testbed.state.cache_clear()
        self.remote = testbed.extra_engine(ENGINE)
        # The operator lets templates use this engine, with TLS files from its directory.
        self.policy(allowed_endpoints=[self.remote["url"]],
                    tls_dir=os.path.dirname(self.remote["tls"]["ca"]))

    def template(self, **endpoint):
        return {"heat_template_version": "2018-08-31", "resources": {"c": {
            "type": "DockerInc::Docker::Container",
            "properties": {"image": base.image("sleeper"), "stop_timeout": 0,
                           "docker_endpoint": self.remote["url"], **endpoint}}}}

    def test_container_on_a_tls_engine(self):
        tls = self.remote["tls"]
        stk = self.create(self.template(tls_ca_cert=tls["ca"], tls_client_cert=tls["cert"],
                                        tls_client_key=tls["key"]))
        remote = Engine(parse_endpoint(self.remote["url"], ca_cert=tls["ca"],
                                       client_cert=tls["cert"], client_key=tls["key"]),
                        owner=labels.HEAT)
        self.addCleanup(remote.close)
        info = remote.inspect_container(stk["c"].resource_id)
        self.assertTrue(info["State"]["Running"])
        self.assertEqual("heat", info["Config"]["Labels"]["org.openstack.docker.owner"])
        # the local engine has no such container
        self.assertEqual(([], [], []), self.heat_objects())
        stk.delete()
        self.assertEqual((stk.DELETE, stk.COMPLETE), stk.state, stk.status_reason)
        self.assertEqual([], remote.list_containers())

    def test_engine_refuses_a_client_without_certificate(self):
        stk = self.stack(self.template(tls_ca_cert=self.remote["tls"]["ca"]))
        stk.validate()
        stk.create()
        self.assertEqual((stk.CREATE, stk.FAILED), stk.state)
        self.assertIn("unreachable", stk.status_reason.lower())

    def test_plain_tcp_to_a_tls_engine_fails(self):
        stk = self.stack(self.template())
        stk.create()
        self.assertEqual((stk.CREATE, stk.FAILED), stk.state)

    def test_not_allowed_without_the_operator(self):
        self.policy(allowed_endpoints=[])
        stk = self.stack(self.template())
        error = self.assertRaises(exception.StackValidationFailed, stk.validate)
        self.assertIn("resources.c.properties.docker_endpoint", str(error))
        self.assertIn("allowed_endpoints", str(error))
