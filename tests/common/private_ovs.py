"""A private Open vSwitch (Debian's openvswitch-switch binaries, userspace datapath) for
tests: its own database, run directory and unix socket, and its own network namespace, so
that neither its bridges' devices (``br-int``, ``ovs-netdev``) nor its database meet the
host's Open vSwitch, if one runs (the all-in-one runs one).

The calling thread enters the namespace while the OVS runs (:func:`private_ovs`): the
veth host ends the code under test creates there are the ones that OVS sees.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid

from nova_docker.network import nsenter

SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"


def _wait_for(path, proc, what, timeout=20):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start (exit {proc.poll()})")
        time.sleep(0.05)


@contextlib.contextmanager
def private_ovs(prefix="nv"):
    """Start ovsdb-server + ovs-vswitchd in a new netns; yield the OVSDB connection string
    (``unix:PATH``) with the calling thread inside that netns."""
    name = f"{prefix}ovs{uuid.uuid4().hex[:6]}"
    home = tempfile.mkdtemp(prefix=f"{name}-")
    env = {**os.environ, "OVS_RUNDIR": home, "OVS_DBDIR": home, "OVS_LOGDIR": home,
           "OVS_SYSCONFDIR": home}
    sock = os.path.join(home, "db.sock")
    procs = []
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        subprocess.run(["ovsdb-tool", "create", os.path.join(home, "conf.db"), SCHEMA],
                       check=True, env=env)
        in_netns = ["nsenter", f"--net=/var/run/netns/{name}"]
        procs.append(subprocess.Popen(
            [*in_netns, "ovsdb-server", os.path.join(home, "conf.db"),
             f"--remote=punix:{sock}", f"--unixctl={home}/ovsdb-server.ctl",
             f"--log-file={home}/ovsdb-server.log"], env=env, stderr=subprocess.DEVNULL))
        _wait_for(sock, procs[-1], "ovsdb-server")
        subprocess.run(["ovs-vsctl", f"--db=unix:{sock}", "--no-wait", "init"], check=True,
                       env=env)
        procs.append(subprocess.Popen(
            [*in_netns, "ovs-vswitchd", f"unix:{sock}", f"--unixctl={home}/vswitchd.ctl",
             f"--log-file={home}/vswitchd.log"], env=env, stderr=subprocess.DEVNULL))
        _wait_for(f"{home}/vswitchd.ctl", procs[-1], "ovs-vswitchd")
        with nsenter.inside(f"/var/run/netns/{name}"):
            yield f"unix:{sock}"
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        subprocess.run(["ip", "netns", "delete", name], check=False)
        shutil.rmtree(home, ignore_errors=True)
