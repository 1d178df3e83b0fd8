"""Private registry and Glance for the image bridge's tests, and images made of random data.

Fault tests kill a registry or Glance in the middle of a transfer. The testbed's services are
shared by every test running on the machine, so these tests start their own: a
``docker-registry`` and a Glance (gunicorn, reusing the testbed's venv and paste pipeline) on
free loopback ports, in their own process groups so that a kill takes exactly them.
"""

import configparser
import contextlib
import io
import os
import signal
import socket
import subprocess
import tarfile
import time
import uuid
from pathlib import Path

import requests

from openstack_docker import errors
from tests.common import testbed
from tests.common.engine_calls import sdk_client

TESTBED_VENV = Path(testbed.STATE_DIR) / "venv"
TEMPLATES = Path(__file__).resolve().parents[3] / "tools" / "testbed.d"
CHUNK = 1 << 20


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url, process, log, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}: "
                               f"{Path(log).read_text()[-2000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


class Service:
    """A server process of ours: started, killed mid-flight and started again by tests."""

    def __init__(self, name, directory, argv, health_path, env=None):
        self.name = name
        self.directory = Path(directory)
        self.argv = argv
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.health = self.url + health_path
        self.env = env
        self.log = self.directory / f"{name}.log"
        self.process = None

    def start(self):
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT,
                                            env=self.env, start_new_session=True)
        _wait_http(self.health, self.process, self.log)

    def kill(self):
        """SIGKILL the service's whole process group (gunicorn master and workers)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def private_registry(directory):
    directory = Path(directory)
    config = directory / "registry.yml"
    service = Service("registry", directory, ["docker-registry", "serve", str(config)], "/v2/")
    config.write_text(
        "version: 0.1\nlog: {level: warn}\n"
        f"storage: {{filesystem: {{rootdirectory: {directory / 'data'}}}, "
        "delete: {enabled: true}}\n"
        f"http: {{addr: '127.0.0.1:{service.port}'}}\n")
    service.address = f"127.0.0.1:{service.port}"
    return service


def private_glance(directory):
    """A Glance like the testbed's (same template), on its own port, database and store."""
    directory = Path(directory)
    etc = directory / "etc"
    etc.mkdir(parents=True, exist_ok=True)
    template = (TEMPLATES / "glance-api.conf").read_text()
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(template.replace("${state}", str(directory))
                       .replace("${venv}", str(TESTBED_VENV)))
    service = Service("glance", directory,
                      [str(TESTBED_VENV / "bin" / "gunicorn"), "--config",
                       str(directory / "gunicorn.conf.py"), "glance.wsgi.api:application"],
                      "/v2/images", env=os.environ | {"OS_GLANCE_CONFIG_DIR": str(etc)})
    parser["DEFAULT"]["bind_port"] = str(service.port)
    parser["DEFAULT"]["worker_self_reference_url"] = service.url
    conf = etc / "glance-api.conf"
    with open(conf, "w") as handle:
        parser.write(handle)
    for store in ("images", "staging", "tasks"):
        (directory / "glance" / store).mkdir(parents=True, exist_ok=True)
    (directory / "gunicorn.conf.py").write_text(
        f'bind = "127.0.0.1:{service.port}"\nworkers = 1\ntimeout = 300\n'
        "control_socket_disable = True\n")
    subprocess.run([str(TESTBED_VENV / "bin" / "glance-manage"), "--config-file", str(conf),
                    "db_sync"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    return service


def random_layer(size, seed=None):
    """Tar bytes holding one file of ``size`` incompressible bytes."""
    data = os.urandom(size)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo(f"data-{seed or uuid.uuid4().hex}.bin")
        info.size = size
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _check_stream(messages, what):
    for message in messages:
        if isinstance(message, dict) and message.get("error"):
            raise errors.EngineError(f"{what}: {message['error']}")


def build_random_image(engine, reference, total_size, layers=1):
    """Build ``reference`` from ``layers`` layers of random data and push it; returns its id.

    The first layer is an import, the others ``COPY`` steps of a local build (no network).
    The local tags are removed afterwards: only the registry keeps the image.
    """
    api = sdk_client(engine)  # builds: the layer has no reason to offer them
    repository, tag = reference.rsplit(":", 1)
    per_layer = total_size // layers
    base = f"{repository}:base-{uuid.uuid4().hex[:8]}"
    with errors.translated():
        api.import_image_from_data(random_layer(per_layer), repository=base.rsplit(":", 1)[0],
                                   tag=base.rsplit(":", 1)[1])
        current, names = base, [base, reference]
        for index in range(1, layers):
            context = io.BytesIO()
            with tarfile.open(fileobj=context, mode="w") as tar:
                dockerfile = f"FROM {current}\nCOPY layer{index}.tar /\n".encode()
                for name, payload in (("Dockerfile", dockerfile),
                                      (f"layer{index}.tar", random_layer(per_layer))):
                    info = tarfile.TarInfo(name)
                    info.size = len(payload)
                    tar.addfile(info, io.BytesIO(payload))
            context.seek(0)
            step = f"{repository}:step{index}-{uuid.uuid4().hex[:8]}"
            _check_stream(api.build(fileobj=context, custom_context=True, tag=step, rm=True,
                                    forcerm=True, decode=True), f"build of {step}")
            current = step
            names.append(step)
        api.tag(current, repository, tag)
        image_id = api.inspect_image(reference)["Id"]
        _check_stream(api.push(repository, tag=tag, stream=True, decode=True),
                      f"push of {reference}")
        for name in names:
            api.remove_image(name)
    return image_id


def remove_engine_image(engine, image_id):
    """Remove one of the tests' own images (every tag of it) if the engine has it."""
    with contextlib.suppress(errors.NotFound):
        for tag in engine.inspect_image(image_id).get("RepoTags") or []:
            engine.remove_image(tag)
        engine.remove_image(image_id, force=True)
