"""Every ContainerSpec field's translation into the Engine API body, and its validation."""

import pytest

from openstack_docker import labels
from openstack_docker.errors import InvalidSpec
from openstack_docker.spec import ContainerSpec
from tests.common.sdk import APIClient


@pytest.fixture(scope="module")
def api():
    # Never connects: an explicit version means no negotiation call.
    return APIClient(base_url="unix:///nonexistent.sock", version="1.41")


def config(api, **fields):
    return ContainerSpec(image="127.0.0.1:5000/testbed/base:latest", **fields).container_config(
        api, owner="test", resource_id="r-1")


def host(api, **fields):
    return config(api, **fields)["HostConfig"]


def test_minimal(api):
    body = config(api)
    assert body["Image"] == "127.0.0.1:5000/testbed/base:latest"
    assert body["Labels"] == {labels.OWNER: "test", labels.RESOURCE_ID: "r-1"}
    assert body["Cmd"] is None and body["Env"] is None


@pytest.mark.parametrize("value, expected", [
    ("httpd -f -p 80", ["httpd", "-f", "-p", "80"]),
    (["sh", "-c", "echo a b"], ["sh", "-c", "echo a b"]),
])
def test_command_and_entrypoint(api, value, expected):
    body = config(api, command=value, entrypoint=value)
    assert body["Cmd"] == expected
    assert body["Entrypoint"] == expected


@pytest.mark.parametrize("value", [{"A": "1", "B": "x=y"}, ["A=1", "B=x=y"]])
def test_env(api, value):
    assert sorted(config(api, env=value)["Env"]) == ["A=1", "B=x=y"]


def test_links(api):
    assert sorted(host(api, links=["db:database", "cache"])["Links"]) == [
        "cache:cache", "db:database"]
    assert host(api, links={"db": "database"})["Links"] == ["db:database"]


def test_binds_volumes_and_named_mounts(api):
    body = config(api, binds=["/srv/data:/data:ro"], volumes=["/scratch"],
                  mounts=["shared:/shared", {"source": "logs", "target": "/logs",
                                             "read_only": True}])
    assert body["HostConfig"]["Binds"] == ["/srv/data:/data:ro"]
    assert body["Volumes"] == {"/scratch": {}}
    assert body["HostConfig"]["Mounts"] == [
        {"Target": "/shared", "Source": "shared", "Type": "volume", "ReadOnly": False},
        {"Target": "/logs", "Source": "logs", "Type": "volume", "ReadOnly": True},
    ]


def test_ports(api):
    body = config(api, ports=["127.0.0.1:8080:80", "9000:9000/udp", "53/udp",
                              "127.0.0.1::443"])
    assert set(body["ExposedPorts"]) == {"80/tcp", "9000/udp", "53/udp", "443/tcp"}
    assert body["HostConfig"]["PortBindings"] == {
        "80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}],
        "9000/udp": [{"HostIp": "", "HostPort": "9000"}],
        "443/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}],
    }


def test_ports_from_mapping(api):
    bindings = host(api, ports={"80/tcp": [("127.0.0.1", 8080)], 22: 2222})["PortBindings"]
    assert bindings == {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}],
                        "22/tcp": [{"HostIp": "", "HostPort": "2222"}]}


def test_limits(api):
    config_ = host(api, memory="64m", memory_reservation="32m", memory_swap="128m",
                   cpu_shares=512, cpu_quota=50000, cpu_period=100000, cpuset_cpus="0")
    assert config_["Memory"] == 64 * 1024 * 1024
    assert config_["MemoryReservation"] == 32 * 1024 * 1024
    assert config_["MemorySwap"] == 128 * 1024 * 1024
    assert (config_["CpuShares"], config_["CpuQuota"], config_["CpuPeriod"]) == (
        512, 50000, 100000)
    assert config_["CpusetCpus"] == "0"


@pytest.mark.parametrize("value, expected", [
    ("always", {"Name": "always", "MaximumRetryCount": 0}),
    ("on-failure:3", {"Name": "on-failure", "MaximumRetryCount": 3}),
    ({"Name": "unless-stopped"}, {"Name": "unless-stopped", "MaximumRetryCount": 0}),
])
def test_restart_policy(api, value, expected):
    assert host(api, restart_policy=value)["RestartPolicy"] == expected


def test_healthcheck(api):
    body = config(api, healthcheck={"test": "wget -q -O- localhost:8080", "interval": "1s",
                                    "timeout": 2, "retries": 3, "start_period": "1m30s"})
    assert body["Healthcheck"] == {"Test": ["CMD-SHELL", "wget -q -O- localhost:8080"],
                                   "Interval": 10**9, "Timeout": 2 * 10**9, "Retries": 3,
                                   "StartPeriod": 90 * 10**9}
    assert config(api, healthcheck={"test": ["true"]})["Healthcheck"]["Test"] == [
        "CMD", "true"]


def test_identity_and_flags(api):
    body = config(api, hostname="web-1.example", user="nobody", working_dir="/srv",
                  tty=True, stdin_open=True, stdin_once=True, labels={"app": "web"},
                  stop_signal="SIGTERM", stop_timeout=5, mac_address="02:42:ac:11:00:99")
    assert body["Hostname"] == "web-1.example"
    assert body["User"] == "nobody"
    assert body["WorkingDir"] == "/srv"
    assert (body["Tty"], body["OpenStdin"], body["StdinOnce"]) == (True, True, True)
    assert body["Labels"]["app"] == "web"
    assert (body["StopSignal"], body["StopTimeout"]) == ("SIGTERM", 5)
    assert body["MacAddress"] == "02:42:ac:11:00:99"


def test_security_and_devices(api):
    config_ = host(api, privileged=True, cap_add=["net_admin", "CAP_SYS_TIME"],
                   cap_drop=["MKNOD"], devices=["/dev/fuse", "/dev/null:/dev/mynull:r"],
                   read_only=True)
    assert config_["Privileged"] is True
    assert config_["CapAdd"] == ["NET_ADMIN", "SYS_TIME"]
    assert config_["CapDrop"] == ["MKNOD"]
    assert config_["Devices"] == [
        {"PathOnHost": "/dev/fuse", "PathInContainer": "/dev/fuse",
         "CgroupPermissions": "rwm"},
        {"PathOnHost": "/dev/null", "PathInContainer": "/dev/mynull",
         "CgroupPermissions": "r"}]
    assert config_["ReadonlyRootfs"] is True


def test_dns_volumes_from_storage(api):
    config_ = host(api, dns=["127.0.0.53", "::1"], dns_search=["example.org"],
                   volumes_from=["data:ro"], storage_opt={"size": "1G"})
    assert config_["Dns"] == ["127.0.0.53", "::1"]
    assert config_["DnsSearch"] == ["example.org"]
    assert config_["VolumesFrom"] == ["data:ro"]
    assert config_["StorageOpt"] == {"size": "1G"}


def test_networks(api):
    body = config(api, networks=[{"network": "front", "aliases": ["web"]}, "back"])
    assert body["HostConfig"]["NetworkMode"] == "front"
    assert body["NetworkingConfig"] == {"EndpointsConfig": {"front": {"Aliases": ["web"]}}}
    assert config(api, network_mode="none")["HostConfig"]["NetworkMode"] == "none"


@pytest.mark.parametrize("fields, field", [
    ({"image": ""}, "image"),
    ({"env": ["FOO"]}, "env[0]"),
    ({"env": {"A B": "1"}}, "env"),
    ({"ports": ["80/icmp"]}, "ports"),
    ({"ports": ["70000"]}, "ports"),
    ({"ports": ["localhost:80:80"]}, "ports"),
    ({"binds": ["data:/data"]}, "binds"),
    ({"binds": ["/data:relative"]}, "binds"),
    ({"binds": ["/data:/data:rx"]}, "binds"),
    ({"volumes": ["relative"]}, "volumes"),
    ({"mounts": ["/host:/data"]}, "mounts"),
    ({"cap_add": ["FLY"]}, "cap_add"),
    ({"cap_drop": ["NET_ADMIN", "bogus"]}, "cap_drop"),
    ({"devices": ["/dev/fuse:/dev/fuse:x"]}, "devices"),
    ({"devices": ["fuse"]}, "devices"),
    ({"memory": "lots"}, "memory"),
    ({"memory": 1024}, "memory"),
    ({"memory_swap": "1g"}, "memory_swap"),
    ({"cpu_shares": 1}, "cpu_shares"),
    ({"cpu_quota": "x"}, "cpu_quota"),
    ({"cpuset_cpus": "0-"}, "cpuset_cpus"),
    ({"restart_policy": "sometimes"}, "restart_policy"),
    ({"restart_policy": "always:3"}, "restart_policy"),
    ({"healthcheck": {"test": "true", "interval": "soon"}}, "healthcheck.interval"),
    ({"healthcheck": {"interval": "1s"}}, "healthcheck.test"),
    ({"healthcheck": {"test": "true", "every": "1s"}}, "healthcheck"),
    ({"hostname": "bad_host"}, "hostname"),
    ({"working_dir": "srv"}, "working_dir"),
    ({"dns": ["resolver"]}, "dns"),
    ({"links": ["bad name"]}, "links"),
    ({"labels": {labels.OWNER: "nova"}}, "labels"),
    ({"privileged": "yes"}, "privileged"),
    ({"networks": ["a"], "network_mode": "host"}, "networks"),
    ({"stop_timeout": -1}, "stop_timeout"),
    ({"networks": ["host"]}, "networks"),
    ({"networks": [{"network": "container:nova-1"}]}, "networks"),
    ({"mac_address": "02:42:zz:00:00:01"}, "mac_address"),
])
def test_validation_names_the_field(fields, field):
    fields.setdefault("image", "127.0.0.1:5000/testbed/base:latest")
    with pytest.raises(InvalidSpec) as caught:
        ContainerSpec(**fields)
    assert caught.value.field == field, str(caught.value)
    assert str(caught.value).startswith(field + ":")
