"""The testbed: real services for the project's tests (see tools/README.testbed.md).

tools/testbed installs the system packages and this script's venv, then runs it inside that
venv. Every service runs as a plain process (no systemd, no container for the services
themselves) so that a developer's machine and CI set it up the same way, without internet:

- a Docker engine on /var/run/docker.sock (reused when one already answers there),
- a Docker registry (distribution) on 127.0.0.1:5050, its own (Debian's docker-registry
  unit listens on :5000 and is never used or started by the testbed),
- Glance on 127.0.0.1:9292 (gunicorn, no Keystone, sqlite, file store),
- small busybox images built locally and pushed to that registry,
- on demand, extra Docker engines, each in a network namespace of its own.

What is running is written to $TESTBED_STATE/testbed.json for the tests to read.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import io
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import ClassVar

import docker
import docker.errors
import docker.tls
import requests

TEMPLATES = Path(__file__).resolve().parent / "testbed.d"
STATE = Path(os.environ.get("TESTBED_STATE", "/var/lib/openstack-docker-testbed"))
VENV = Path(sys.prefix)
LOGS = STATE / "logs"
RUN = STATE / "run"
STATE_FILE = STATE / "testbed.json"

DOCKER_URL = "unix:///var/run/docker.sock"
# Not 5000: that is where Debian's docker-registry service listens once the package is
# installed on a host with systemd; the testbed must never adopt it (another config, storage).
REGISTRY = "127.0.0.1:5050"
GLANCE_URL = "http://127.0.0.1:9292"

IMAGE_NAMESPACE = f"{REGISTRY}/testbed"
LABEL = "org.openstack-docker.testbed"
# Digest of what an image is made of: a changed recipe or busybox rebuilds the image.
RECIPE_LABEL = f"{LABEL}.recipe"
BUSYBOX = Path("/bin/busybox")
SERVER_PAGE = b"testbed-server-ok"
COMMON_CHANGES = [
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "WORKDIR /",
    f"LABEL {LABEL}=1",
]
IMAGES = {
    "base": ['CMD ["sh"]'],
    "server": ['CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]', "EXPOSE 8080/tcp"],
    "oneshot": ['CMD ["sh", "-c", "echo testbed-oneshot-failed >&2; exit 3"]'],
    "hello": ['CMD ["echo", "hello from testbed"]'],
    "sleeper": ['CMD ["sleep", "infinity"]'],
}

# Extra engines: 10.250.0.0/16 is reserved for them, one /24 each (N = 1..254): the veth pair
# takes 10.250.N.0/30 (host .1, engine .2), the engine's own docker0 10.250.N.128/25. The host
# routes between engines; an engine has no route to anything else.
ENGINE_NET = "10.250"
ENGINE_NAME = re.compile(r"[a-z][a-z0-9-]{0,11}")  # 'tb-' + NAME fits IFNAMSIZ (15)
ENGINE_EXEC = Path("/run/openstack-docker-testbed")  # short: containerd's socket lives there


class TestbedError(Exception):
    """A failure with a message meant for the person running the testbed."""


# --- processes ---------------------------------------------------------------------------


def run(argv: list[str], check: bool = True) -> subprocess.CompletedProcess:
    """Run a helper command; on failure the error carries its output."""
    proc = subprocess.run(argv, capture_output=True, text=True)
    if check and proc.returncode:
        output = (proc.stderr or proc.stdout).strip()
        raise TestbedError(f"{shlex.join(argv)} failed ({proc.returncode}): {output}")
    return proc


def spawn(argv: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    """Start a daemon in a session of its own, so that it outlives this script."""
    with open(log, "ab") as out:
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True, env=env)


def pid_alive(pid: int) -> bool:
    """Whether pid runs; a zombie does not (our daemons' parent may be a non-reaping init)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def live_pid(pidfile: Path, program: str) -> int | None:
    """The pid in pidfile if it still runs `program` (pids get reused). The kernel's command
    name is checked: gunicorn rewrites its argv ('gunicorn: master [...]')."""
    try:
        pid = int(pidfile.read_text())
        comm = Path(f"/proc/{pid}/comm").read_text()
    except (OSError, ValueError):
        return None
    return pid if comm.startswith(program) and pid_alive(pid) else None


def stop_pid(pid: int, timeout: float = 30) -> None:
    """SIGTERM first so the daemon cleans up (dockerd unmounts, stops containerd), then KILL."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def log_tail(log: Path, lines: int = 25) -> str:
    """The end of a log, to show why a daemon did not come up."""
    try:
        text = log.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    return f"\n--- last lines of {log} ---\n" + "\n".join(text)


def wait_until(check: Callable[[], bool], what: str, timeout: float,
               proc: subprocess.Popen | None = None, log: Path | None = None) -> None:
    """Poll check(); fail early, with the log, when the process we wait for has died."""
    deadline = time.monotonic() + timeout
    while not check():
        if proc is not None and proc.poll() is not None:
            raise TestbedError(f"{what} exited with code {proc.returncode}" + log_tail(log))
        if time.monotonic() > deadline:
            raise TestbedError(f"{what} did not answer within {timeout:.0f} s" + log_tail(log))
        time.sleep(0.1)


# --- health checks -----------------------------------------------------------------------


@contextlib.contextmanager
def docker_client(url: str, tls: docker.tls.TLSConfig | None = None,
                  timeout: int = 60) -> Iterator[docker.DockerClient]:
    """A client for one engine; the API version is negotiated so newer engines work too."""
    client = docker.DockerClient(base_url=url, tls=tls or False, timeout=timeout)
    try:
        yield client
    finally:
        client.close()


def docker_answers(url: str, tls: docker.tls.TLSConfig | None = None) -> bool:
    """Whether a Docker engine answers at url."""
    try:
        with docker_client(url, tls, timeout=5) as client:
            return client.ping()
    except (docker.errors.DockerException, requests.RequestException):
        return False


def http_ok(url: str) -> bool:
    """Whether url answers 200 (registry /v2/, Glance /v2/images)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


# --- services ----------------------------------------------------------------------------


class DaemonFiles:
    """The log and pidfile of a named daemon, in the folders its class names."""

    name: str
    logs_dir: ClassVar[Path]
    run_dir: ClassVar[Path]

    @property
    def log(self) -> Path:
        return self.logs_dir / f"{self.name}.log"

    @property
    def pidfile(self) -> Path:
        return self.run_dir / f"{self.name}.pid"


@dataclass
class Service(DaemonFiles):
    """A daemon of the testbed: how to tell it answers, how to start it, where it logs.

    ``adopt``: whether a daemon found answering in its place, not started by the testbed,
    may serve (the machine's Docker engine may); otherwise that is an error, never adopted.
    """

    name: str
    program: str
    where: str
    answers: Callable[[], bool]
    start: Callable[[Service], subprocess.Popen]
    timeout: float
    adopt: bool = False
    logs_dir: ClassVar[Path] = LOGS
    run_dir: ClassVar[Path] = RUN

    def pid(self) -> int | None:
        """Our process's pid, or None: not started by the testbed (or not running)."""
        return live_pid(self.pidfile, self.program)


def start_dockerd(svc: Service) -> subprocess.Popen:
    """The machine's Docker engine, on the standard socket and data root."""
    return spawn(["dockerd", "--host", DOCKER_URL, "--storage-driver", "overlay2",
                  "--pidfile", str(svc.pidfile)], svc.log)


def start_registry(svc: Service) -> subprocess.Popen:
    """docker-registry with its storage under STATE; it has no pidfile option: we write one."""
    config = render("registry.yml", STATE / "registry" / "config.yml",
                     root=STATE / "registry" / "data", address=REGISTRY)
    proc = spawn(["docker-registry", "serve", str(config)], svc.log)
    svc.pidfile.write_text(f"{proc.pid}\n")
    return proc


def start_glance(svc: Service) -> subprocess.Popen:
    """Glance API under gunicorn (glance-api refuses to run standalone), on a synced DB."""
    etc = STATE / "glance" / "etc"
    conf = render("glance-api.conf", etc / "glance-api.conf", state=STATE, venv=VENV)
    gunicorn_conf = render("gunicorn.conf.py", STATE / "glance" / "gunicorn.conf.py",
                           log=svc.log, pidfile=svc.pidfile)
    for store in ("images", "staging", "tasks"):
        (STATE / "glance" / store).mkdir(parents=True, exist_ok=True)
    with open(svc.log, "ab") as out:
        sync = subprocess.run([str(VENV / "bin" / "glance-manage"), "--config-file", str(conf),
                               "db_sync"], stdout=out, stderr=subprocess.STDOUT)
    if sync.returncode:
        raise TestbedError("glance-manage db_sync failed" + log_tail(svc.log))
    env = os.environ | {"OS_GLANCE_CONFIG_DIR": str(etc)}
    return spawn([str(VENV / "bin" / "gunicorn"), "--config", str(gunicorn_conf),
                  "glance.wsgi.api:application"], svc.log, env)


SERVICES = [
    Service("dockerd", "dockerd", DOCKER_URL, lambda: docker_answers(DOCKER_URL),
            start_dockerd, 60, adopt=True),
    Service("registry", "docker-registry", REGISTRY, lambda: http_ok(f"http://{REGISTRY}/v2/"),
            start_registry, 30),
    Service("glance", "gunicorn", GLANCE_URL, lambda: http_ok(f"{GLANCE_URL}/v2/images"),
            start_glance, 60),
]
DOCKERD = SERVICES[0]


def render(template: str, target: Path, **values: object) -> Path:
    """Fill a template of tools/testbed.d (${name} placeholders) into target."""
    text = Template((TEMPLATES / template).read_text()).substitute(
        {key: str(value) for key, value in values.items()})
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return target


def ensure_service(svc: Service) -> None:
    """Start svc unless it runs already; a foreign daemon in its place is adopted only if
    svc allows it. Ours running but not answering where it should (a testbed of an older
    version, another address) is restarted."""
    pid = svc.pid()
    if svc.answers():
        if pid is None and not svc.adopt:
            raise TestbedError(f"{svc.where} is served by a process the testbed did not start; "
                               f"stop it or free that address for the testbed's {svc.name}")
        print(f"{svc.name}: up at {svc.where}")
        return
    if pid:
        with contextlib.suppress(TestbedError):
            wait_until(svc.answers, svc.name, min(svc.timeout, 10), log=svc.log)
            return
        print(f"{svc.name}: ours (pid {pid}) does not answer at {svc.where}: restarting")
        stop_pid(pid)
    for directory in (RUN, LOGS):
        directory.mkdir(parents=True, exist_ok=True)
    svc.pidfile.unlink(missing_ok=True)  # stale: dockerd and gunicorn refuse to start over one
    proc = svc.start(svc)
    wait_until(svc.answers, svc.name, svc.timeout, proc, svc.log)
    print(f"{svc.name}: started at {svc.where} (pid {proc.pid}, log {svc.log})")


def stop_service(svc: Service) -> None:
    """Stop svc if the testbed started it; a service found running is somebody else's."""
    pid = svc.pid()
    if pid is None:
        print(f"{svc.name}: not started by the testbed, left alone")
        return
    stop_pid(pid)
    svc.pidfile.unlink(missing_ok=True)
    print(f"{svc.name}: stopped")


# --- images ------------------------------------------------------------------------------


def image_ref(name: str) -> str:
    return f"{IMAGE_NAMESPACE}/{name}:latest"


def image_recipe(name: str) -> str:
    """What image `name` is made of, as a digest: busybox, the rootfs recipe and the changes."""
    digest = hashlib.sha256(BUSYBOX.read_bytes())
    digest.update(SERVER_PAGE)
    digest.update(json.dumps(COMMON_CHANGES + IMAGES[name]).encode())
    return digest.hexdigest()[:16]


def rootfs_tar() -> bytes:
    """A busybox root filesystem as a tar, built in memory with fixed metadata so that every
    build gives the same layer (all images share it; the registry stores it once)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for directory, mode in [("bin", 0o755), ("etc", 0o755), ("root", 0o700),
                                ("sbin", 0o755), ("tmp", 0o1777), ("usr", 0o755),
                                ("usr/bin", 0o755), ("usr/sbin", 0o755), ("www", 0o755)]:
            add_member(tar, directory, tarfile.DIRTYPE, mode)
        add_member(tar, "bin/busybox", tarfile.REGTYPE, 0o755, BUSYBOX.read_bytes())
        for applet in busybox_applets():
            add_member(tar, applet, tarfile.SYMTYPE, 0o777, link="/bin/busybox")
        add_member(tar, "etc/passwd", tarfile.REGTYPE, 0o644,
                   b"root:x:0:0:root:/root:/bin/sh\n"
                   b"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
        add_member(tar, "etc/group", tarfile.REGTYPE, 0o644, b"root:x:0:\nnobody:x:65534:\n")
        add_member(tar, "www/index.html", tarfile.REGTYPE, 0o644, SERVER_PAGE)
    return buffer.getvalue()


def busybox_applets() -> list[str]:
    """Where busybox wants its applets (bin/sh, usr/bin/wget, ...), as paths in the rootfs."""
    listing = run([str(BUSYBOX), "--list-full"]).stdout.split()
    return sorted(path for path in listing if "/" in path and path != "bin/busybox")


def add_member(tar: tarfile.TarFile, name: str, kind: bytes, mode: int,
               data: bytes = b"", link: str = "") -> None:
    """Add one file, directory or symlink owned by root, with a fixed mtime."""
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.linkname, info.size = kind, mode, link, len(data)
    info.uname = info.gname = "root"
    tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def ensure_images(client: docker.DockerClient) -> None:
    """Build each image that is missing or outdated, and push each the registry lacks."""
    rootfs = None
    for name in IMAGES:
        ref, recipe = image_ref(name), image_recipe(name)
        if image_label(client, ref, RECIPE_LABEL) != recipe:
            rootfs = rootfs or rootfs_tar()
            answer = client.api.import_image_from_data(
                rootfs, repository=ref.rsplit(":", 1)[0], tag="latest",
                changes=[*COMMON_CHANGES, f"LABEL {RECIPE_LABEL}={recipe}", *IMAGES[name]])
            if image_label(client, ref, RECIPE_LABEL) != recipe:
                raise TestbedError(f"import of {ref} failed: {answer}")
            print(f"image {ref}: built")
        if not in_registry(client, name):
            push(client, ref)
            print(f"image {ref}: pushed")


def image_label(client: docker.DockerClient, ref: str, label: str) -> str | None:
    """A label of a local image, None when the image is missing."""
    try:
        return client.images.get(ref).labels.get(label)
    except docker.errors.ImageNotFound:
        return None


def in_registry(client: docker.DockerClient, name: str) -> bool:
    """Whether the registry's testbed/NAME:latest is the engine's image (same digest)."""
    request = urllib.request.Request(
        f"http://{REGISTRY}/v2/testbed/{name}/manifests/latest", method="HEAD",
        headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            digest = response.headers["Docker-Content-Digest"]
    except urllib.error.URLError:
        return False
    repo_digests = client.images.get(image_ref(name)).attrs.get("RepoDigests") or []
    return f"{IMAGE_NAMESPACE}/{name}@{digest}" in repo_digests


def push(client: docker.DockerClient, ref: str) -> None:
    """Push ref to the registry; the engine reports errors inside the stream, not as status."""
    repository, tag = ref.rsplit(":", 1)
    for line in client.images.push(repository, tag=tag, stream=True, decode=True):
        if "error" in line:
            raise TestbedError(f"push of {ref} failed: {line['error']}")


def copy_images(source: docker.DockerClient, target: docker.DockerClient) -> None:
    """Move the testbed images into another engine with save | load: it cannot reach the
    registry, which listens on the host's loopback only."""
    for name in IMAGES:
        target.images.load(source.api.get_image(image_ref(name)))


def remove_images(client: docker.DockerClient) -> None:
    """Remove the testbed's images from an engine (down --purge); images in use stay."""
    for name in IMAGES:
        try:
            client.images.remove(image_ref(name))
        except docker.errors.ImageNotFound:
            pass
        except docker.errors.APIError as error:
            print(f"image {image_ref(name)} kept: {error.explanation}", file=sys.stderr)


# --- state file --------------------------------------------------------------------------


@contextlib.contextmanager
def state_lock() -> Iterator[None]:
    """Serialise the commands that change the testbed (tests may add engines in parallel)."""
    STATE.mkdir(parents=True, exist_ok=True)
    with open(STATE / "testbed.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def load_state() -> dict:
    try:
        return json.loads(STATE_FILE.read_text())
    except FileNotFoundError:
        return {}


def save_state(state: dict) -> None:
    """Replace testbed.json at once: tests may read it at any moment."""
    tmp = STATE_FILE.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")
    tmp.replace(STATE_FILE)


def describe(engines: dict) -> dict:
    """The content of testbed.json (documented in tools/README.testbed.md)."""
    registry, glance = SERVICES[1], SERVICES[2]
    dockerd_pid = DOCKERD.pid()
    return {
        "state_dir": str(STATE),
        "docker": {"url": DOCKER_URL, "started_by_testbed": dockerd_pid is not None,
                   "pid": dockerd_pid, "log": str(DOCKERD.log)},
        "registry": {"address": REGISTRY, "url": f"http://{REGISTRY}", "pid": registry.pid(),
                     "log": str(registry.log)},
        "glance": {"url": GLANCE_URL, "pid": glance.pid(), "log": str(glance.log)},
        "image_label": LABEL,
        "images": {name: image_ref(name) for name in IMAGES},
        "engines": engines,
    }


# --- extra engines -----------------------------------------------------------------------


def engine_dir(name: str) -> Path:
    return STATE / "engines" / name


def engine_add(name: str, with_tls: bool) -> None:
    """Start an extra engine NAME in a network namespace of its own, with the images."""
    if not ENGINE_NAME.fullmatch(name):
        raise TestbedError(f"engine name {name!r}: use 1-12 of a-z, 0-9, '-', a letter first")
    state = load_state()
    if not state or not docker_answers(DOCKER_URL):
        raise TestbedError("the testbed is not up: run 'tools/testbed up' first")
    engines = state["engines"]
    if name in engines:
        if docker_answers(engines[name]["socket"]):
            print(f"engine {name}: already up at {engines[name]['url']}")
            return
        engines.pop(name)
        engine_remove(name)
    elif name in run(["ip", "netns", "list"]).stdout.split():
        raise TestbedError(f"network namespace {name} exists and is not the testbed's")
    used = {record["index"] for record in engines.values()}
    index = min(set(range(1, 255)) - used)
    try:
        engines[name] = start_engine(name, index, with_tls)
    except BaseException:
        engine_remove(name)
        raise
    save_state(state)
    print(f"engine {name}: up at {engines[name]['url']} ({engines[name]['socket']})")


def start_engine(name: str, index: int, with_tls: bool) -> dict:
    """Namespace, veth pair, optional TLS material, dockerd, images: the engine's record."""
    host_address, address = f"{ENGINE_NET}.{index}.1", f"{ENGINE_NET}.{index}.2"
    make_netns(name, host_address, address)
    home = engine_dir(name)
    home.mkdir(parents=True, exist_ok=True)
    tls = make_tls(home / "tls", name, address) if with_tls else None
    port = 2376 if tls else 2375
    record = {
        "index": index, "netns": name, "address": address, "host_address": host_address,
        "host_interface": f"tb-{name}", "bridge": f"{ENGINE_NET}.{index}.129/25",
        "url": f"tcp://{address}:{port}", "socket": f"unix://{home}/docker.sock",
        "tls": tls, "log": str(LOGS / f"engine-{name}.log"), "data_root": str(home / "data"),
    }
    launch_dockerd(name, record)
    with docker_client(DOCKER_URL) as source, docker_client(record["socket"]) as target:
        copy_images(source, target)
    return record


def launch_dockerd(name: str, record: dict) -> None:
    """Start the dockerd of engine NAME as its record says, in its namespace; wait for it."""
    home = engine_dir(name)
    tls = record["tls"]
    argv = ["nsenter", f"--net=/var/run/netns/{name}", "dockerd",
            "--data-root", record["data_root"], "--exec-root", str(ENGINE_EXEC / name),
            "--pidfile", str(home / "dockerd.pid"), "--storage-driver", "overlay2",
            "--host", record["socket"], "--host", record["url"], "--bip", record["bridge"],
            # One containerd namespace per engine, in case they share a system containerd.
            "--containerd-namespace", f"testbed-{name}",
            "--containerd-plugins-namespace", f"testbed-{name}-plugins"]
    if tls:
        argv += ["--tlsverify", "--tlscacert", tls["ca"], "--tlscert", tls["server_cert"],
                 "--tlskey", tls["server_key"]]
    else:
        # Said explicitly, it spares the 15 s pause dockerd makes to warn about plain TCP.
        argv.append("--tls=false")
    proc = spawn(argv, Path(record["log"]))
    wait_until(lambda: docker_answers(record["socket"]), f"engine {name}", 60, proc,
               Path(record["log"]))
    record["pid"] = proc.pid


def engine_restart(name: str) -> None:
    """Start again the dockerd of engine NAME after it died or was killed, on its data:
    its containers and images are still there (stopped, as after a host reboot). A dockerd
    that runs but does not answer (frozen) is killed first."""
    state = load_state()
    record = state.get("engines", {}).get(name)
    if record is None:
        raise TestbedError(f"no engine {name}: add it with 'tools/testbed engine add {name}'")
    if docker_answers(record["socket"]):
        print(f"engine {name}: already up at {record['url']}")
        return
    # dockerd first, then its containerd (the container processes and their shims stay).
    # A killed daemon leaves its pidfile and may linger as a zombie (our daemons' parent may
    # be a non-reaping init): the new dockerd would take that pid for a running daemon.
    for pidfile, program in ((engine_dir(name) / "dockerd.pid", "dockerd"),
                             (ENGINE_EXEC / name / "containerd" / "containerd.pid",
                              "containerd")):
        pid = live_pid(pidfile, program)
        if pid:
            os.kill(pid, signal.SIGKILL)
            wait_until(lambda pid=pid: not pid_alive(pid), f"{program} of engine {name} to die",
                       30)
        pidfile.unlink(missing_ok=True)
    launch_dockerd(name, record)
    save_state(state)
    print(f"engine {name}: restarted at {record['url']} ({record['socket']})")


def engine_stop(name: str) -> bool:
    """Stop the dockerd of engine NAME (it stops its containers), keeping its namespace and
    data: engine_restart brings it back with its images, swarm state and containers."""
    pid = live_pid(engine_dir(name) / "dockerd.pid", "dockerd")
    if pid:
        stop_pid(pid)
    return pid is not None


def make_netns(name: str, host_address: str, address: str) -> None:
    """Namespace NAME joined to the host by the veth pair tb-NAME (host) / eth0 (engine)."""
    host_if = f"tb-{name}"
    run(["ip", "netns", "add", name])
    run(["ip", "link", "add", host_if, "type", "veth", "peer", "name", "eth0", "netns", name])
    run(["ip", "addr", "add", f"{host_address}/30", "dev", host_if])
    run(["ip", "link", "set", host_if, "up"])
    # No default route: the engine reaches the host and the other engines, never the outside.
    for argv in (["addr", "add", f"{address}/30", "dev", "eth0"], ["link", "set", "lo", "up"],
                 ["link", "set", "eth0", "up"],
                 ["route", "add", f"{ENGINE_NET}.0.0/16", "via", host_address]):
        run(["ip", "-n", name, *argv])
    Path("/proc/sys/net/ipv4/ip_forward").write_text("1\n")
    run(["iptables", *engine_forward_rule("-I", name)])


def engine_forward_rule(action: str, name: str) -> list[str]:
    """The host's rule letting engine NAME reach the other engines (swarm, multi-host tests):
    the main dockerd sets the FORWARD policy to DROP."""
    return [action, "FORWARD", "-i", f"tb-{name}", "-o", "tb-+", "-j", "ACCEPT"]


def make_tls(directory: Path, name: str, address: str) -> dict:
    """A CA, a server certificate for the engine's address and 127.0.0.1, and a client
    certificate; named like DOCKER_CERT_PATH wants them (ca.pem, cert.pem, key.pem)."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {key: str(directory / file) for key, file in [
        ("ca", "ca.pem"), ("ca_key", "ca-key.pem"), ("server_cert", "server-cert.pem"),
        ("server_key", "server-key.pem"), ("cert", "cert.pem"), ("key", "key.pem")]}
    new_key = ["-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    run(["openssl", "req", "-x509", *new_key, "-days", "3650", "-subj",
         f"/CN=testbed {name} CA", "-keyout", files["ca_key"], "-out", files["ca"]])
    sign_cert(files, "server_cert", "server_key", new_key, f"/CN={address}",
              ["-addext", f"subjectAltName=IP:{address},IP:127.0.0.1",
               "-addext", "extendedKeyUsage=serverAuth"])
    sign_cert(files, "cert", "key", new_key, "/CN=testbed client",
              ["-addext", "extendedKeyUsage=clientAuth"])
    files["cert_path"] = str(directory)
    return files


def sign_cert(files: dict, cert: str, key: str, new_key: list[str], subject: str,
              extensions: list[str]) -> None:
    """Make a key and a certificate signed by the CA, keeping the extensions asked for."""
    csr = Path(files[cert]).with_suffix(".csr")
    run(["openssl", "req", "-new", *new_key, "-subj", subject, *extensions,
         "-keyout", files[key], "-out", str(csr)])
    run(["openssl", "x509", "-req", "-in", str(csr), "-CA", files["ca"], "-CAkey",
         files["ca_key"], "-CAcreateserial", "-copy_extensions", "copy", "-days", "3650",
         "-out", files[cert]])
    csr.unlink()


def engine_remove(name: str) -> None:
    """Stop engine NAME and delete its namespace, veth pair and data; also mops up after a
    half-made or crashed engine, hence every step tolerates what is already gone."""
    home = engine_dir(name)
    kill_containers(home / "data")  # first: dockerd would give each 10 s to stop
    pid = live_pid(home / "dockerd.pid", "dockerd")
    if pid:
        stop_pid(pid)
    if name in run(["ip", "netns", "list"]).stdout.split():
        # What is left in the namespace (containerd, shims) belongs to this engine only.
        for leftover in run(["ip", "netns", "pids", name]).stdout.split():
            stop_pid(int(leftover), timeout=5)
        run(["ip", "netns", "delete", name])
    run(["ip", "link", "delete", f"tb-{name}"], check=False)
    run(["iptables", *engine_forward_rule("-D", name)], check=False)
    for directory in (home, ENGINE_EXEC / name):
        unmount_under(directory)
        shutil.rmtree(directory, ignore_errors=True)


def kill_containers(data_root: Path) -> None:
    """Kill what runs in the engine's containers, found by container id in their cgroup: also
    after a crash of the engine, when they outlive its dockerd and containerd."""
    ids = [entry.name for entry in (data_root / "containers").glob("*")]
    if not ids:
        return
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            if any(cid in (proc / "cgroup").read_text() for cid in ids):
                os.kill(int(proc.name), signal.SIGKILL)


def unmount_under(directory: Path) -> None:
    """Unmount what a killed dockerd left mounted below directory (overlays, netns files),
    deepest first, so that removing the directory never reaches into a mounted tree."""
    prefix = f"{directory}/"
    mounts = [line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines()]
    for mount in sorted((m for m in mounts if m.startswith(prefix)), key=len, reverse=True):
        run(["umount", "--lazy", mount], check=False)


# --- commands ----------------------------------------------------------------------------


def cmd_up(args: argparse.Namespace) -> int:
    """Start whatever is not running; a second 'up' finds everything in place and returns."""
    with state_lock():
        for svc in SERVICES:
            ensure_service(svc)
        with docker_client(DOCKER_URL) as client:
            ensure_images(client)
        engines = load_state().get("engines", {})
        save_state(describe(engines))
    print(f"testbed up: {STATE_FILE}")
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    """Stop what 'up' and 'engine add' started; --purge also deletes the data (not the venv)."""
    with state_lock():
        for name in load_state().get("engines", {}):
            engine_remove(name)
            print(f"engine {name}: removed")
        if args.purge and docker_answers(DOCKER_URL):
            with docker_client(DOCKER_URL) as client:
                remove_images(client)
        for svc in reversed(SERVICES):
            stop_service(svc)
        STATE_FILE.unlink(missing_ok=True)
        if args.purge:
            for entry in STATE.iterdir():
                if entry.name in ("venv", "testbed.lock"):
                    continue
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
            print(f"purged {STATE} (the venv stays)")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Print what runs where and where it logs; exit 1 when anything is missing."""
    healthy = True
    for svc in SERVICES:
        up = svc.answers()
        healthy &= up
        pid = svc.pid()
        owner = f"pid {pid}" if pid else "not started by the testbed" if up else "-"
        print(f"{svc.name:9} {'up' if up else 'DOWN':5} {svc.where:30} {owner:28} log {svc.log}")
    healthy &= print_images()
    for name, record in load_state().get("engines", {}).items():
        up = docker_answers(record["socket"])
        healthy &= up
        tls = " tls" if record["tls"] else ""
        print(f"engine {name:9} {'up' if up else 'DOWN':5} {record['url'] + tls:30} "
              f"{record['socket']} pid {record['pid']} log {record['log']}")
    return 0 if healthy else 1


def print_images() -> bool:
    """Print which testbed images the main engine has; True when it has them all."""
    if not docker_answers(DOCKER_URL):
        print(f"{'images':9} {'DOWN':5} (no engine)")
        return False
    with docker_client(DOCKER_URL) as client:
        missing = [name for name in IMAGES if image_label(client, image_ref(name), LABEL) is None]
    state = f"missing: {', '.join(missing)}" if missing else ", ".join(IMAGES)
    print(f"{'images':9} {'DOWN' if missing else 'up':5} {IMAGE_NAMESPACE}/  {state}")
    return not missing


def cmd_env(args: argparse.Namespace) -> int:
    """Print export lines for eval "$(tools/testbed env)"."""
    for key, value in [("DOCKER_HOST", DOCKER_URL), ("TESTBED_REGISTRY", REGISTRY),
                       ("GLANCE_URL", GLANCE_URL), ("TESTBED_STATE", str(STATE))]:
        print(f"export {key}={shlex.quote(value)}")
    return 0


def cmd_engine_add(args: argparse.Namespace) -> int:
    with state_lock():
        engine_add(args.name, args.tls)
    return 0


def cmd_engine_restart(args: argparse.Namespace) -> int:
    with state_lock():
        engine_restart(args.name)
    return 0


def engine_rm(name: str) -> None:
    """Remove engine NAME and its record (hold state_lock)."""
    state = load_state()
    if state.get("engines", {}).pop(name, None) is None:
        raise TestbedError(f"no engine {name}")
    engine_remove(name)
    save_state(state)


def cmd_engine_rm(args: argparse.Namespace) -> int:
    with state_lock():
        engine_rm(args.name)
    print(f"engine {args.name}: removed")
    return 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tools/testbed", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start the testbed").set_defaults(func=cmd_up)
    down = commands.add_parser("down", help="stop what up started")
    down.add_argument("--purge", action="store_true", help="also delete the data (not the venv)")
    down.set_defaults(func=cmd_down)
    commands.add_parser("status", help="show the services").set_defaults(func=cmd_status)
    commands.add_parser("env", help="print export lines").set_defaults(func=cmd_env)
    engine = commands.add_parser("engine", help="extra Docker engines").add_subparsers(
        dest="engine_command", required=True)
    add = engine.add_parser("add", help="start engine NAME in its own network namespace")
    add.add_argument("name")
    add.add_argument("--tls", action="store_true", help="listen on 2376 with TLS client auth")
    add.set_defaults(func=cmd_engine_add)
    restart = engine.add_parser("restart", help="start the dockerd of engine NAME again "
                                "after it died, keeping its containers and images")
    restart.add_argument("name")
    restart.set_defaults(func=cmd_engine_restart)
    remove = engine.add_parser("rm", help="stop engine NAME and delete it")
    remove.add_argument("name")
    remove.set_defaults(func=cmd_engine_rm)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        return args.func(args)
    except TestbedError as error:
        print(f"testbed: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
