"""tools/allinone up|status|down: the commands, and the order services start in."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from . import (
    base,
    glance,
    heat,
    keystone,
    magnum,
    mariadb,
    neutron,
    nova,
    ovn,
    placement,
    rabbitmq,
    seed,
)


def catalog() -> list[tuple[str, str, str]]:
    """(name, service type, URL) of every API in the catalog (Keystone's own is
    registered by its bootstrap)."""
    url = f"http://{base.HOST}"
    return [
        ("glance", "image", f"{url}:{glance.PORT}"),
        ("placement", "placement", f"{url}:{placement.PORT}"),
        ("nova", "compute", f"{url}:{nova.PORT}/v2.1"),
        ("neutron", "network", f"{url}:{neutron.PORT}"),
        ("heat", "orchestration", f"{url}:{heat.PORT}/v1/%(project_id)s"),
        *magnum.catalog(),
    ]


def phases() -> list[list[base.Daemon]]:
    """The daemons in start order: a phase starts once the one before answers."""
    return [
        mariadb.daemons() + rabbitmq.daemons() + ovn.db_daemons(),
        ovn.switch_daemons(),
        keystone.daemons() + glance.daemons() + placement.daemons() + nova.api_daemons()
        + neutron.daemons() + heat.api_daemons(),
        nova.worker_daemons(ovn.ENV) + heat.engine_daemons() + magnum.daemons(),
    ]


def all_daemons() -> list[base.Daemon]:
    return [daemon for phase in phases() for daemon in phase]


def start(phase: list[base.Daemon]) -> None:
    """Start what does not run yet, then wait until the whole phase answers."""
    changed = [d for d in phase if d.pid() is not None and d.config_changed()]
    if changed:
        print(f"  configuration changed, restarting {', '.join(d.name for d in changed)}",
              flush=True)
        with ThreadPoolExecutor(len(changed)) as pool:
            list(pool.map(base.Daemon.stop, changed))
    started = [(daemon, daemon.start() if daemon.pid() is None else None) for daemon in phase]
    began = time.monotonic()
    base.wait_all(started)
    names = ", ".join(d.name for d, proc in started if proc is not None)
    if names:
        print(f"  started {names} ({time.monotonic() - began:.1f} s)", flush=True)


def parallel(*steps: Callable[[], None]) -> None:
    """Run independent setup steps (database syncs) side by side; the first error wins."""
    with ThreadPoolExecutor(len(steps)) as pool:
        for future in [pool.submit(step) for step in steps]:
            future.result()


def step(title: str, action: Callable[[], None]) -> None:
    began = time.monotonic()
    print(f"- {title}", flush=True)
    action()
    print(f"  ({time.monotonic() - began:.1f} s)", flush=True)


def cmd_up(args: argparse.Namespace) -> int:
    began = time.monotonic()
    if not base.testbed.docker_answers(base.DOCKER_URL):
        raise base.AioError("no Docker engine at /var/run/docker.sock: run tools/testbed up")
    first, switch, apis, workers = phases()
    for directory in (base.LOGS, base.RUN, base.DATA, base.ETC):
        directory.mkdir(parents=True, exist_ok=True)
    step("databases, message queue, OVSDB", lambda: (
        mariadb.prepare_before_start(), rabbitmq.prepare_before_start(),
        ovn.prepare_before_start(), start(first)))
    step("Open vSwitch (userspace datapath), OVN; database users", lambda: (
        ovn.configure_vswitch(), start(switch), parallel(mariadb.prepare, rabbitmq.prepare)))
    step("configuration, database schemas", lambda: parallel(
        keystone.prepare, glance.prepare, placement.prepare, nova.prepare, neutron.prepare,
        heat.prepare, magnum.prepare))
    step("APIs: Keystone, Glance, Placement, Nova, Neutron, Heat", lambda: start(apis))
    step("Keystone users and catalog", lambda: (
        base.once("keystone-users", seed.users), seed.register(catalog())))
    step("Nova conductor, scheduler, compute (Docker); two Heat engines; magnum_lite",
         lambda: start(workers))
    step("cells, flavors, images, clouds.yaml", lambda: (
        base.once("nova-discover-hosts", nova.discover_hosts),
        base.once("flavors", seed.flavors), base.once("images", seed.images),
        seed.write_clouds()))
    print(f"all-in-one up in {time.monotonic() - began:.1f} s: "
          f"openstack --os-cloud {seed.DEMO_CLOUD} server list "
          f"(clouds.yaml: {seed.CLOUDS}; logs: {base.LOGS})")
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    for phase in reversed(phases()):
        with ThreadPoolExecutor(len(phase)) as pool:
            for daemon, stopped in zip(phase, pool.map(base.Daemon.stop, phase), strict=True):
                if stopped:
                    print(f"{daemon.name}: stopped", flush=True)
    if args.purge:
        nova.remove_containers()
        for entry in base.STATE.iterdir():
            if entry.name in ("venv", "secrets.json"):
                continue
            if entry.is_dir():
                base.testbed.unmount_under(entry)
                shutil.rmtree(entry)
            else:
                entry.unlink()
        print(f"purged {base.STATE} (the venv stays)")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    healthy = True
    for daemon in all_daemons():
        pid = daemon.pid()
        up = pid is not None and daemon.answers()
        healthy &= up
        owner = f"pid {pid}" if pid else "not running"
        print(f"{daemon.name:15} {'up' if up else 'DOWN':5} {daemon.where:26} {owner:12} "
              f"log {daemon.log}")
    return 0 if healthy else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from . import demo
    return demo.main()


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tools/allinone",
                                     description=sys.modules["aio"].__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start (or complete) the all-in-one").set_defaults(
        func=cmd_up)
    down = commands.add_parser("down", help="stop what up started")
    down.add_argument("--purge", action="store_true",
                      help="also delete data and configuration (not the venv)")
    down.set_defaults(func=cmd_down)
    commands.add_parser("status", help="every service: port, pid, log, health").set_defaults(
        func=cmd_status)
    commands.add_parser("demo", help="a server, a Heat stack and magnum_lite with the real "
                        "clients").set_defaults(func=cmd_demo)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return args.func(args)
    except base.AioError as error:
        print(f"allinone: error: {error}", file=sys.stderr)
        return 1
