"""`tools/allinone demo`: what the all-in-one does, shown with the real clients (the
`openstack` CLI with its heat, magnum and zun plugins), each step timed."""

from __future__ import annotations

import socket
import time
import urllib.request
from pathlib import Path

from . import base, seed, swarm_hosts
from .client import openstack

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "heat" / "app_links.yaml"
REGISTRY = base.testbed.IMAGE_NAMESPACE


def timed(title: str, action):
    began = time.monotonic()
    print(f"- {title}", flush=True)
    result = action()
    print(f"  done in {time.monotonic() - began:.1f} s", flush=True)
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((base.HOST, 0))
        return sock.getsockname()[1]


def boot_server() -> None:
    server = openstack("server", "create", "--image", "testbed-server", "--flavor", "m1.tiny",
                       "--nic", "none", "--wait", "demo-server")
    with base.testbed.docker_client(base.DOCKER_URL) as client:
        container = client.containers.get(f"nova-{server['id']}")
        print(f"  server {server['id']} {server['status']}; its container {container.name} "
              f"is {container.status} on the testbed's engine ({container.image.tags})")
    openstack("server", "delete", "--wait", server["id"], parse=False)
    print("  server deleted (its container with it)")


def heat_stack() -> None:
    port = free_port()
    openstack("stack", "create", "--wait", "-t", str(SAMPLE),
              "--parameter", f"server_image={REGISTRY}/server:latest",
              "--parameter", f"client_image={REGISTRY}/sleeper:latest",
              "--parameter", f"host_port={port}", "demo-stack", parse=False)
    stack = openstack("stack", "show", "demo-stack")
    url = openstack("stack", "output", "show", "demo-stack", "server_url")["output_value"]
    with urllib.request.urlopen(url, timeout=10) as response:
        page = response.read().decode()
    print(f"  stack {stack['stack_status']} ({SAMPLE.name}); {url} answers {page!r}")
    openstack("stack", "delete", "--yes", "--wait", "demo-stack", parse=False)
    print("  stack deleted (its containers, volume with it)")


def until(what: str, check, timeout: float = 300):
    """check()'s first true value, looked for every second."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise base.AioError(f"{what}: not within {timeout:.0f} s")
        time.sleep(1)
    return value


def cluster_settled() -> dict | None:
    cluster = openstack("coe", "cluster", "show", "demo-cluster")
    return None if cluster["status"].endswith("IN_PROGRESS") else cluster


def container_settled() -> dict | None:
    container = openstack("appcontainer", "show", "demo-box")
    return None if container["status"] in ("Creating", "Created") else container


def swarm_cluster() -> None:
    openstack("coe", "cluster", "template", "create", "demo-swarm", "--coe", "swarm-mode",
              "--image", "testbed-base", "--external-network", "public", parse=False)
    openstack("coe", "cluster", "create", "demo-cluster", "--cluster-template", "demo-swarm",
              "--master-count", "1", "--node-count", "1", parse=False)
    cluster = until("cluster demo-cluster created", cluster_settled)
    if cluster["status"] != "CREATE_COMPLETE":
        raise base.AioError(f"cluster demo-cluster {cluster['status']}: "
                            f"{cluster['status_reason']}")
    print(f"  cluster demo-cluster {cluster['status']}: swarm manager "
          f"{', '.join(cluster['master_addresses'])}, worker "
          f"{', '.join(cluster['node_addresses'])} ({swarm_hosts.HOSTS})")
    openstack("appcontainer", "run", "--name", "demo-box", "--hint", "cluster=demo-cluster",
              f"{REGISTRY}/base:latest", "sh", "-c", "echo hello from the swarm; sleep 3600",
              parse=False)
    container = until("container demo-box running", container_settled)
    logs = openstack("appcontainer", "logs", "demo-box", parse=False).strip()
    print(f"  container demo-box {container['status']} on {container['host']}, "
          f"{container['addresses']}; its log: {logs!r}")
    if container["status"] != "Running":
        raise base.AioError(f"container demo-box {container['status']}: "
                            f"{container['status_reason']}")
    remove_cluster()
    print("  container, cluster and template deleted")


def remove_cluster() -> None:
    """demo-box, demo-cluster and demo-swarm, those that exist, each gone before the next."""
    if any(c["name"] == "demo-box" for c in openstack("appcontainer", "list")):
        openstack("appcontainer", "delete", "--stop", "demo-box", parse=False)
        until("container demo-box deleted", lambda: not any(
            c["name"] == "demo-box" for c in openstack("appcontainer", "list")))
    if any(c["name"] == "demo-cluster" for c in openstack("coe", "cluster", "list")):
        openstack("coe", "cluster", "delete", "demo-cluster", parse=False)
        until("cluster demo-cluster deleted", lambda: not any(
            c["name"] == "demo-cluster" for c in openstack("coe", "cluster", "list")))
    if any(t["name"] == "demo-swarm" for t in openstack("coe", "cluster", "template", "list")):
        openstack("coe", "cluster", "template", "delete", "demo-swarm", parse=False)


def leftovers() -> None:
    """A demo interrupted earlier may have left its objects: start from a clean slate."""
    if any(s["Name"] == "demo-server" for s in openstack("server", "list")):
        openstack("server", "delete", "--wait", "demo-server", parse=False)
    if openstack("stack", "list", "--property", "name=demo-stack"):
        openstack("stack", "delete", "--yes", "--wait", "demo-stack", parse=False)
    remove_cluster()


def main() -> int:
    began = time.monotonic()
    print(f"demo as user demo (openstack --os-cloud {seed.DEMO_CLOUD}, {seed.CLOUDS})")
    leftovers()
    timed("Nova: a server from the Glance image testbed-server (Docker driver)", boot_server)
    timed(f"Heat: the stack {SAMPLE.relative_to(SAMPLE.parents[2])}", heat_stack)
    timed("magnum_lite: a swarm-mode cluster on the all-in-one's Docker hosts, and a "
          "container on it (openstack coe, openstack appcontainer)", swarm_cluster)
    print(f"demo done in {time.monotonic() - began:.1f} s")
    return 0
