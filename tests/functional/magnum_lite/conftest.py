"""A real magnum_lite: ``magnum-lite-api`` (gunicorn) and ``magnum-lite-conductor`` as
processes on 127.0.0.1 with sqlite, noauth and the fake driver; clients for it."""

import json
import os
import pathlib
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.common import helpers

ROOT = pathlib.Path(__file__).resolve().parents[3]
FAKE = "tests.common.magnum_fake"


def free_port():
    # magnumclient strips a trailing '/v1' as a character set: a port ending in 1 breaks.
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if str(port)[-1] != "1":
            return port


FAKE_CONDUCTOR = f"""driver = {FAKE}:FakeDriver
hosts_loader = {FAKE}:load_hosts
poll_interval = 0.1
timeout_unit_seconds = 1
heartbeat_interval = 1
health_interval = 2
"""


class Service:
    """The two processes, their config and log files. ``conductor``: the ``[conductor]``
    options (the fake driver's unless given); ``extra``: more config sections."""

    def __init__(self, tmp, conductor=FAKE_CONDUCTOR, extra=""):
        self.tmp, self.port = tmp, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = tmp / "magnum-lite.conf"
        self.config.write_text(f"""[DEFAULT]
state_path = {tmp}
[api]
host = 127.0.0.1
port = {self.port}
workers = 2
auth_strategy = noauth
noauth_roles = admin,member
[conductor]
{conductor}{extra}""")
        self.env = dict(os.environ, PYTHONPATH=str(ROOT), MAGNUM_FAKE_HOSTS="6")
        self.procs = []

    def run(self, module, *args, log=None):
        out = open(self.tmp / (log or module.rsplit(".", 1)[-1] + ".log"), "ab")  # noqa: SIM115
        proc = subprocess.Popen([sys.executable, "-m", module, "--config-file",
                                 str(self.config), *args], cwd=ROOT, env=self.env,
                                stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def start(self):
        subprocess.run([sys.executable, "-m", "magnum_lite.cmd.manage", "--config-file",
                        str(self.config), "db", "sync"], cwd=ROOT, env=self.env, check=True,
                       capture_output=True)
        self.run("magnum_lite.cmd.api")
        self.run("magnum_lite.cmd.conductor")
        helpers.wait_for(self._up, timeout=30, what="magnum-lite-api answering")

    def _up(self):
        try:
            return requests.get(self.url + "/", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def stop(self):
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def logs(self):
        return "\n".join(p.read_text(errors="replace")[-3000:]
                         for p in sorted(self.tmp.glob("*.log")))


@pytest.fixture(scope="session")
def magnum(tmp_path_factory):
    service = Service(tmp_path_factory.mktemp("magnum-lite"))
    try:
        service.start()
        yield service
    finally:
        service.stop()


@pytest.fixture
def http(magnum):
    """requests with noauth headers: ``http("GET", path, project=, roles=, json=)``."""
    def call(method, path, project="demo", roles="member", **kw):
        headers = {"X-Project-Id": project, "X-Roles": roles,
                   "OpenStack-API-Version": "container-infra latest", **kw.pop("headers", {})}
        return requests.request(method, magnum.url + path, headers=headers, timeout=10, **kw)
    return call


@pytest.fixture
def osc(magnum, tmp_path):
    """``openstack coe ...`` (the real OSC + magnumclient plugin) against the service."""
    return osc_runner(magnum, tmp_path)


def osc_runner(magnum, tmp_path):
    """``run(*args, check=True)`` of ``openstack coe ARGS`` against ``magnum`` (a
    :class:`Service`) from ``tmp_path``; ``run.json(*args)`` parses ``-f json``."""
    env = dict(os.environ, OS_AUTH_TYPE="none", OS_ENDPOINT=magnum.url + "/v1",
               SHELL="/bin/bash", HOME=str(tmp_path))
    for name in ("OS_CLOUD", "OS_AUTH_URL", "OS_TOKEN"):
        env.pop(name, None)

    def run(*args, check=True):
        proc = subprocess.run(
            [sys.executable, "-c",
             "import sys; from openstackclient.shell import main; sys.exit(main())",
             "coe", *args], env=env, capture_output=True, text=True, timeout=60,
            cwd=tmp_path)
        if check:
            assert proc.returncode == 0, (args, proc.stdout, proc.stderr, magnum.logs())
        return proc
    def as_json(*args):
        # Some commands print a line ("Request to create ... accepted") before the JSON.
        out = run(*args, "-f", "json").stdout
        return json.loads(out[min(i for i in (out.find("{"), out.find("[")) if i >= 0):])
    run.json = as_json
    return run


def wait_status(get_status, timeout=30):
    """Poll until the status is no longer *_IN_PROGRESS; return it."""
    def settled():
        status = get_status()
        return status if not status.endswith("_IN_PROGRESS") else None
    return helpers.wait_for(settled, timeout=timeout, what="cluster status to settle")


@pytest.fixture
def unique():
    counter = iter(range(10**6))
    return lambda prefix: f"{prefix}{int(time.time() * 1000) % 10**8}{next(counter)}"
