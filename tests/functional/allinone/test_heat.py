"""A Heat stack of linked containers (samples/heat/app_links.yaml) created, updated and
deleted through `openstack stack ...`, with the two heat-engine processes of the
all-in-one sharing the work."""

import pathlib
import socket
import urllib.request
import uuid

import pytest

from openstack_docker import errors
from tests.functional.allinone.cloud import ADMIN, openstack, wait_for

SAMPLE = pathlib.Path(__file__).resolve().parents[3] / "samples" / "heat" / "app_links.yaml"
REGISTRY = "127.0.0.1:5050/testbed"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parameters(port):
    return ["--parameter", f"server_image={REGISTRY}/server:latest",
            "--parameter", f"client_image={REGISTRY}/sleeper:latest",
            "--parameter", f"host_port={port}"]


def output(stack, key):
    return openstack("stack", "output", "show", stack, key)["output_value"]


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return ""


@pytest.fixture(scope="module")
def stack():
    name = f"aio-links-{uuid.uuid4().hex[:8]}"
    # --wait prints the events before the result: read the stack afterwards.
    openstack("stack", "create", "--wait", "-t", str(SAMPLE), *parameters(free_port()), name,
              parse=False)
    created = openstack("stack", "show", name)
    yield created
    if openstack("stack", "list", "--property", f"name={name}"):
        openstack("stack", "delete", "--yes", "--wait", name, parse=False)


def test_two_engines_serve_heat():
    engines = openstack("orchestration", "service", "list", cloud=ADMIN)
    assert len([e for e in engines if e["Binary"] == "heat-engine"
                and e["Status"] == "up"]) >= 2


def test_stack_created_and_its_url_answers(stack):
    shown = openstack("stack", "show", stack["id"])
    assert shown["stack_status"] == "CREATE_COMPLETE"
    assert "testbed-server-ok" in answers(output(stack["id"], "server_url"))


def test_stack_updated_to_another_port(stack):
    port = free_port()
    openstack("stack", "update", "--wait", "-t", str(SAMPLE), *parameters(port),
              stack["id"], parse=False)
    assert openstack("stack", "show", stack["id"])["stack_status"] == "UPDATE_COMPLETE"
    url = output(stack["id"], "server_url")
    assert f":{port}/" in url
    wait_for(lambda: "testbed-server-ok" in answers(url), timeout=30, what=f"{url} answering")


def test_stack_deleted_with_its_containers(stack, engine):
    containers = [r["physical_resource_id"] for r in openstack("stack", "resource", "list",
                                                               stack["id"])
                  if r["resource_type"] == "DockerInc::Docker::Container"]
    assert len(containers) == 2
    openstack("stack", "delete", "--yes", "--wait", stack["id"], parse=False)
    assert not openstack("stack", "list", "--property", f"name={stack['stack_name']}")
    for container in containers:
        with pytest.raises(errors.NotFound):
            engine.inspect_container(container)
