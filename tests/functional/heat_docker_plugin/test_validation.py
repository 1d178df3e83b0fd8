"""Stack validation names the offending property and never contacts an engine: these
stacks point at an endpoint where no engine listens."""

import fixtures
from heat.common import exception

from tests.functional.heat_docker_plugin import base

NOWHERE = "unix:///nonexistent/docker.sock"
ALLOWED_TCP = "tcp://127.0.0.1:2376"


class TestValidation(base.HeatStackTestCase):

    def setUp(self):
        super().setUp()
        self.tls_dir = self.useFixture(fixtures.TempDir()).path
        self.policy(endpoint=NOWHERE, allowed_endpoints=[ALLOWED_TCP], tls_dir=self.tls_dir)

    def validate(self, resource_type="DockerInc::Docker::Container", **props):
        if resource_type.endswith("Container"):
            props.setdefault("image", "127.0.0.1:5050/testbed/sleeper:latest")
        stk = self.stack({"heat_template_version": "2018-08-31",
                          "resources": {"r": {"type": resource_type, "properties": props}}})
        return stk.validate()

    def assert_invalid(self, prop, fragment, **props):
        error = self.assertRaises(exception.StackValidationFailed, self.validate, **props)
        self.assertIn(f"resources.r.properties.{prop}", str(error))
        self.assertIn(fragment, str(error))

    def test_valid_template_validates_without_an_engine(self):
        self.validate(port_specs=["80", "53/udp"],
                      port_bindings={"80/tcp": "127.0.0.1:8080"},
                      env=["A=1"], cap_drop=["MKNOD"], restart_policy={"Name": "always"},
                      healthcheck={"test": ["CMD", "true"], "interval": "1m30s"},
                      volumes={"/data": {}}, mounts=[{"volume": "v", "target": "/v"}],
                      networks=[{"network": "n", "aliases": ["a"]}])

    def test_bad_properties_name_the_property(self):
        cases = [
            ("port_specs", "not a port", {"port_specs": ["http"]}),
            ("port_bindings", "not a port", {"port_bindings": {"80": "127.0.0.1:x"}}),
            ("port_bindings", "not an IP", {"port_bindings": {"80": "localhost:80"}}),
            ("env", "valid variable name", {"env": ["=x"]}),
            ("env", "valid variable name", {"env": ["TWO WORDS"]}),
            ("volumes", "absolute", {"volumes": {"relative/path": {}}}),
            ("cap_drop", "capability", {"cap_drop": ["NOT_A_CAP"]}),
            ("restart_policy", "allowed", {"restart_policy": {"Name": "sometimes"}}),
            ("restart_policy", "on-failure", {"restart_policy": {"Name": "always",
                                                                 "MaximumRetryCount": 3}}),
            ("healthcheck", "duration", {"healthcheck": {"test": ["CMD", "true"],
                                                         "interval": "5x"}}),
            ("memory", "minimum", {"memory": 1024}),
            ("cpu_set", "CPU list", {"cpu_set": "zero"}),
            ("dns", "IP address", {"dns": ["dns.example"]}),
            ("links", "valid name", {"links": {"bad name": "x"}}),
            ("name", "valid name", {"name": "/bad"}),
            ("mounts", "absolute", {"mounts": [{"volume": "v", "target": "rel"}]}),
            ("working_dir", "absolute", {"working_dir": "tmp"}),
            ("labels", "reserved", {"labels": {"org.openstack.docker.owner": "me"}}),
            ("image", "image reference", {"image": "has space"}),
            ("docker_endpoint", "scheme", {"docker_endpoint": "ftp://x:1"}),
            ("tls_ca_cert", "CA", {"docker_endpoint": ALLOWED_TCP,
                                   "tls_client_cert": f"{self.tls_dir}/c.pem",
                                   "tls_client_key": f"{self.tls_dir}/k.pem"}),
            ("tls_ca_cert", "does not exist", {"docker_endpoint": ALLOWED_TCP,
                                               "tls_ca_cert": f"{self.tls_dir}/ca.pem"}),
            # network modes are not networks (a container on 'host' owns the host's stack)
            ("networks", "network mode", {"networks": [{"network": "host"}]}),
            ("networks", "network mode", {"networks": [{"network": "none"}]}),
            ("networks", "network mode", {"networks": [{"network": "container:other"}]}),
        ]
        for prop, fragment, props in cases:
            with self.subTest(prop=prop, props=props):
                self.assert_invalid(prop, fragment, **props)

    def test_network_and_volume_properties(self):
        net = "DockerInc::Docker::Network"
        error = self.assertRaises(exception.StackValidationFailed, self.validate, net,
                                  subnet="10.0.0.0/33")
        self.assertIn("resources.r.properties.subnet", str(error))
        error = self.assertRaises(exception.StackValidationFailed, self.validate, net,
                                  subnet="10.0.0.0/24", gateway="10.0.1.1")
        self.assertIn("resources.r.properties.gateway", str(error))
        error = self.assertRaises(exception.StackValidationFailed, self.validate,
                                  "DockerInc::Docker::Volume", name="bad/name")
        self.assertIn("resources.r.properties.name", str(error))
        for resource_type in (net, "DockerInc::Docker::Volume"):
            error = self.assertRaises(exception.StackValidationFailed, self.validate,
                                      resource_type,
                                      labels={"org.openstack.docker.heat-stack-id": "x"})
            self.assertIn("resources.r.properties.labels", str(error))
            self.assertIn("reserved", str(error))


class TestOperatorPolicy(base.HeatStackTestCase):
    """Privileged mode, host paths, devices and added capabilities are refused by default
    and allowed only as far as heat.conf [docker_plugin] says."""

    def setUp(self):
        super().setUp()
        self.policy(endpoint=NOWHERE)

    validate = TestValidation.validate
    assert_invalid = TestValidation.assert_invalid

    def test_refused_by_default(self):
        self.assert_invalid("privileged", "allow_privileged", privileged=True)
        self.assert_invalid("volumes", "allowed_host_paths", volumes={"/etc": "/host-etc"})
        self.assert_invalid("devices", "allowed_devices",
                            devices=[{"path_on_host": "/dev/null"}])
        self.assert_invalid("cap_add", "allowed_capabilities", cap_add=["NET_ADMIN"])

    def test_allowed_by_the_operator(self):
        self.policy(allow_privileged=True, allowed_host_paths=["/srv/heat-data"],
                    allowed_devices=["/dev/null"], allowed_capabilities=["NET_ADMIN"])
        self.validate(privileged=True, volumes={"/srv/heat-data/app": "/data"},
                      devices=[{"path_on_host": "/dev/null"}], cap_add=["NET_ADMIN"])
        # a prefix is a directory, not a string prefix; other capabilities stay refused
        self.assert_invalid("volumes", "allowed_host_paths",
                            volumes={"/srv/heat-data-evil": "/data"})
        self.assert_invalid("volumes", "allowed_host_paths",
                            volumes={"/srv/heat-data/../../etc": "/data"})
        self.assert_invalid("cap_add", "SYS_ADMIN", cap_add=["SYS_ADMIN"])

    def test_volume_driver_and_options_are_refused_by_default(self):
        volume = "DockerInc::Docker::Volume"
        for prop, fragment, props in [
                ("driver_opts", "allow_volume_driver_opts",
                 {"driver_opts": {"type": "none", "o": "bind", "device": "/"}}),
                ("driver_opts", "type 'nfs'",
                 {"driver_opts": {"type": "nfs", "o": "addr=127.0.0.1", "device": ":/"}}),
                ("driver", "allowed_volume_drivers", {"driver": "rexray"})]:
            with self.subTest(props=props):
                error = self.assertRaises(exception.StackValidationFailed, self.validate,
                                          volume, **props)
                self.assertIn(f"resources.r.properties.{prop}", str(error))
                self.assertIn(fragment, str(error))
        self.validate(volume, driver_opts={"type": "tmpfs", "device": "tmpfs",
                                           "o": "size=16m"})
        self.policy(allowed_host_paths=["/srv/heat-data"])
        self.validate(volume, driver_opts={"type": "none", "o": "bind",
                                           "device": "/srv/heat-data/v"})
        self.policy(allow_volume_driver_opts=True)
        self.validate(volume, driver_opts={"type": "none", "o": "bind", "device": "/"})

    def test_endpoints_and_tls_files_only_where_the_operator_says(self):
        tls_dir = self.useFixture(fixtures.TempDir()).path
        self.policy(allowed_endpoints=[ALLOWED_TCP], tls_dir=tls_dir)
        self.assert_invalid("docker_endpoint", "allowed_endpoints",
                            docker_endpoint="tcp://10.1.2.3:2375")
        # the same answer whether the file exists or not: nothing is revealed
        for path in ("/etc/passwd", "/nonexistent/key.pem"):
            error = self.assertRaises(exception.StackValidationFailed, self.validate,
                                      docker_endpoint=ALLOWED_TCP, tls_ca_cert=path)
            self.assertIn("resources.r.properties.tls_ca_cert: TLS files must be under "
                          "/", str(error))
            self.assertNotIn(path, str(error))

    def test_tls_verification_stays_on_unless_the_operator_allows(self):
        self.policy(allowed_endpoints=[ALLOWED_TCP])
        self.assert_invalid("tls_verify", "allow_insecure_tls", docker_endpoint=ALLOWED_TCP,
                            tls_verify=False)
        self.assert_invalid("tls_verify", "allow_insecure_tls", tls_verify=False)
        self.policy(allow_insecure_tls=True)
        self.validate(docker_endpoint=ALLOWED_TCP, tls_verify=False)
        self.policy(force_tls_verify=True)
        self.assert_invalid("tls_verify", "force_tls_verify", docker_endpoint=ALLOWED_TCP,
                            tls_verify=False)

    def test_published_ports_within_the_operators_addresses_and_range(self):
        self.validate(port_bindings={"80": 8080, "81": None}, port_specs=[80])
        for prop, fragment, props in [
                ("port_bindings", "allowed_host_addresses",
                 {"port_bindings": {"80": "0.0.0.0:8080"}}),
                ("port_bindings", "allowed_host_addresses",
                 {"port_bindings": {"80": {"HostIp": "10.0.0.1", "HostPort": 8080}}}),
                ("port_bindings", "min_host_port", {"port_bindings": {"80": 80}}),
                ("port_specs", "allowed_host_addresses", {"port_specs": ["8080:80"]})]:
            with self.subTest(props=props):
                self.assert_invalid(prop, fragment, **props)
        self.policy(allowed_host_addresses=["0.0.0.0"], min_host_port=80, max_host_port=90)
        self.validate(port_bindings={"80": 80}, port_specs=["0.0.0.0:81:81"])
        self.assert_invalid("port_bindings", "max_host_port", port_bindings={"80": 91})
        self.policy(allowed_host_addresses=[])
        self.assert_invalid("port_bindings", "allowed_host_addresses",
                            port_bindings={"80": 85})

    def test_network_drivers(self):
        net = "DockerInc::Docker::Network"
        self.validate(net)
        error = self.assertRaises(exception.StackValidationFailed, self.validate, net,
                                  driver="overlay")
        self.assertIn("resources.r.properties.driver", str(error))
        self.assertIn("allowed_network_drivers", str(error))
        self.policy(allowed_network_drivers=["bridge", "overlay"])
        self.validate(net, driver="overlay")

    def test_limits_above_the_operators_maxima(self):
        self.policy(max_memory_mb=64, max_cpus=0.5, max_pids_limit=100)
        self.validate(memory=64 * 2**20, cpu_quota=50000, pids_limit=100)
        for prop, fragment, props in [
                ("memory", "max_memory_mb", {"memory": 64 * 2**20 + 1}),
                ("memory_reservation", "max_memory_mb", {"memory_reservation": 2**30}),
                ("cpu_quota", "max_cpus", {"cpu_quota": 50001}),
                ("pids_limit", "max_pids_limit", {"pids_limit": 101})]:
            with self.subTest(props=props):
                self.assert_invalid(prop, fragment, **props)

    def test_claim_volume_names_are_reserved(self):
        error = self.assertRaises(exception.StackValidationFailed, self.validate,
                                  "DockerInc::Docker::Volume", name="heat-claim-x")
        self.assertIn("resources.r.properties.name", str(error))
        self.assertIn("reserved", str(error))
