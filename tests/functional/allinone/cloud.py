"""The running all-in-one (``tools/allinone up``), driven with the real clients."""

import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tools"))
from aio.client import ADMIN, CLOUDS, DEMO, STATE, openstack

__all__ = ["ADMIN", "DEMO", "openstack"]
BIN = STATE / "venv" / "bin"


class AllInOneMissing(RuntimeError):
    """These tests need the all-in-one: start it with ``tools/allinone up``."""


def check_up():
    if not CLOUDS.exists() or not (BIN / "openstack").exists():
        raise AllInOneMissing(f"{CLOUDS} not found: run `tools/allinone up` first")


def wait_for(check, what, timeout=180, interval=1):
    """Poll check() until it returns something true; return it."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(interval)


def server_status(server, status, timeout=180):
    return wait_for(lambda: openstack("server", "show", server)["status"] == status,
                    f"server {server} {status}", timeout)
