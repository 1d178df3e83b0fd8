"""Each ContainerSpec field, verified on a real container of the testbed engine."""

import os
import signal

import requests

from openstack_docker.spec import ContainerSpec
from tests.common import testbed
from tests.common.helpers import wait_for

SLEEPER = testbed.image("sleeper")
SERVER = testbed.image("server")


def _exec(engine, container, *cmd):
    code, output = engine.exec_run(container, list(cmd))
    assert code == 0, output
    return output


def test_env_command_identity(engine, run, unique):
    container = run(ContainerSpec(
        image=SLEEPER, env={"GREETING": "hi there", "EMPTY": ""}, hostname="box-" + unique,
        user="nobody", working_dir="/tmp", entrypoint=["sh", "-c"],
        command=["echo started; exec sleep 600"], labels={"purpose": "test"}))
    env = _exec(engine, container, "env").splitlines()
    assert "GREETING=hi there" in env and "EMPTY=" in env
    assert _exec(engine, container, "hostname").strip() == "box-" + unique
    assert _exec(engine, container, "id", "-un").strip() == "nobody"
    assert _exec(engine, container, "pwd").strip() == "/tmp"
    wait_for(lambda: "started" in engine.logs(container), what="entrypoint output")
    info = engine.inspect_container(container)
    assert info["Config"]["Labels"]["purpose"] == "test"
    assert info["Config"]["Entrypoint"] == ["sh", "-c"]


def test_named_volume_shared_and_bind_mount(engine, make_volume, run, unique, tmp_path):
    volume = make_volume(f"shared-{unique}")
    (tmp_path / "from-host").write_text("host data\n")
    writer = run(ContainerSpec(image=SLEEPER, mounts=[f"{volume}:/shared"],
                               binds=[f"{tmp_path}:/hostdir:ro"]))
    reader = run(ContainerSpec(image=SLEEPER, mounts=[f"{volume}:/shared:ro"]))
    _exec(engine, writer, "sh", "-c", "echo written > /shared/note")
    assert _exec(engine, reader, "cat", "/shared/note") == "written\n"
    assert _exec(engine, writer, "cat", "/hostdir/from-host") == "host data\n"
    code, _ = engine.exec_run(writer, ["touch", "/hostdir/new"])
    assert code != 0, "a read-only bind must refuse writes"
    code, _ = engine.exec_run(reader, ["touch", "/shared/other"])
    assert code != 0, "a read-only named mount must refuse writes"


def test_link_resolves_and_port_answers_on_loopback(engine, run, unique):
    server_name = f"server-{unique}"
    server = run(ContainerSpec(image=SERVER, ports=["127.0.0.1::8080"]), name=server_name)
    client = run(ContainerSpec(image=SLEEPER, links={server_name: "web"}))
    body = wait_for(lambda: engine.exec_run(client, ["wget", "-q", "-O-",
                                                     "http://web:8080/"])[1].strip(),
                    what="server through the link")
    assert body == "testbed-server-ok"
    binding = engine.inspect_container(server)["NetworkSettings"]["Ports"]["8080/tcp"][0]
    assert binding["HostIp"] == "127.0.0.1"
    url = f"http://127.0.0.1:{binding['HostPort']}/"
    response = wait_for(lambda: _get(url), what="published port")
    assert response.text.strip() == "testbed-server-ok"


def _get(url):
    try:
        return requests.get(url, timeout=2)
    except requests.ConnectionError:
        return None


def test_limits_in_host_config(engine, run):
    container = run(ContainerSpec(image=SLEEPER, memory="48m", memory_reservation="32m",
                                  cpu_shares=256, cpu_quota=50000, cpu_period=100000,
                                  cpuset_cpus="0"))
    host = engine.inspect_container(container)["HostConfig"]
    assert host["Memory"] == 48 * 1024 * 1024
    assert host["MemoryReservation"] == 32 * 1024 * 1024
    assert (host["CpuShares"], host["CpuQuota"], host["CpuPeriod"]) == (256, 50000, 100000)
    assert host["CpusetCpus"] == "0"
    limit = _exec(engine, container, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes")
    assert int(limit) == 48 * 1024 * 1024


def test_restart_policy_honoured_after_process_dies(engine, run):
    container = run(ContainerSpec(image=testbed.image("oneshot"),
                                  restart_policy="on-failure:2"))
    info = wait_for(lambda: (lambda i: i if i["RestartCount"] == 2 and
                             not i["State"]["Running"] else None)(
        engine.inspect_container(container)), timeout=60, what="two restarts")
    assert info["State"]["ExitCode"] == 3
    assert engine.logs(container).count("testbed-oneshot-failed") == 3


def test_always_restarts_a_killed_server(engine, run):
    container = run(ContainerSpec(image=SERVER, restart_policy="always"))
    first_pid = engine.inspect_container(container)["State"]["Pid"]
    # The process dies on its own (a `docker kill` counts as a manual stop, never restarted).
    os.kill(first_pid, signal.SIGKILL)
    info = wait_for(lambda: (lambda i: i if i["State"]["Running"] and
                             i["State"]["Pid"] != first_pid else None)(
        engine.inspect_container(container)), timeout=30, what="restart after kill")
    assert info["RestartCount"] >= 1


def test_healthcheck_turns_healthy(engine, run):
    container = run(ContainerSpec(image=SERVER, healthcheck={
        "test": "wget -q -O- http://127.0.0.1:8080/ | grep -q testbed-server-ok",
        "interval": "500ms", "timeout": "2s", "retries": 3}))
    wait_for(lambda: engine.inspect_container(container)["State"]["Health"]["Status"]
             == "healthy", timeout=30, what="healthy status")


def test_security_devices_dns_and_flags(engine, run):
    container = run(ContainerSpec(
        image=SLEEPER, cap_add=["SYS_TIME"], cap_drop=["CHOWN"],
        devices=["/dev/null:/dev/testnull:rw"], dns=["127.0.0.53"], dns_search=["test.lan"],
        read_only=True, tty=True, stdin_open=True, stdin_once=True, stop_signal="SIGINT",
        stop_timeout=3))
    resolv = _exec(engine, container, "cat", "/etc/resolv.conf")
    assert "nameserver 127.0.0.53" in resolv and "search test.lan" in resolv
    assert _exec(engine, container, "sh", "-c", "echo ok > /dev/testnull; echo done") == (
        "done\n")
    code, _ = engine.exec_run(container, ["touch", "/rootfs-write"])
    assert code != 0, "read_only root filesystem must refuse writes"
    code, _ = engine.exec_run(container, ["chown", "nobody", "/tmp"])
    assert code != 0, "CHOWN was dropped"
    info = engine.inspect_container(container)
    assert info["HostConfig"]["CapAdd"] == ["SYS_TIME"]
    config = info["Config"]
    assert (config["Tty"], config["OpenStdin"], config["StdinOnce"]) == (True, True, True)
    assert (config["StopSignal"], config["StopTimeout"]) == ("SIGINT", 3)


def test_privileged_reaches_the_engine(engine):
    # Created, not started: this sandbox's root lacks CAP_MAC_OVERRIDE, so runc cannot
    # grant a privileged container every capability here. The engine records the flag.
    container = engine.create_container(ContainerSpec(image=SLEEPER, privileged=True))
    try:
        assert engine.inspect_container(container)["HostConfig"]["Privileged"] is True
    finally:
        engine.remove_container(container, timeout=0)


def test_networks_with_aliases(engine, make_network, run, unique):
    make_network(f"front-{unique}")
    make_network(f"back-{unique}")
    server = run(ContainerSpec(image=SERVER, networks=[
        {"network": f"front-{unique}", "aliases": ["www"]},
        {"network": f"back-{unique}", "aliases": ["api"]}]))
    client = run(ContainerSpec(image=SLEEPER, networks=[f"back-{unique}"]))
    attached = engine.inspect_container(server)["NetworkSettings"]["Networks"]
    assert set(attached) == {f"front-{unique}", f"back-{unique}"}
    body = wait_for(lambda: engine.exec_run(client, ["wget", "-q", "-O-",
                                                     "http://api:8080/"])[1].strip(),
                    what="alias on the second network")
    assert body == "testbed-server-ok"
