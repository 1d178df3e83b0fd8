"""Benchmark: ``glance-docker import`` against ``docker pull; docker save | glance image-create``.

Builds images of random data (so compression cannot flatter either side) in several sizes,
pushes them to the testbed registry, then imports each size with both methods, interleaved,
ROUNDS times. Prints the median wall time of each, their ratio (target <= 1.0) and the peak
RSS of the bridge's process per image size (target <= 64 MB and flat in the image size).

Needs ``tools/testbed up``. Run: ``PYTHONPATH=. python benchmarks/image_import.py``.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid

from keystoneauth1 import noauth, session

from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from openstack_docker.images.bridge.glance import Glance
from openstack_docker.images.bridge.reference import parse
from openstack_docker.images.bridge.registry import Registry
from tests.common import testbed
from tests.common.helpers import delete_manifest
from tests.functional.openstack_docker import bridge_services as services

MB = 1 << 20
CLI = [sys.executable, "-m", "openstack_docker.images.bridge.cli"]
GLANCE_CLI = shutil.which("glance", path=os.path.dirname(sys.executable)) or "glance"


# Runs a command from a small process and reports the command's peak RSS: measured from this
# (large) process, a child's ru_maxrss would include this process's pages, copied at fork.
_MEASURE = ("import os, sys\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    os.execvp(sys.argv[1], sys.argv[1:])\n"
            "_, status, usage = os.wait4(pid, 0)\n"
            "sys.stderr.write(f'\\nmaxrss_kb={usage.ru_maxrss}\\n')\n"
            "sys.exit(os.waitstatus_to_exitcode(status))\n")


def _run_measured(argv):
    """Wall seconds, peak RSS (MB) and stdout of one command."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _MEASURE, *argv], capture_output=True)
    elapsed = time.monotonic() - started
    if done.returncode:
        raise RuntimeError(f"{argv} failed: {done.stderr.decode()[-2000:]}")
    peak_kb = int(done.stderr.decode().rsplit("maxrss_kb=", 1)[1])
    return elapsed, peak_kb / 1024, done.stdout


def bridge_import(reference, glance):
    elapsed, rss, out = _run_measured([*CLI, "import", "--json", "--os-image-url",
                                       testbed.glance_url(), "--name",
                                       f"bench-{uuid.uuid4().hex[:8]}", reference])
    result = json.loads(out)
    assert not result["reused"], "the image was already in Glance: the benchmark is void"
    glance.delete(result["id"])
    return elapsed, rss


def pipeline_import(reference, engine, glance):
    name = f"bench-{uuid.uuid4().hex[:8]}"
    command = (f"set -euo pipefail; docker pull -q {reference} >/dev/null; "
               f"docker save {reference} | {GLANCE_CLI} --os-image-url {testbed.glance_url()} "
               f"--os-auth-token x image-create --container-format docker --disk-format raw "
               f"--name {name} >/dev/null")
    elapsed, _, _ = _run_measured(["/bin/bash", "-c", command])
    for image in glance.find(name=name):
        glance.delete(image["id"])
    engine.remove_image(reference)
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50,200", help="image sizes in MB")
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    engine = Engine(parse_endpoint(testbed.docker_url()), owner="bridge-benchmark")
    glance = Glance(session.Session(auth=noauth.NoAuth()), endpoint_override=testbed.glance_url())
    registry = Registry(testbed.registry())
    sizes = [int(s) for s in args.sizes.split(",")]
    references = {}
    try:
        for size in sizes:
            reference = f"{testbed.registry()}/bridge-bench/random-{uuid.uuid4().hex[:8]}:{size}mb"
            print(f"building {reference} ({size} MB in {args.layers} layers)", flush=True)
            references[size] = (reference, services.build_random_image(
                engine, reference, size * MB, args.layers))
        report = {}
        for size, (reference, _) in references.items():
            ours, theirs, rss = [], [], []
            for _ in range(args.rounds):
                elapsed, peak = bridge_import(reference, glance)
                ours.append(elapsed)
                rss.append(peak)
                theirs.append(pipeline_import(reference, engine, glance))
            report[size] = {"bridge_median_s": round(statistics.median(ours), 2),
                            "pipeline_median_s": round(statistics.median(theirs), 2),
                            "ratio": round(statistics.median(ours) / statistics.median(theirs),
                                           3),
                            "bridge_peak_rss_mb": round(max(rss), 1)}
            print(f"{size:>5} MB: bridge {report[size]['bridge_median_s']}s, pipeline "
                  f"{report[size]['pipeline_median_s']}s, ratio {report[size]['ratio']} "
                  f"(target <= 1.0), bridge peak RSS {report[size]['bridge_peak_rss_mb']} MB "
                  "(target <= 64)", flush=True)
        print(json.dumps(report, indent=2))
    finally:
        for reference, image_id in references.values():
            ref = parse(reference)
            delete_manifest(registry, ref, registry.manifest(ref).digest)
            services.remove_engine_image(engine, image_id)


if __name__ == "__main__":
    main()
