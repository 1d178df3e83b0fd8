"""Benchmark: the all-in-one from nothing to a server ACTIVE, cold and warm, and the
resident memory of its services at idle. Targets (issue 10, this 2-core machine): warm
<= 60 s, cold <= 5 min, <= 2.5 GB.

- cold: `tools/allinone down --purge`, the venv and uv's download cache removed (nothing
  of the all-in-one left on the machine but the Debian packages), then `tools/allinone up`
  and `openstack server create --nic none --wait`;
- warm: `tools/allinone down` (data kept), `up` again, and a server ACTIVE;
- memory: the resident set of every process of the all-in-one's services (their process
  trees, the swarm hosts' engines with their containerd included), summed, after the warm
  run settled; with it the testbed's Docker engine and registry, which the all-in-one runs
  on. The testbed's own Glance (for the shared layer's tests) is printed apart.

The targets are held against `up` (the issue's "warm `up` <= 60 s"); the server's time
(the `openstack` CLI included) and the sum are printed beside it.

Run (as root, the testbed up): python3 benchmarks/allinone_up.py [--warm-only]
(--memory-only: only the memory of the running all-in-one, nothing restarted)
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


def service_roots():
    """{root pid: set name} of the processes the services hang from, in three sets:
    - "all-in-one": our daemons (STATE/run/*.started) and the swarm hosts' engines;
    - "testbed it runs on": the testbed's Docker engine (nova-compute's) and registry;
    - "testbed's Glance": the unauthenticated Glance of the shared layer's tests, which
      the testbed runs but the all-in-one does not use (its own Glance is behind Keystone).
    """
    state = json.loads(TESTBED_STATE.read_text())
    engines = state.get("engines", {})
    records = state | engines
    named = {"all-in-one": [name for name in engines if name.startswith("aio-")],
             "testbed it runs on": ["docker", "registry"], "testbed's Glance": ["glance"]}
    roots = {records[name]["pid"]: set_name for set_name, names in named.items()
             for name in names if records.get(name, {}).get("pid")}
    roots.update({int(path.read_text().split()[0]): "all-in-one"
                  for path in (STATE / "run").glob("*.started")})
    return roots


def processes():
    """{pid: (parent pid, smaps_rollup fields)} of every live process we may read."""
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            rollup = dict(line.split(":", 1) for line in
                          (proc / "smaps_rollup").read_text().splitlines()[1:])
        except (OSError, ValueError):
            continue
        if fields[0] != "Z":
            found[int(proc.name)] = (int(fields[1]), rollup)
    return found


def resident_bytes():
    """{set name: (RSS, PSS, processes)} over the process trees of service_roots()
    (gunicorn's workers, dockerd's containerd and shims, rabbitmq's erlang...). RSS counts
    the pages a forked worker shares with its master once per process; PSS shares them
    out, so its sum is the memory the services really take."""
    table = processes()
    roots = service_roots()
    sums = dict.fromkeys(roots.values(), (0, 0, 0))
    for pid, (_parent, rollup) in table.items():
        ancestor = pid
        while ancestor not in roots and ancestor in table and ancestor > 1:
            ancestor = table[ancestor][0]
        if ancestor in roots:
            rss, pss, count = sums[roots[ancestor]]
            sums[roots[ancestor]] = (rss + int(rollup["Rss"].split()[0]) * 1024,
                                     pss + int(rollup["Pss"].split()[0]) * 1024, count + 1)
    return sums


def print_memory():
    memory = resident_bytes()
    print("memory at idle (GB):")
    for name, (rss, pss, count) in memory.items():
        print(f"  {name:19} {pss / 2**30:5.2f} PSS {rss / 2**30:5.2f} RSS, {count} processes")
    held = [memory.get(name, (0, 0, 0)) for name in ("all-in-one", "testbed it runs on")]
    pss = sum(pss for _rss, pss, _count in held)
    rss = sum(rss for rss, _pss, _count in held)
    print(f"  {'held to the target':19} {pss / 2**30:5.2f} PSS {rss / 2**30:5.2f} RSS "
          f"(target 2.5 GB: PSS ratio {pss / 2**30 / 2.5:.2f}, RSS ratio {rss / 2**30 / 2.5:.2f})")


def main():
    if "--memory-only" in sys.argv:
        print_memory()
        return
    rows = []
    if "--warm-only" not in sys.argv:
        rows.append(("cold", *cycle(cold=True)))
    rows.append(("warm", *cycle(cold=False)))
    time.sleep(30)
    print(f"{'run':5} {'up (s)':>8} {'target':>7} {'ratio':>6} {'server ACTIVE (s)':>18} "
          f"{'up + server (s)':>16}")
    for name, up, server, _report in rows:
        target = 300 if name == "cold" else 60
        print(f"{name:5} {up:8.1f} {target:7} {up / target:6.2f} {server:18.1f} "
              f"{up + server:16.1f}")
    print()
    print_memory()
    for name, _up, _server, report in rows:
        print(f"\n`up` ({name}), as it reported its steps:")
        print("\n".join(line for line in report.splitlines() if " s  " in line))


if __name__ == "__main__":
    main()
