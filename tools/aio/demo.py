"""`tools/allinone demo`: what the all-in-one does, shown with the real clients (the
`openstack` CLI with its heat and magnum plugins), each step timed."""

from __future__ import annotations

import socket
import time
import urllib.request
from pathlib import Path

from . import base, seed
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


def magnum_template() -> None:
    openstack("coe", "cluster", "template", "create", "demo-swarm", "--coe", "swarm-mode",
              "--image", "testbed-base", "--external-network", "public", parse=False)
    names = [t["name"] for t in openstack("coe", "cluster", "template", "list")]
    print(f"  magnum_lite (container-infra) lists templates {names}; a cluster needs Docker "
          f"hosts of its own, listed in {base.ETC / 'magnum-lite' / 'hosts.yaml'}")
    openstack("coe", "cluster", "template", "delete", "demo-swarm", parse=False)


def leftovers() -> None:
    """A demo interrupted earlier may have left its objects: start from a clean slate."""
    if any(s["Name"] == "demo-server" for s in openstack("server", "list")):
        openstack("server", "delete", "--wait", "demo-server", parse=False)
    if openstack("stack", "list", "--property", "name=demo-stack"):
        openstack("stack", "delete", "--yes", "--wait", "demo-stack", parse=False)
    if any(t["name"] == "demo-swarm" for t in openstack("coe", "cluster", "template", "list")):
        openstack("coe", "cluster", "template", "delete", "demo-swarm", parse=False)


def main() -> int:
    began = time.monotonic()
    print(f"demo as user demo (openstack --os-cloud {seed.DEMO_CLOUD}, {seed.CLOUDS})")
    leftovers()
    timed("Nova: a server from the Glance image testbed-server (Docker driver)", boot_server)
    timed(f"Heat: the stack {SAMPLE.relative_to(SAMPLE.parents[2])}", heat_stack)
    timed("magnum_lite: a swarm-mode cluster template", magnum_template)
    print(f"demo done in {time.monotonic() - began:.1f} s")
    return 0
