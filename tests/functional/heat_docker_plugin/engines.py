"""Heat's production path: real ``heat-engine`` processes (convergence, their own worker
processes) sharing one database, talking over a real RabbitMQ node with the real
messaging driver; the test drives them through Heat's RPC client, as heat-api does.

The engines load the plugin through ``plugin_dirs`` exactly as an operator configures
it, from the same tree the test imports. The database is a sqlite file both engines
share (one stack at a time per test keeps its locking quiet).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time

import fixtures
from heat.common import messaging
from heat.rpc import api as rpc_api
from heat.rpc import client as rpc_client
from heat.tests import utils

import heat_docker_plugin
from heat_docker_plugin.plugin import container_resources
from tests.common import testbed

BIN = os.path.dirname(sys.executable)
HEAT_ETC = os.path.join(sys.prefix, "etc", "heat")

HEAT_CONF = """[DEFAULT]
transport_url = {url}
plugin_dirs = {plugin_dir}
environment_dir = {etc}/environment.d
template_dir = {etc}/templates
convergence_engine = true
num_engine_workers = 1
deferred_auth_method = password
auth_encryption_key = {key}
graceful_shutdown_timeout = 5
[database]
connection = sqlite:///{db}
[docker_plugin]
endpoint = {docker}
image_record_dir = {images}
remove_unused_images_after = -1
"""


class HeatEngines(fixtures.Fixture):
    """``count`` heat-engine processes on the broker at ``url``; ``hosts`` are their
    RPC server names, ``logs`` their log files."""

    def __init__(self, url, count=2, prefix="ht-engine", timeout=240):
        super().__init__()
        self.url, self.count, self.timeout = url, count, timeout
        self.hosts = [f"{prefix}-{index}" for index in range(count)]

    def _setUp(self):
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.conf = os.path.join(self.dir, "heat.conf")
        with open(self.conf, "w") as conf:
            conf.write(HEAT_CONF.format(
                url=self.url, etc=HEAT_ETC, key="0123456789abcdef" * 2,
                plugin_dir=os.path.dirname(container_resources.__file__),
                db=os.path.join(self.dir, "heat.sqlite"), docker=testbed.docker_url(),
                images=os.path.join(self.dir, "images")))
        # The plugin the engines load is the one this test imports.
        self.env = {**os.environ, "PYTHONPATH": os.path.dirname(
            os.path.dirname(heat_docker_plugin.__file__))}
        subprocess.run([os.path.join(BIN, "heat-manage"), "--config-file", self.conf,
                        "db_sync"], env=self.env, check=True, capture_output=True)
        self.logs, self.processes = [], []
        for host in self.hosts:
            self.start(host)
        self.context = utils.dummy_context()
        with self.broker():
            self._wait_for_engines()

    def start(self, host):
        host_conf = os.path.join(self.dir, f"{host}.conf")
        with open(host_conf, "w") as conf:
            conf.write(f"[DEFAULT]\nhost = {host}\n")
        log = os.path.join(self.dir, f"{host}.log")
        with open(os.path.join(self.dir, f"{host}.out"), "wb") as out:
            process = subprocess.Popen(
                [os.path.join(BIN, "heat-engine"), "--config-file", self.conf,
                 "--config-file", host_conf, "--log-file", log],
                env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.logs.append(log)
        self.processes.append(process)
        self.addCleanup(self._stop, process)

    @staticmethod
    def _stop(process):
        """SIGTERM this engine's own process group (master and worker), then SIGKILL."""
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    @contextlib.contextmanager
    def broker(self):
        """This process's Heat RPC transport on the broker, for the block."""
        messaging.cleanup()
        messaging.setup(self.url)
        try:
            yield
        finally:
            messaging.cleanup()

    def _wait_for_engines(self):
        deadline = time.monotonic() + self.timeout
        while True:
            with contextlib.suppress(Exception):
                services = rpc_client.EngineClient().list_services(self.context)
                up = {s["host"] for s in services if s["status"] == "up"}
                if set(self.hosts) <= up:
                    return
            for process, log in zip(self.processes, self.logs, strict=True):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"heat-engine did not come up; {log}:\n"
                                       f"{self.read_log(log)[-3000:]}")
            time.sleep(1)

    @staticmethod
    def read_log(log):
        with contextlib.suppress(FileNotFoundError), open(log) as handle:
            return handle.read()
        return ""



class EngineOn(rpc_client.EngineClient):
    """Heat's engine RPC client addressed to one engine (its RPC server ``host``)."""

    def __init__(self, host):
        self._client = messaging.get_rpc_client(
            topic=rpc_api.ENGINE_TOPIC, version=self.BASE_RPC_API_VERSION, server=host)
