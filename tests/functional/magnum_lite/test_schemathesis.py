"""Property-based fuzzing of the live API from its OpenAPI document: no 5xx, ever."""

import re
import subprocess
import sys

ACCESS = re.compile(r'"[A-Z]+ (\S+) HTTP/1\.[01]" (\d{3}) ')


def _access_lines(magnum):
    return ACCESS.findall((magnum.tmp / "api.log").read_text(errors="replace"))


def test_no_server_errors_over_a_thousand_requests(magnum, tmp_path):
    before = len(_access_lines(magnum))
    proc = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", magnum.url + "/v1/openapi.yaml",
         "--url", magnum.url, "--checks", "not_a_server_error", "--max-examples", "30",
         "--seed", "7", "--max-time", "100", "--request-timeout", "10",
         "--header", "X-Project-Id: fuzz", "--header", "X-Roles: admin,member",
         "--suppress-health-check", "all", "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    requests = _access_lines(magnum)[before:]
    server_errors = [(path, code) for path, code in requests if code.startswith("5")]
    assert not server_errors, (server_errors[:10], proc.stdout[-3000:])
    assert proc.returncode == 0, proc.stdout[-5000:]
    assert len(requests) >= 1000, (len(requests), proc.stdout[-2000:])
