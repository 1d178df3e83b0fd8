"""Benchmark: a 10-container stack created by the real Heat engine vs ``docker-compose up``.

The same app on both sides: one server (testbed httpd) and nine clients on a user-defined
network (clients find the server by its alias; neither side imposes a start order). Heat
runs in-process (sqlite, Heat's own scheduler with its real 1 s polling step) with the
DockerInc::Docker::* resources; the
baseline is Debian's docker-compose 1.29 (``up -d``). Runs are interleaved in one process;
each side's stack/project is torn down (untimed) before the next run. Prints the median wall
time of each and their ratio (target <= 1.2).

Needs ``tools/testbed up``. Run: ``PYTHONPATH=. /root/dev/bin/python
benchmarks/heat_stack_vs_compose.py [--rounds N]``.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

import heat.tests.common  # noqa: F401  (selects oslo.service's backend; must come first)
from heat.common import messaging
from heat.engine import resources
from heat.tests import utils
from oslo_config import cfg

from heat_docker_plugin import connection
from heat_docker_plugin.plugin import container_resources
from tests.common import testbed

CLIENTS = 9
COMPOSE = shutil.which("docker-compose") or "/usr/bin/docker-compose"


def heat_template():
    net = [{"network": {"get_resource": "net"}}]
    res = {"net": {"type": "DockerInc::Docker::Network"},
           "server": {"type": "DockerInc::Docker::Container",
                      "properties": {"image": testbed.image("server"), "stop_timeout": 0,
                                     "networks": [{"network": {"get_resource": "net"},
                                                   "aliases": ["server"]}]}}}
    for n in range(CLIENTS):
        res[f"client{n}"] = {"type": "DockerInc::Docker::Container",
                             "properties": {"image": testbed.image("sleeper"),
                                            "stop_timeout": 0, "networks": net}}
    return {"heat_template_version": "2018-08-31", "resources": res}


def compose_file():
    lines = ["version: '2.4'", "networks:", "  app: {}", "services:", "  server:",
             f"    image: {testbed.image('server')}", "    networks: [app]"]
    for n in range(CLIENTS):
        lines += [f"  client{n}:", f"    image: {testbed.image('sleeper')}",
                  "    networks: [app]"]
    return "\n".join(lines) + "\n"


def setup_heat():
    etc = os.path.join(sys.prefix, "etc", "heat")
    cfg.CONF([], project="heat")
    cfg.CONF.set_override("environment_dir", os.path.join(etc, "environment.d"))
    cfg.CONF.set_override("template_dir", os.path.join(etc, "templates"))
    # No Keystone here: keep the requester's credentials instead of creating a trust.
    cfg.CONF.set_override("deferred_auth_method", "password")
    messaging.setup("fake://", optional=True)
    utils.setup_dummy_db()
    connection.options()
    cfg.CONF.set_override("endpoint", testbed.docker_url(), group="docker_plugin")
    env = resources.global_env()
    for type_name, cls in container_resources.resource_mapping().items():
        env.register_class(type_name, cls)


def run_heat(template):
    stk = utils.parse_stack(template, stack_name="bench" + uuid.uuid4().hex[:8])
    started = time.monotonic()
    stk.create()
    elapsed = time.monotonic() - started
    if stk.state != (stk.CREATE, stk.COMPLETE):
        raise SystemExit(f"heat stack failed: {stk.status_reason}")
    stk.delete()
    return elapsed


def run_compose(directory):
    project = ["-p", "bench" + uuid.uuid4().hex[:8], "-f", os.path.join(directory, "c.yml")]
    started = time.monotonic()
    subprocess.run([COMPOSE, *project, "up", "-d", "--quiet-pull"], check=True,
                   capture_output=True)
    elapsed = time.monotonic() - started
    subprocess.run([COMPOSE, *project, "down", "-v", "-t", "0"], check=True,
                   capture_output=True)
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setup_heat()
    template = heat_template()
    with tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "c.yml"), "w") as handle:
            handle.write(compose_file())
        run_heat(template), run_compose(directory)  # warm-up: image cache, imports
        heat_times, compose_times = [], []
        for _ in range(args.rounds):
            heat_times.append(run_heat(template))
            compose_times.append(run_compose(directory))
    heat_median = statistics.median(heat_times)
    compose_median = statistics.median(compose_times)
    print(f"heat stack create ({CLIENTS + 1} containers): "
          f"{', '.join(f'{t:.2f}' for t in heat_times)} s, median {heat_median:.2f} s")
    print(f"docker-compose up -d:                 "
          f"{', '.join(f'{t:.2f}' for t in compose_times)} s, median {compose_median:.2f} s")
    print(f"ratio heat/compose (target <= 1.2): {heat_median / compose_median:.2f}")


if __name__ == "__main__":
    main()
