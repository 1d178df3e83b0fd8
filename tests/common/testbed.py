"""Where the testbed (``tools/testbed up``) put the real services functional tests use."""

import contextlib
import functools
import json
import os
import pathlib
import signal
import subprocess
import time

TOOL = pathlib.Path(__file__).resolve().parents[2] / "tools" / "testbed"
STATE_DIR = os.environ.get("TESTBED_STATE", "/var/lib/openstack-docker-testbed")


class TestbedMissing(RuntimeError):
    """Functional tests need the real services: start them with ``tools/testbed up``."""


@functools.cache
def state():
    """The testbed's ``testbed.json``; fails loudly when the testbed is not up."""
    path = os.path.join(STATE_DIR, "testbed.json")
    try:
        with open(path) as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise TestbedMissing(f"{path} not found: run `tools/testbed up` first") from None


def image(name):
    """Reference of a testbed image: base, server, oneshot, hello or sleeper."""
    return state()["images"][name]


def registry():
    """The registry as ``host:port``, the form image references use."""
    return state()["registry"]["address"]


def registry_url():
    return state()["registry"]["url"]


def glance_url():
    return state()["glance"]["url"]


def docker_url():
    return state()["docker"]["url"]


def extra_engine(name):
    """An engine started with ``tools/testbed engine add NAME``."""
    return state()["engines"][name]


@contextlib.contextmanager
def extra_engine_running(name, tls=False):
    """Start ``tools/testbed engine add NAME`` for a test module; yield its record."""
    argv = [str(TOOL), "engine", "add", name] + (["--tls"] if tls else [])
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    state.cache_clear()
    try:
        yield extra_engine(name)
    finally:
        subprocess.run([str(TOOL), "engine", "rm", name], check=False,
                       stdout=subprocess.DEVNULL)
        state.cache_clear()


@contextlib.contextmanager
def extra_engines_running(names, tls=False):
    """``extra_engine_running`` for each name; yields ``{name: record}``."""
    with contextlib.ExitStack() as stack:
        for name in names:
            stack.enter_context(extra_engine_running(name, tls=tls))
        yield {name: extra_engine(name) for name in names}


def restart_extra_engine(name):
    """``tools/testbed engine restart NAME``: the engine's dockerd, dead or frozen, starts
    again on its data (containers and images kept); returns its record."""
    subprocess.run([str(TOOL), "engine", "restart", name], check=True,
                   stdout=subprocess.DEVNULL)
    state.cache_clear()
    return extra_engine(name)


def kill_extra_engine(name):
    """SIGKILL the dockerd of engine NAME (a host that dies); returns once it is gone (or a
    zombie). ``restart_extra_engine`` brings it back."""
    pidfile = os.path.join(STATE_DIR, "engines", name, "dockerd.pid")
    with open(pidfile) as handle:
        pid = int(handle.read().strip())
    os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        with open(f"/proc/{pid}/stat") as stat:
            if stat.read().split()[2] == "Z":
                return
        time.sleep(0.1)
