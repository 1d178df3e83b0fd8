"""The running all-in-one (``tools/allinone up``), driven with the real clients."""

import pathlib
import sys

from tests.common.helpers import wait_for

# tools/aio/client.py: the openstack CLI in this process (tools/ is not a package).
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tools"))
from aio.client import ADMIN, CLOUDS, DEMO, STATE, CommandFailed, openstack

__all__ = ["ADMIN", "DEMO", "CommandFailed", "openstack", "wait_for"]
BIN = STATE / "venv" / "bin"


class AllInOneMissing(RuntimeError):
    """These tests need the all-in-one: start it with ``tools/allinone up``."""


def check_up():
    if not CLOUDS.exists() or not (BIN / "openstack").exists():
        raise AllInOneMissing(f"{CLOUDS} not found: run `tools/allinone up` first")


def server_status(server, status, timeout=180):
    return wait_for(lambda: openstack("server", "show", server)["status"] == status,
                    timeout=timeout, interval=1, what=f"server {server} {status}")
