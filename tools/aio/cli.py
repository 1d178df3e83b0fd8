"""tools/allinone up|status|down: the commands, and the order services start in."""

from __future__ import annotations

import argparse
import shutil
import sys
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
    plan,
    rabbitmq,
    seed,
    swarm_hosts,
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
    """The daemons in tiers: `down` stops the last tier first, `status` lists them."""
    return [
        mariadb.daemons() + rabbitmq.daemons() + ovn.db_daemons(),
        ovn.switch_daemons(),
        keystone.daemons() + glance.daemons() + placement.daemons() + nova.api_daemons()
        + neutron.daemons() + heat.api_daemons(),
        nova.control_daemons() + nova.compute_daemons(ovn.ENV) + heat.engine_daemons()
        + magnum.daemons(),
    ]


def all_daemons() -> list[base.Daemon]:
    return [daemon for phase in phases() for daemon in phase]


def start(daemons: list[base.Daemon]) -> str:
    """Start those that do not run yet (and restart those whose configuration changed),
    then wait until all of them answer. Says what it started."""
    changed = [d for d in daemons if d.pid() is not None and d.config_changed()]
    if changed:
        with ThreadPoolExecutor(len(changed)) as pool:
            list(pool.map(base.Daemon.stop, changed))
    started = [(daemon, daemon.start() if daemon.pid() is None else None)
               for daemon in daemons]
    base.wait_all(started)
    names = [d.name + (" (configuration changed)" if d in changed else "")
             for d, proc in started if proc is not None]
    return f"started {', '.join(names)}" if names else "running"


def then(*actions: Callable[[], str | None]) -> Callable[[], str]:
    """One step made of several actions in turn; their reports joined."""
    def run() -> str:
        return "; ".join(filter(None, (action() for action in actions)))
    return run


def in_background(action: Callable[[], str | None]) -> Callable[[], str | None]:
    """A step off nova-compute's path: its setup commands and daemons yield the CPU (startup
    is CPU-bound, nova-compute starts last) until `up` ends."""
    def run() -> str | None:
        with base.background():
            return action()
    return run


def steps() -> list[plan.Step]:
    """`up`: what needs what. Keystone's users exist before nova-compute starts (it reports
    to Placement at once; it waits for nova-conductor itself); everything else starts as
    soon as its database is there, and what nova-compute does not need runs in the
    background (in_background)."""
    step = plan.Step
    database, queue, switch = "mariadb", "rabbitmq", "ovs+ovn"
    return [
        step(database, then(mariadb.prepare_before_start, lambda: start(mariadb.daemons()),
                            mariadb.prepare)),
        step(queue, then(rabbitmq.prepare_before_start, lambda: start(rabbitmq.daemons()),
                         rabbitmq.prepare)),
        step(switch, then(ovn.prepare_before_start, lambda: start(ovn.db_daemons()),
                          ovn.configure_vswitch, lambda: start(ovn.switch_daemons()))),
        step("swarm-hosts", swarm_hosts.ensure),
        step("keystone", then(keystone.prepare, lambda: start(keystone.daemons()),
                              lambda: base.once("keystone-users", seed.users),
                              lambda: seed.register(catalog())), needs=(database,)),
        step("glance", in_background(then(glance.prepare, lambda: start(glance.daemons())))),
        step("placement", then(placement.prepare, lambda: start(placement.daemons())),
             needs=(database,)),
        step("nova-databases", nova.prepare, needs=(database, queue)),
        # Nova's services look Placement up in the catalog once, when they start: with no
        # entry yet (a fresh install), the scheduler would refuse every boot until restarted.
        step("nova", lambda: start(nova.api_daemons() + nova.control_daemons()),
             needs=("nova-databases", "keystone")),
        step("neutron", in_background(then(neutron.prepare, lambda: start(neutron.daemons()))),
             needs=(database, queue, switch)),
        step("heat", in_background(then(
            heat.prepare, lambda: start(heat.api_daemons() + heat.engine_daemons()))),
             needs=(database, queue)),
        step("magnum_lite", in_background(then(magnum.prepare,
                                               lambda: start(magnum.daemons()))),
             needs=(database, "swarm-hosts")),
        step("nova-compute", then(lambda: start(nova.compute_daemons(ovn.ENV)),
                                  lambda: base.once("nova-discover-hosts",
                                                    nova.discover_hosts)),
             needs=("nova-databases", "keystone", "placement", switch)),
        step("flavors", lambda: base.once("flavors", seed.flavors),
             needs=("nova", "keystone")),
        step("images", lambda: base.once("images", seed.images), needs=("glance", "keystone")),
        step("clouds.yaml", seed.write_clouds, needs=("keystone",)),
    ]


def cmd_up(args: argparse.Namespace) -> int:
    if not base.testbed.docker_answers(base.DOCKER_URL):
        raise base.AioError("no Docker engine at /var/run/docker.sock: run tools/testbed up")
    base.make_private_dirs()
    print("all-in-one: starting (each line: seconds since start, step, its own time)",
          flush=True)
    try:
        elapsed = plan.Plan(steps()).run()
    finally:
        for daemon in all_daemons():
            daemon.normal_priority()
    print(f"all-in-one up in {elapsed:.1f} s: "
          f"openstack --os-cloud {seed.DEMO_CLOUD} server list "
          f"(clouds.yaml: {seed.CLOUDS}; logs: {base.LOGS})")
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    if args.purge and not base.testbed.docker_answers(base.DOCKER_URL):
        raise base.AioError(f"down --purge removes our servers' and stacks' containers: no "
                            f"Docker engine answers at {base.DOCKER_URL} (tools/testbed up "
                            "first); nothing was stopped or deleted")
    # Heat's stacks are read before their database stops: purge removes their objects.
    stacks = heat.stack_ids() if args.purge else set()
    for phase in reversed(phases()):
        with ThreadPoolExecutor(len(phase)) as pool:
            for daemon, stopped in zip(phase, pool.map(base.Daemon.stop, phase), strict=True):
                if stopped:
                    print(f"{daemon.name}: stopped", flush=True)
    if args.purge:
        for name in swarm_hosts.remove():
            print(f"{name}: removed (engine, namespace, data)")
        nova.remove_containers()
        heat.remove_objects(stacks)
        for entry in base.STATE.iterdir():
            if entry.name in ("venv", "secrets.json"):
                continue
            if entry.is_dir():
                base.testbed.unmount_under(entry)
                shutil.rmtree(entry)
            else:
                entry.unlink()
        print(f"purged {base.STATE} (the venv stays)")
    else:
        for name in swarm_hosts.stop():
            print(f"{name}: stopped (its data stays)")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    rows = []
    for daemon in all_daemons():
        pid = daemon.pid()
        rows.append((daemon.name, pid is not None and daemon.answers(), daemon.where,
                     f"pid {pid}" if pid else "not running", daemon.log))
    for name, answers, url, log in swarm_hosts.status():
        rows.append((name, answers, url, "Docker engine", log))
    widths = [max(len(str(row[column])) for row in rows) for column in range(5)]
    for name, up, where, owner, log in rows:
        print(f"{name:{widths[0]}} {'up' if up else 'DOWN':4} {where:{widths[2]}} "
              f"{owner:{widths[3]}} log {log}")
    return 0 if all(row[1] for row in rows) else 1


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
