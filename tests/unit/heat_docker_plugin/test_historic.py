"""Every value shape the historic contrib plugin's schemas accepted, property by
property: through Heat's own property schema (as a template's values go) and then the
translation, each pinned to what the engine receives. No engine."""

import types

import testtools
from heat.engine import properties

from heat_docker_plugin.errors import PropertyError
from heat_docker_plugin.resources import container_schema as S
from heat_docker_plugin.translate import container_spec

IMAGE = "127.0.0.1:5000/testbed/sleeper:latest"

#: heat.conf [docker_plugin] defaults, as far as translation reads them.
DEFAULTS = {"allowed_host_addresses": ["127.0.0.1"], "min_host_port": 1024,
            "max_host_port": 65535, "default_memory_mb": 0, "max_memory_mb": 0,
            "default_cpus": 0, "max_cpus": 0, "default_pids_limit": 0, "max_pids_limit": 0}


def spec(**values):
    """The spec of a template's property values, as heat-engine builds it."""
    props = properties.Properties(S.properties_schema, {"image": IMAGE, **values})
    props.validate()
    return container_spec({key: props[key] for key in props},
                          types.SimpleNamespace(**DEFAULTS))


class TestHistoricShapes(testtools.TestCase):

    def test_port_specs(self):
        """LIST without item schema: numbers, strings, PORT/PROTO, [PORT, PROTO]."""
        self.assertEqual({"80/tcp": [None]}, spec(port_specs=[80]).ports)
        self.assertEqual({"80/tcp": [None], "53/udp": [None], "9/udp": [None]},
                         spec(port_specs=["80", "53/udp", [9, "udp"]]).ports)

    def test_port_bindings(self):
        """MAP without value schema; docker-py's binding shapes; number keys. A binding
        naming no address goes to the operator's first allowed address."""
        local = "127.0.0.1"
        for value, expected in [
                ({"80/tcp": [{"HostPort": "8080"}]}, {"80/tcp": [(local, 8080)]}),
                ({80: 8080}, {"80/tcp": [(local, 8080)]}),
                ({"80": "8080"}, {"80/tcp": [(local, 8080)]}),
                ({"80": "127.0.0.1:8080"}, {"80/tcp": [(local, 8080)]}),
                ({"80": None}, {"80/tcp": [(local,)]}),
                ({"80": ""}, {"80/tcp": [(local,)]}),
                ({"80": {"HostIp": local}}, {"80/tcp": [(local,)]}),
                ({"53/udp": [5353, {"HostIp": local, "HostPort": 5354}]},
                 {"53/udp": [(local, 5353), (local, 5354)]})]:
            self.assertEqual(expected, spec(port_bindings=value).ports, value)

    def test_links(self):
        self.assertEqual({"db": "mysql"}, spec(links={"db": "mysql"}).links)
        self.assertEqual({"db": "db"}, spec(links={"db": None}).links)
        self.assertEqual({"db": "db"}, spec(links={"db": ""}).links)

    def test_env(self):
        self.assertEqual({"FOO": "bar", "N": "1"}, spec(env=["FOO=bar", "N=1"]).env)
        self.assertEqual({"A": "x=y"}, spec(env=["A=x=y"]).env)
        # A bare name drops the variable from the image's environment: docker-py sends
        # a None value as the bare name, as the historic plugin sent the entry.
        self.assertEqual({"N": "1", "PATH": None}, spec(env=["PATH", "N=1"]).env)

    def test_cmd(self):
        self.assertEqual(["sleep", "10"], spec(cmd=["sleep", 10]).command)
        self.assertEqual(["echo", "1.5", "true"], spec(cmd=["echo", 1.5, True]).command)
        self.assertIsNone(spec(cmd=[]).command)

    def test_dns(self):
        self.assertEqual(["8.8.8.8", "::1"], spec(dns=["8.8.8.8", "::1"]).dns)

    def test_volumes(self):
        result = spec(volumes={"/data": {}, "/cache": None})
        self.assertEqual(["/data", "/cache"], result.volumes)

    def test_volumes_from(self):
        """Unset (the historic default ''), or empty items: nothing."""
        self.assertEqual([], spec().volumes_from)
        self.assertEqual(["a"], spec(volumes_from=["a", ""]).volumes_from)

    def test_restart_policy(self):
        for name in ("no", "on-failure", "always"):
            self.assertEqual({"Name": name, "MaximumRetryCount": 0},
                             spec(restart_policy={"Name": name,
                                                  "MaximumRetryCount": 0}).restart_policy)
        self.assertEqual({"Name": "on-failure", "MaximumRetryCount": 10},
                         spec(restart_policy={"Name": "on-failure",
                                              "MaximumRetryCount": "10"}).restart_policy)

    def test_cap_add_and_cap_drop(self):
        result = spec(cap_add=["NET_ADMIN"], cap_drop=["MKNOD", "ALL"])
        self.assertEqual((["NET_ADMIN"], ["MKNOD", "ALL"]), (result.cap_add, result.cap_drop))

    def test_devices(self):
        result = spec(devices=[{"path_on_host": "/dev/sda", "path_in_container": "/dev/xvdc",
                                "permissions": "r"},
                               {"path_on_host": "/dev/mapper/a_bc-d"}])
        self.assertEqual(["/dev/sda:/dev/xvdc:r",
                          "/dev/mapper/a_bc-d:/dev/mapper/a_bc-d:rwm"], result.devices)

    def test_scalars(self):
        """memory, cpu_shares (INTEGER: numbers or numeric strings), cpu_set, hostname,
        user, name and the booleans keep their historic meaning."""
        result = spec(memory="67108864", cpu_shares=512, cpu_set="0-8,16-24,28",
                      hostname="blog", user="nobody", name="super-blog", tty="true",
                      open_stdin=True, stdin_once=False, read_only="true")
        self.assertEqual((67108864, 512, "0-8,16-24,28", "blog", "nobody", True, True,
                          False, True),
                         (result.memory, result.cpu_shares, result.cpuset_cpus,
                          result.hostname, result.user, result.tty, result.stdin_open,
                          result.stdin_once, result.read_only))
        self.assertIsNone(spec(memory=0, cpu_shares=0).memory)

    def test_shapes_that_never_meant_anything_name_the_property(self):
        for values, prop in [({"cmd": [{"a": 1}]}, "cmd"), ({"port_specs": [[1, 2, 3]]},
                                                           "port_specs"),
                             ({"port_bindings": {"80": {"Port": 1}}}, "port_bindings"),
                             ({"links": {"db": ["x"]}}, "links"),
                             ({"dns": [[1]]}, "dns"), ({"env": [{"A": 1}]}, "env")]:
            error = self.assertRaises(PropertyError, spec, **values)
            self.assertEqual(prop, error.prop, values)


class TestLimitsAndPorts(testtools.TestCase):
    """The operator's limits fill what a template leaves unset; ports land on the
    operator's address."""

    def test_defaults_apply_only_where_the_template_sets_none(self):
        group = types.SimpleNamespace(**{**DEFAULTS, "default_memory_mb": 64,
                                         "default_cpus": 0.5, "default_pids_limit": 50})
        props = {"image": IMAGE}
        result = container_spec(props, group)
        self.assertEqual((64 * 2**20, 50000, 50),
                         (result.memory, result.cpu_quota, result.pids_limit))
        result = container_spec({**props, "memory": 2**27, "cpu_quota": 20000,
                                 "pids_limit": 7}, group)
        self.assertEqual((2**27, 20000, 7),
                         (result.memory, result.cpu_quota, result.pids_limit))

    def test_maxima_name_the_property_and_the_option(self):
        group = types.SimpleNamespace(**{**DEFAULTS, "max_memory_mb": 64, "max_cpus": 1,
                                         "max_pids_limit": 10})
        for prop, value, option in [("memory", 2**30, "max_memory_mb"),
                                    ("cpu_quota", 100001, "max_cpus"),
                                    ("pids_limit", 11, "max_pids_limit")]:
            error = self.assertRaises(PropertyError, container_spec,
                                      {"image": IMAGE, prop: value}, group)
            self.assertEqual(prop, error.prop)
            self.assertIn(option, error.message)

    def test_without_an_allowed_address_nothing_is_published(self):
        group = types.SimpleNamespace(**{**DEFAULTS, "allowed_host_addresses": []})
        error = self.assertRaises(PropertyError, container_spec,
                                  {"image": IMAGE, "port_bindings": {80: 8080}}, group)
        self.assertIn("0.0.0.0", error.message)
        self.assertEqual({"80/tcp": [None]},
                         container_spec({"image": IMAGE, "port_specs": [80]}, group).ports)
