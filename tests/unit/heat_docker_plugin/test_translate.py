"""Property shapes -> ContainerSpec, and errors that name the property (no engine)."""

import types

import testtools

from heat_docker_plugin import policy
from heat_docker_plugin.resources import container_state
from heat_docker_plugin.translate import PropertyError, container_spec, property_of

IMAGE = "127.0.0.1:5000/testbed/sleeper:latest"


def spec(**props):
    return container_spec({"image": IMAGE, **props})


class TestTranslate(testtools.TestCase):

    def test_historic_volumes_map(self):
        result = spec(volumes={"/anon": {}, "/srv/a": "/a", "/srv/b": {"bind": "/b", "ro": True}})
        self.assertEqual(["/anon"], result.volumes)
        self.assertEqual({"/srv/a": {"bind": "/a", "mode": "rw"},
                          "/srv/b": {"bind": "/b", "mode": "ro"}}, result.binds)

    def test_port_specs_and_bindings(self):
        result = spec(port_specs=["53/udp", "80"],
                      port_bindings={"80/tcp": "127.0.0.1:8080",
                                     "81": [8081, {"HostIp": "127.0.0.1", "HostPort": "9"}]})
        self.assertEqual({"53/udp": [None], "80/tcp": [("127.0.0.1", 8080)],
                          "81/tcp": [("0.0.0.0", 8081), ("127.0.0.1", 9)]}, result.ports)

    def test_devices_mounts_networks_restart(self):
        result = spec(devices=[{"path_on_host": "/dev/fuse"}],
                      mounts=[{"volume": "v", "target": "/v", "read_only": True}],
                      networks=[{"network": "n", "aliases": ["a"]}],
                      restart_policy={"Name": "on-failure", "MaximumRetryCount": 3})
        self.assertEqual(["/dev/fuse:/dev/fuse:rwm"], result.devices)
        self.assertEqual([("v", "/v", True)], result.mounts)
        self.assertEqual(["a"], result.networks[0].aliases)
        self.assertEqual({"Name": "on-failure", "MaximumRetryCount": 3},
                         result.restart_policy)

    def test_errors_name_the_property(self):
        for props, prop in [({"cmd": [{"a": 1}]}, "cmd"), ({"env": ["=X"]}, "env"),
                            ({"cpu_set": "a"}, "cpu_set"),
                            ({"volumes": {"rel": "/x"}}, "volumes"),
                            ({"port_specs": ["x"]}, "port_specs"),
                            ({"port_bindings": {"80": "bad:port"}}, "port_bindings"),
                            ({"healthcheck": {"test": ["true"], "timeout": "1y"}},
                             "healthcheck"),
                            ({"image": None}, "image")]:
            error = self.assertRaises(PropertyError, spec, **props)
            self.assertEqual(prop, error.prop, props)

    def test_property_of(self):
        self.assertEqual("env", property_of("env[3]"))
        self.assertEqual("healthcheck", property_of("healthcheck.interval"))
        self.assertEqual("volumes", property_of("binds"))


class TestPolicy(testtools.TestCase):

    def group(self, **kw):
        values = {"allow_privileged": False, "allowed_host_paths": [],
                  "allowed_devices": [], "allowed_capabilities": [], **kw}
        return types.SimpleNamespace(**values)

    def test_refusals(self):
        for props, prop in [({"privileged": True}, "privileged"),
                            ({"volumes": {"/srv/x": "/x"}}, "volumes"),
                            ({"devices": [{"path_on_host": "/dev/sda"}]}, "devices"),
                            ({"cap_add": ["SYS_ADMIN"]}, "cap_add")]:
            error = self.assertRaises(PropertyError, policy.check, spec(**props),
                                      self.group())
            self.assertEqual(prop, error.prop)

    def test_allowances(self):
        group = self.group(allow_privileged=True, allowed_host_paths=["/srv/"],
                           allowed_devices=["/dev/fuse"], allowed_capabilities=["all"])
        policy.check(spec(privileged=True, volumes={"/srv/x": "/x"}, cap_add=["SYS_ADMIN"],
                          devices=[{"path_on_host": "/dev/fuse"}]), group)
        self.assertRaises(PropertyError, policy.check, spec(volumes={"/srvx": "/x"}), group)


class TestCreateOutcome(testtools.TestCase):

    def outcome(self, settled=True, restarts=0, **state):
        return container_state.create_outcome({"State": state, "RestartCount": restarts},
                                              settled)

    def test_outcomes(self):
        ready, pending, failed = (container_state.READY, container_state.PENDING,
                                  container_state.FAILED)
        self.assertEqual((ready, None), self.outcome(Running=True))
        self.assertEqual(pending, self.outcome(Running=True,
                                               Health={"Status": "starting"})[0])
        self.assertEqual(failed, self.outcome(Running=True,
                                              Health={"Status": "unhealthy"})[0])
        self.assertEqual((ready, None), self.outcome(Status="exited", ExitCode=0))
        self.assertEqual((failed, "exited with code 3"),
                         self.outcome(Status="exited", ExitCode=3))
        self.assertEqual(failed, self.outcome(Restarting=True, ExitCode=1, restarts=1)[0])
        self.assertEqual(pending, self.outcome(Status="created")[0])

    def test_a_crash_loop_fails_whenever_it_is_seen(self):
        """Between restarts the engine shows running, exit code 0: still a failure."""
        for state in ({"Running": True, "Restarting": True, "ExitCode": 3},
                      {"Running": True, "ExitCode": 0}):
            outcome, reason = self.outcome(restarts=2, **state)
            self.assertEqual(container_state.FAILED, outcome)
            self.assertIn("restarted 2 time(s)", reason)

    def test_running_is_ready_only_once_settled_or_healthy(self):
        self.assertEqual(container_state.PENDING, self.outcome(False, Running=True)[0])
        self.assertEqual(container_state.READY,
                         self.outcome(False, Running=True, Health={"Status": "healthy"})[0])
        self.assertEqual(container_state.READY,
                         self.outcome(False, Status="exited", ExitCode=0)[0])

    def test_check_ignores_past_restarts(self):
        info = {"State": {"Running": True}, "RestartCount": 5}
        self.assertEqual(container_state.READY, container_state.state_outcome(info)[0])

    def test_ports_and_live_properties(self):
        info = {"Name": "/c", "NetworkSettings": {"Ports": {
                    "80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}],
                    "53/udp": [{"HostPort": "5353"}], "9/tcp": None}},
                "HostConfig": {"Memory": 0, "CpuShares": 512,
                               "RestartPolicy": {"Name": "", "MaximumRetryCount": 0}}}
        self.assertEqual(("8080", "5353"), container_state.published_ports(info))
        live = container_state.live_properties(info)
        self.assertEqual((None, 512, "c", {"Name": "no", "MaximumRetryCount": 0}),
                         (live["memory"], live["cpu_shares"], live["name"],
                          live["restart_policy"]))
