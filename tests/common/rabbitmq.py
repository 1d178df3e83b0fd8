"""A private RabbitMQ node (Debian's rabbitmq-server) for tests that need a real broker.

Its own node name, AMQP and distribution ports (loopback only), cookie, mnesia and log
directories: it never touches another node on the machine (the all-in-one runs one
named ``aio`` on 5672). Stopped through its own node name at the end; if that fails, its
own process group is killed. ``tools/testbed`` installs rabbitmq-server.
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import time

import fixtures

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"


class RabbitMissing(RuntimeError):
    """rabbitmq-server is not installed: run ``tools/testbed up`` (it installs it)."""


def _listening(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class RabbitNode(fixtures.Fixture):
    """``url`` is the node's ``rabbit://`` transport URL once set up."""

    def __init__(self, name="heattest", port=5673, dist_port=25673, timeout=120):
        super().__init__()
        self.node = f"{name}@localhost"
        self.port, self.dist_port, self.timeout = port, dist_port, timeout
        self.url = f"rabbit://guest:guest@127.0.0.1:{port}/"

    def _setUp(self):
        if not os.path.exists(SERVER):
            raise RabbitMissing(f"{SERVER} not found: run `tools/testbed up`")
        if _listening(self.port):
            raise RuntimeError(f"port {self.port} is taken: another broker runs there "
                               "(it is not ours to stop)")
        home = self.useFixture(fixtures.TempDir()).path
        with open(os.path.join(home, ".erlang.cookie"), "w") as cookie:
            cookie.write(secrets.token_hex(16))
        os.chmod(os.path.join(home, ".erlang.cookie"), 0o400)
        with open(os.path.join(home, "enabled_plugins"), "w") as plugins:
            plugins.write("[].\n")
        open(os.path.join(home, "rabbitmq-env.conf"), "w").close()
        self.env = {
            "PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": home,
            "RABBITMQ_NODENAME": self.node, "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS":
                "-kernel inet_dist_use_interface {127,0,0,1}",
            "RABBITMQ_MNESIA_BASE": os.path.join(home, "mnesia"),
            "RABBITMQ_LOG_BASE": os.path.join(home, "log"), "RABBITMQ_LOGS": "-",
            "RABBITMQ_CONF_ENV_FILE": os.path.join(home, "rabbitmq-env.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": os.path.join(home, "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": os.path.join(home, "rabbitmq"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": os.path.join(home, "advanced.config"),
            "RABBITMQ_PID_FILE": os.path.join(home, "rabbitmq.pid"),
        }
        self.log = os.path.join(home, "server.log")
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen([SERVER], env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, cwd=home,
                                            start_new_session=True)
        self.addCleanup(self._stop)
        deadline = time.monotonic() + self.timeout
        while not _listening(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                with open(self.log) as log:
                    raise RuntimeError(f"RabbitMQ node {self.node} did not start:\n"
                                       f"{log.read()[-2000:]}")
            time.sleep(0.5)

    def _stop(self):
        """Stop this node by its name; kill its own process group if it lingers."""
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            subprocess.run([CTL, "-n", self.node, "stop"], env=self.env, timeout=30,
                           capture_output=True, check=False)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
