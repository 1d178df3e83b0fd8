"""Servers booted by Nova's API on the Docker driver, through `openstack server ...`."""

import uuid

import pytest

from tests.functional.allinone.cloud import openstack, server_status, wait_for


def container(engine, server_id):
    """The engine's record of the container the driver made for a server (named after
    the instance)."""
    return engine.inspect_container(f"nova-{server_id}")


def status(engine, server_id):
    return container(engine, server_id)["State"]["Status"]


@pytest.fixture(scope="module")
def server():
    """One server (--nic none) that the tests below stop, start, reboot and snapshot."""
    name = f"aio-{uuid.uuid4().hex[:8]}"
    created = openstack("server", "create", "--image", "testbed-server", "--flavor", "m1.tiny",
                        "--nic", "none", "--wait", name)
    yield created
    openstack("server", "delete", "--wait", created["id"], parse=False)


def test_server_active_and_its_container_runs(server, engine):
    assert server["status"] == "ACTIVE"
    assert status(engine, server["id"]) == "running"


def test_stop_and_start(server, engine):
    openstack("server", "stop", server["id"], parse=False)
    server_status(server["id"], "SHUTOFF")
    assert status(engine, server["id"]) == "exited"
    openstack("server", "start", server["id"], parse=False)
    server_status(server["id"], "ACTIVE")
    assert status(engine, server["id"]) == "running"


def test_reboot(server, engine):
    before = container(engine, server["id"])["State"]["StartedAt"]
    openstack("server", "reboot", "--wait", server["id"], parse=False)
    server_status(server["id"], "ACTIVE")
    wait_for(lambda: container(engine, server["id"])["State"]["StartedAt"] != before,
             timeout=60, what="container restarted")


def test_container_killed_from_outside_makes_the_server_shutoff(server, engine):
    engine.kill(f"nova-{server['id']}")
    server_status(server["id"], "SHUTOFF", timeout=90)
    openstack("server", "start", server["id"], parse=False)
    server_status(server["id"], "ACTIVE")


def test_snapshot_and_boot_from_it(server, engine):
    name = f"aio-snap-{uuid.uuid4().hex[:8]}"
    image = openstack("server", "image", "create", "--wait", "--name", name, server["id"])
    try:
        assert openstack("image", "show", image["id"])["status"] == "active"
        booted = openstack("server", "create", "--image", image["id"], "--flavor", "m1.tiny",
                           "--nic", "none", "--wait", f"{name}-server")
        try:
            assert booted["status"] == "ACTIVE"
            assert status(engine, booted["id"]) == "running"
        finally:
            openstack("server", "delete", "--wait", booted["id"], parse=False)
    finally:
        openstack("image", "delete", image["id"], parse=False)


def test_delete_removes_the_container(engine):
    created = openstack("server", "create", "--image", "testbed-sleeper", "--flavor",
                        "m1.tiny", "--nic", "none", "--wait", f"aio-{uuid.uuid4().hex[:8]}")
    assert status(engine, created["id"]) == "running"
    openstack("server", "delete", "--wait", created["id"], parse=False)
    assert not engine.list_containers(filters={"name": f"nova-{created['id']}"})
