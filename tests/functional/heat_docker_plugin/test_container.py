"""DockerInc::Docker::Container through the real Heat engine on the real Docker engine."""

import tempfile

from tests.functional.heat_docker_plugin import base

MiB = 1024 * 1024


class TestEveryProperty(base.HeatDockerTestCase):
    """Each historic property (and the additions) reaches the container."""

    def template(self, host_dir):
        p = self.prefix
        return {
            "heat_template_version": "2018-08-31",
            "resources": {
                "target": {
                    "type": "DockerInc::Docker::Container",
                    "properties": {"image": base.image("sleeper"), "name": f"{p}-target",
                                   "volumes": {"/shared": {}}, "stop_timeout": 0},
                },
                "all": {
                    "type": "DockerInc::Docker::Container",
                    "depends_on": ["target"],
                    "properties": {
                        "name": f"{p}-all",
                        "image": base.image("sleeper"),
                        "image_pull_policy": "always",
                        "hostname": "hd-host",
                        "user": "1000:1000",
                        "memory": 64 * MiB,
                        "memory_reservation": 32 * MiB,
                        "port_specs": ["9090", "53/udp"],
                        "port_bindings": {"8080/tcp": {"HostIp": "127.0.0.1"}},
                        "links": {f"{p}-target": "tgt"},
                        "privileged": True,
                        "tty": True,
                        "open_stdin": True,
                        "stdin_once": True,
                        "env": ["GREETING=hi", "EMPTY="],
                        "entrypoint": ["sh", "-c"],
                        "cmd": ["sleep 3600"],
                        "working_dir": "/tmp",
                        "dns": ["10.9.8.7"],
                        "volumes": {"/anon": {}, host_dir: {"bind": "/hostdata", "ro": True}},
                        "volumes_from": [f"{p}-target"],
                        "restart_policy": {"Name": "on-failure", "MaximumRetryCount": 2},
                        "cap_add": ["NET_ADMIN"],
                        "cap_drop": ["MKNOD"],
                        "read_only": True,
                        "cpu_shares": 512,
                        "cpu_quota": 50000,
                        "cpu_set": "0",
                        "devices": [{"path_on_host": "/dev/null",
                                     "path_in_container": "/dev/mynull",
                                     "permissions": "rw"}],
                        "labels": {"app": "every-property"},
                        "healthcheck": {"test": ["CMD-SHELL", "true"], "interval": "1s",
                                        "retries": 2},
                        "stop_signal": "SIGINT",
                        "stop_timeout": 1,
                    },
                },
            },
        }

    def test_every_property_reaches_the_engine(self):
        host_dir = tempfile.mkdtemp(prefix="hd-bind-")
        self.policy(allow_privileged=True, allowed_host_paths=[host_dir],
                    allowed_devices=["/dev/null"], allowed_capabilities=["NET_ADMIN"])
        stk = self.create(self.template(host_dir))
        res = stk["all"]
        info = self.inspect(res.resource_id)
        config, host = info["Config"], info["HostConfig"]
        self.assertEqual(f"/{self.prefix}-all", info["Name"])
        self.assertEqual("hd-host", config["Hostname"])
        self.assertEqual("1000:1000", config["User"])
        self.assertEqual(64 * MiB, host["Memory"])
        self.assertEqual(32 * MiB, host["MemoryReservation"])
        self.assertIn("9090/tcp", config["ExposedPorts"])
        self.assertIn("53/udp", config["ExposedPorts"])
        self.assertEqual("127.0.0.1", host["PortBindings"]["8080/tcp"][0]["HostIp"])
        self.assertEqual([f"/{self.prefix}-target:/{self.prefix}-all/tgt"], host["Links"])
        self.assertTrue(host["Privileged"])
        self.assertTrue(config["Tty"])
        self.assertTrue(config["OpenStdin"])
        self.assertTrue(config["StdinOnce"])
        self.assertIn("GREETING=hi", config["Env"])
        self.assertIn("EMPTY=", config["Env"])
        self.assertEqual(["sh", "-c"], config["Entrypoint"])
        self.assertEqual(["sleep 3600"], config["Cmd"])
        self.assertEqual("/tmp", config["WorkingDir"])
        self.assertEqual(["10.9.8.7"], host["Dns"])
        self.assertIn("/anon", config["Volumes"])
        self.assertIn(f"{host_dir}:/hostdata:ro", host["Binds"])
        # references are checked, then given to the engine by the id found
        self.assertEqual([stk["target"].resource_id], host["VolumesFrom"])
        self.assertEqual({"Name": "on-failure", "MaximumRetryCount": 2},
                         host["RestartPolicy"])
        self.assertEqual(["NET_ADMIN"], host["CapAdd"])
        self.assertEqual(["MKNOD"], host["CapDrop"])
        self.assertTrue(host["ReadonlyRootfs"])
        self.assertEqual(512, host["CpuShares"])
        self.assertEqual(50000, host["CpuQuota"])
        self.assertEqual("0", host["CpusetCpus"])
        self.assertEqual([{"PathOnHost": "/dev/null", "PathInContainer": "/dev/mynull",
                           "CgroupPermissions": "rw"}], host["Devices"])
        self.assertEqual("every-property", config["Labels"]["app"])
        self.assertEqual("heat", config["Labels"]["org.openstack.docker.owner"])
        self.assertEqual(["CMD-SHELL", "true"], config["Healthcheck"]["Test"])
        self.assertEqual("healthy", info["State"]["Health"]["Status"])
        self.assertEqual("SIGINT", config["StopSignal"])
        self.assertEqual(1, config["StopTimeout"])
        # the volumes_from and the link really work inside the container
        code, out = self.heat_engine.exec_run(res.resource_id, [
            "sh", "-c", "ls -d /shared && getent hosts tgt || grep tgt /etc/hosts"])
        self.assertEqual(0, code, out)
        # attributes: text logs, published port, addresses
        tcp = res.FnGetAtt("network_tcp_ports")
        self.assertTrue(tcp.isdigit(), tcp)
        self.assertEqual(info["NetworkSettings"]["IPAddress"], res.FnGetAtt("network_ip"))
        self.assertIn("bridge", res.FnGetAtt("addresses"))
        self.assertIsInstance(res.FnGetAtt("logs"), str)
        self.assertEqual(res.resource_id, res.FnGetAtt("info")["Id"])
        self.assertEqual(res.resource_id, res.FnGetAtt("show")["Id"])

        stk.delete()
        self.assertEqual((stk.DELETE, stk.COMPLETE), stk.state, stk.status_reason)
        self.assertEqual(([], [], []), self.heat_objects())
