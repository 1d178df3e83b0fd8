"""The Docker hosts magnum_lite builds swarm clusters on: two extra engines of the testbed
(`tools/testbed engine add NAME --tls`), each in a network namespace of its own with TLS
client authentication, listed in magnum_lite's hosts.yaml with their certificates.

`down` stops their dockerd and keeps their data (a cluster's swarm survives `down`/`up`);
`down --purge` removes them.
"""

from __future__ import annotations

import yaml

from . import base

NAMES = ["aio-swarm1", "aio-swarm2"]
HOSTS = base.ETC / "magnum-lite" / "hosts.yaml"


def records() -> dict[str, dict]:
    """The testbed's records of our engines (the ones it knows of)."""
    engines = base.testbed.load_state().get("engines", {})
    return {name: engines[name] for name in NAMES if name in engines}


def ensure() -> str:
    """Our engines up (restarted on their data, or added), and hosts.yaml listing them."""
    with base.testbed.state_lock():
        known = records()
        for name in NAMES:
            if name not in known:
                base.testbed.engine_add(name, with_tls=True)
            elif not base.testbed.docker_answers(known[name]["socket"]):
                base.testbed.engine_restart(name)
        engines = records()
    write_hosts(engines)
    listed = ", ".join(f"{name} {record['url']}" for name, record in engines.items())
    return f"{listed} in {HOSTS}"


def write_hosts(engines: dict[str, dict]) -> None:
    HOSTS.parent.mkdir(parents=True, exist_ok=True)
    hosts = [{"name": name, "endpoint": record["url"], "ca_cert": record["tls"]["ca"],
              "client_cert": record["tls"]["cert"], "client_key": record["tls"]["key"]}
             for name, record in engines.items()]
    HOSTS.write_text("# written by tools/allinone up: the Docker hosts magnum_lite builds "
                     "clusters on\n" + yaml.safe_dump({"hosts": hosts}, sort_keys=False))


def stop() -> list[str]:
    """Stop our engines' dockerd, keeping their data; the names of those stopped."""
    with base.testbed.state_lock():
        return [name for name in records() if base.testbed.engine_stop(name)]


def remove() -> list[str]:
    """Remove our engines, their namespaces and data; the names of those removed."""
    with base.testbed.state_lock():
        names = list(records())
        for name in names:
            base.testbed.engine_rm(name)
    return names


def status() -> list[tuple[str, bool, str, str]]:
    """(name, answers, URL, log) of each of our engines."""
    known = records()
    return [(name, name in known and base.testbed.docker_answers(known[name]["socket"]),
             known[name]["url"] if name in known else "(not added)",
             known[name]["log"] if name in known else "-") for name in NAMES]
