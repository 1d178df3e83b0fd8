"""The driver in Nova 34's default concurrency mode (native threads), in a process of its
own: this test process runs eventlet, as Nova's functional tests do (threading_mode.py)."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.functional
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


def test_driver_in_threading_mode():
    env = {**os.environ, "OS_NOVA_DISABLE_EVENTLET_PATCHING": "True",
           "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-m", "tests.functional.nova_docker.threading_mode"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "threading mode: OK" in result.stdout
