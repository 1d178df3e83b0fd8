"""Operator policy on the template's text: volumes, endpoints, TLS files, pulls; and the
bookkeeping behind it (engine cache, background jobs). No engine."""

import threading
import types

import fixtures
import testtools
from oslo_config import cfg
from oslo_config import fixture as config_fixture

from heat_docker_plugin import background, connection, images, policy
from heat_docker_plugin.errors import PropertyError
from openstack_docker.endpoint import parse_endpoint


def group(**kw):
    values = {"allowed_volume_drivers": ["local"], "allow_volume_driver_opts": False,
              "allowed_host_paths": [], **kw}
    return types.SimpleNamespace(**values)


class TestVolumePolicy(testtools.TestCase):

    def refused(self, driver, options, prop="driver_opts", **kw):
        error = self.assertRaises(PropertyError, policy.check_volume, driver, options,
                                  group(**kw))
        self.assertEqual(prop, error.prop)
        return error

    def test_host_root_bind_nfs_and_other_drivers_are_refused(self):
        self.refused("local", {"type": "none", "o": "bind", "device": "/"})
        self.refused("local", {"type": "nfs", "o": "addr=10.0.0.1", "device": ":/export"})
        self.refused("local", {"type": "tmpfs", "device": "tmpfs", "o": "bind"})
        self.refused("local", {"type": "tmpfs", "device": "/"})
        self.refused("local", {"type": "none", "o": "rbind", "device": "/srv/ok"},
                     allowed_host_paths=["/srv/ok"])
        self.refused("local", {"type": "none", "o": "bind", "device": "/srv/ok/../x"},
                     allowed_host_paths=["/srv/ok"])
        self.refused("other", {}, prop="driver")
        self.refused("other", {"x": "y"}, allowed_volume_drivers=["other"])

    def test_harmless_options_and_operator_allowances_pass(self):
        policy.check_volume("local", {}, group())
        policy.check_volume("local", {"type": "tmpfs", "device": "tmpfs",
                                      "o": "size=64m,uid=1000"}, group())
        policy.check_volume("local", {"type": "none", "o": "bind,ro",
                                      "device": "/srv/ok/app"},
                            group(allowed_host_paths=["/srv/ok"]))
        policy.check_volume("local", {"type": "nfs"}, group(allow_volume_driver_opts=True))

    def test_host_paths_with_dot_dot_are_refused_even_inside(self):
        self.assertFalse(policy.under("/srv/ok/a/../b", ["/srv/ok"]))
        self.assertFalse(policy.under("srv/ok", ["srv/ok"]))
        self.assertTrue(policy.under("/srv/ok/a/./b", ["/srv/ok/"]))


class TestPullPolicy(testtools.TestCase):

    def test_credentials_make_always_the_default(self):
        self.assertEqual("always", images.pull_policy(None, "user", False))
        self.assertEqual("ifnotpresent", images.pull_policy(None, None, False))
        self.assertEqual("never", images.pull_policy("never", None, False))
        self.assertEqual("always", images.pull_policy("never", None, True))


class TestEndpointPolicy(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = self.useFixture(config_fixture.Config(cfg.CONF))
        connection.options()
        self.tls_dir = self.useFixture(fixtures.TempDir()).path
        self.set(endpoint="unix:///run/default.sock")

    def set(self, **kw):
        self.conf.config(group="docker_plugin", **kw)

    def refused(self, prop, **props):
        error = self.assertRaises(PropertyError, connection.endpoint, props)
        self.assertEqual(prop, error.prop)
        return error

    def test_only_the_default_and_allowed_endpoints(self):
        self.refused("docker_endpoint", docker_endpoint="tcp://169.254.169.254:80")
        self.set(allowed_endpoints=["tcp://127.0.0.1:2375"])
        self.assertEqual("tcp://127.0.0.1:2375",
                         connection.endpoint({"docker_endpoint": "http://127.0.0.1:2375"}).url)
        self.assertEqual("unix:///run/default.sock", connection.endpoint(
            {"docker_endpoint": "unix:///run/default.sock"}).url)

    def test_tls_files_only_under_tls_dir_and_existence_is_not_revealed(self):
        self.set(allowed_endpoints=["tcp://127.0.0.1:2376"])
        common = {"docker_endpoint": "tcp://127.0.0.1:2376"}
        unset = self.refused("tls_ca_cert", tls_ca_cert="/etc/passwd", **common)
        self.assertIn("tls_dir", unset.message)
        self.set(tls_dir=self.tls_dir)
        messages = {self.refused("tls_ca_cert", tls_ca_cert=path, **common).message
                    for path in ("/etc/passwd", "/nonexistent/ca.pem",
                                 f"{self.tls_dir}/../etc/passwd")}
        self.assertEqual(1, len(messages), messages)
        inside = self.refused("tls_ca_cert", tls_ca_cert=f"{self.tls_dir}/missing.pem",
                              **common)
        self.assertIn("does not exist", inside.message)

    def test_the_default_endpoint_keeps_its_configured_tls(self):
        self.set(endpoint="tcp://127.0.0.1:2376", tls_verify=False, ca_cert=None)
        self.set(client_cert=None, client_key=None)
        chosen = connection.endpoint({"docker_endpoint": "tcp://127.0.0.1:2376"})
        self.assertEqual(connection.endpoint({}), chosen)


class TestEngineCache(testtools.TestCase):

    def test_evicted_engines_are_closed(self):
        closed = []
        self.patch(connection, "MAX_ENGINES", 2)
        self.patch(connection, "_engines", type(connection._engines)())
        first = connection.engine_for(parse_endpoint("unix:///run/a.sock"))
        self.patch(first, "close", lambda: closed.append("a"))
        self.assertIs(first, connection.engine_for(parse_endpoint("unix:///run/a.sock")))
        connection.engine_for(parse_endpoint("unix:///run/b.sock"))
        connection.engine_for(parse_endpoint("unix:///run/a.sock"))  # a is now recent
        connection.engine_for(parse_endpoint("unix:///run/c.sock"))  # evicts b
        self.assertEqual([], closed)
        connection.engine_for(parse_endpoint("unix:///run/d.sock"))  # evicts a
        self.assertEqual(["a"], closed)


class TestBackgroundJobs(testtools.TestCase):

    def test_abandon_reaches_a_running_job_and_forgets_it_when_done(self):
        running, release = threading.Event(), threading.Event()

        def job(abandoned):
            running.set()
            release.wait(10)
            return "abandoned" if abandoned.is_set() else "done"

        future = background.start("k1", job)
        running.wait(10)
        self.assertIs(future, background.abandon("k1"))
        release.set()
        self.assertEqual("abandoned", future.result(10))
        self.assertIsNone(background.abandon("k1"))
        self.assertIsNone(background.abandon("never-started"))


class TestTLSNetworkAndPortPolicy(testtools.TestCase):
    """Refusals name the property and the option that would allow it."""

    def refused(self, prop, option, call, *args):
        error = self.assertRaises(PropertyError, call, *args)
        self.assertEqual(prop, error.prop)
        self.assertIn(option, error.message)

    def test_tls_verification(self):
        strict = group(allow_insecure_tls=False, force_tls_verify=False)
        self.assertTrue(policy.tls_verify(None, strict))
        self.refused("tls_verify", "allow_insecure_tls", policy.tls_verify, False, strict)
        relaxed = group(allow_insecure_tls=True, force_tls_verify=False)
        self.assertFalse(policy.tls_verify(False, relaxed))
        forced = group(allow_insecure_tls=True, force_tls_verify=True)
        self.refused("tls_verify", "force_tls_verify", policy.tls_verify, False, forced)

    def test_network_drivers(self):
        policy.check_network_driver("bridge", group(allowed_network_drivers=["bridge"]))
        self.refused("driver", "allowed_network_drivers", policy.check_network_driver,
                     "overlay", group(allowed_network_drivers=["bridge"]))

    def test_published_ports(self):
        ports = group(allowed_host_addresses=["127.0.0.1", "::1"], min_host_port=1024,
                      max_host_port=65535)
        policy.check_ports("port_bindings", {"80/tcp": [None, ("127.0.0.1", 8080),
                                                        ("0:0::1",), ("::1", 2000)]},
                           ports)
        self.refused("port_bindings", "allowed_host_addresses", policy.check_ports,
                     "port_bindings", {"80/tcp": [8080]}, ports)
        self.refused("port_specs", "min_host_port", policy.check_ports, "port_specs",
                     {"80/tcp": [("127.0.0.1", 80)]}, ports)
        self.assertEqual("127.0.0.1", policy.default_host_address(ports))
        self.assertEqual("0.0.0.0", policy.default_host_address(
            group(allowed_host_addresses=[" "])))
