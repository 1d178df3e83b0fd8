"""Benchmark: the all-in-one from nothing to a server ACTIVE, cold and warm, and the
resident memory of its services at idle. Targets (issue 10, this 2-core machine): warm
<= 60 s, cold <= 5 min, <= 2.5 GB.

- cold: `tools/allinone down --purge`, the venv and uv's download cache removed (nothing
  of the all-in-one left on the machine but the Debian packages), then `tools/allinone up`
  and `openstack server create --nic none --wait`;
- warm: `tools/allinone down` (data kept), `up` again, and a server ACTIVE;
- memory: the resident set of every process of the all-in-one's services (their process
  groups, the swarm hosts' engines included), summed, after the warm run settled.

The targets are held against `up` (the issue's "warm `up` <= 60 s"); the server's time
(the `openstack` CLI included) and the sum are printed beside it.

Run (as root, the testbed up): python3 benchmarks/allinone_up.py [--warm-only]
It replaces the running all-in-one: do not run it while others use it.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE = Path(os.environ.get("AIO_STATE", "/var/lib/openstack-docker-aio"))
TOOL = ROOT / "tools" / "allinone"
TESTBED_STATE = Path("/var/lib/openstack-docker-testbed/testbed.json")
sys.path.insert(0, str(ROOT / "tools"))


def run(*argv):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def timed(*argv):
    """Seconds the command took, and what it printed (up's step report)."""
    began = time.monotonic()
    out = subprocess.run(argv, check=True, stdout=subprocess.PIPE, text=True).stdout
    return time.monotonic() - began, out


def server_active():
    """Seconds for `openstack server create --nic none --wait` (the server is deleted)."""
    openstack = [str(STATE / "venv" / "bin" / "openstack"), "--os-cloud", "allinone"]
    env = os.environ | {"OS_CLIENT_CONFIG_FILE": str(STATE / "clouds.yaml")}
    began = time.monotonic()
    subprocess.run([*openstack, "server", "create", "--image", "testbed-server", "--flavor",
                    "m1.tiny", "--nic", "none", "--wait", "bench-server"], check=True,
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.monotonic() - began
    subprocess.run([*openstack, "server", "delete", "--wait", "bench-server"], check=True,
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return seconds


def cycle(cold):
    if cold:
        run(str(TOOL), "down", "--purge")
        for path in (STATE / "venv", STATE / "uv-cache", STATE / "secrets.json"):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
    else:
        run(str(TOOL), "down")
    up, report = timed(str(TOOL), "up")
    server = server_active()
    return up, server, report


def process_groups():
    """The process groups of the all-in-one: our daemons' (STATE/run/*.started) and those of
    the swarm hosts' dockerd (each leads its own, containerd in it)."""
    groups = {int(path.read_text().split()[0]) for path in (STATE / "run").glob("*.started")}
    engines = json.loads(TESTBED_STATE.read_text()).get("engines", {})
    groups |= {record["pid"] for name, record in engines.items()
               if name.startswith("aio-") and record.get("pid")}
    return groups


def resident_bytes():
    """(RSS, PSS, processes) of every process in the all-in-one's process groups. RSS
    counts the pages forked workers share once per process; PSS shares them out, so its
    sum is the memory the services really take."""
    groups = process_groups()
    rss = pss = count = 0
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) not in groups or fields[0] == "Z":
                continue
            rollup = dict(line.split(":", 1) for line in
                          (proc / "smaps_rollup").read_text().splitlines()[1:])
        except OSError:
            continue
        rss += int(rollup["Rss"].split()[0]) * 1024
        pss += int(rollup["Pss"].split()[0]) * 1024
        count += 1
    return rss, pss, count


def main():
    rows = []
    if "--warm-only" not in sys.argv:
        rows.append(("cold", *cycle(cold=True)))
    rows.append(("warm", *cycle(cold=False)))
    time.sleep(30)
    rss, pss, processes = resident_bytes()
    print(f"{'run':5} {'up (s)':>8} {'target':>7} {'ratio':>6} {'server ACTIVE (s)':>18} "
          f"{'up + server (s)':>16}")
    for name, up, server, _report in rows:
        target = 300 if name == "cold" else 60
        print(f"{name:5} {up:8.1f} {target:7} {up / target:6.2f} {server:18.1f} "
              f"{up + server:16.1f}")
    print(f"memory at idle over {processes} processes: {pss / 2**30:.2f} GB PSS, "
          f"{rss / 2**30:.2f} GB RSS (target 2.5 GB, PSS ratio {pss / 2**30 / 2.5:.2f})")
    for name, _up, _server, report in rows:
        print(f"\n`up` ({name}), as it reported its steps:")
        print("\n".join(line for line in report.splitlines() if " s  " in line))


if __name__ == "__main__":
    main()
