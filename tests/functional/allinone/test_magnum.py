"""magnum_lite behind Keystone, found through the catalog (container-infra, container) by
the real `openstack coe` and `openstack appcontainer` clients: a swarm-mode cluster on the
all-in-one's own Docker hosts (two TLS engines listed in its hosts.yaml) and a container
on it."""

import uuid

import pytest

from tests.functional.allinone.cloud import ADMIN, CommandFailed, openstack, wait_for

IMAGE = "127.0.0.1:5050/testbed/base:latest"


def test_catalog_lists_container_infra():
    types = {entry["Type"] for entry in openstack("catalog", "list")}
    assert {"compute", "image", "network", "orchestration", "placement",
            "container-infra", "container"} <= types


def test_cluster_template_lifecycle_through_keystone():
    name = f"aio-swarm-{uuid.uuid4().hex[:8]}"
    openstack("coe", "cluster", "template", "create", name, "--coe", "swarm-mode",
              "--image", "testbed-base", "--external-network", "public", parse=False)
    try:
        names = [t["name"] for t in openstack("coe", "cluster", "template", "list")]
        assert name in names
        # The admin sees every project's templates (magnum_lite's policy).
        assert name in [t["name"] for t in openstack("coe", "cluster", "template", "list",
                                                     cloud=ADMIN)]
    finally:
        openstack("coe", "cluster", "template", "delete", name, parse=False)


def test_container_without_cluster_is_refused_naming_it():
    """The admin project has no cluster: a run is refused with a reason naming it."""
    with pytest.raises(CommandFailed, match="cluster"):
        openstack("appcontainer", "run", "--name", f"aio-{uuid.uuid4().hex[:8]}", IMAGE,
                  "true", cloud=ADMIN)


def settled(kind, name):
    """The object once its status is no longer a transition, else None."""
    shown = openstack(*kind, "show", name)
    return None if shown["status"] in ("Creating", "Created") or \
        shown["status"].endswith("IN_PROGRESS") else shown


def gone(kind, name):
    return not any(item["name"] == name for item in openstack(*kind, "list"))


@pytest.fixture
def cluster():
    """A cluster of one manager and one worker, deleted after the test if it still exists
    (its template too)."""
    suffix = uuid.uuid4().hex[:8]
    template, name = f"aio-tpl-{suffix}", f"aio-cluster-{suffix}"
    openstack("coe", "cluster", "template", "create", template, "--coe", "swarm-mode",
              "--image", "testbed-base", "--external-network", "public", parse=False)
    openstack("coe", "cluster", "create", name, "--cluster-template", template,
              "--master-count", "1", "--node-count", "1", parse=False)
    try:
        yield wait_for(lambda: settled(["coe", "cluster"], name), timeout=180, interval=1,
                       what=f"cluster {name} settled")
    finally:
        delete_cluster(name)
        openstack("coe", "cluster", "template", "delete", template, parse=False)


def delete_cluster(name):
    if not gone(["coe", "cluster"], name):
        openstack("coe", "cluster", "delete", name, parse=False)
        wait_for(lambda: gone(["coe", "cluster"], name), timeout=180, interval=1,
                 what=f"cluster {name} deleted")


def test_swarm_cluster_runs_a_container(cluster):
    assert cluster["status"] == "CREATE_COMPLETE", cluster["status_reason"]
    assert cluster["master_count"] == 1 and cluster["node_count"] == 1
    hosts = cluster["master_addresses"] + cluster["node_addresses"]
    assert len(set(hosts)) == 2 and all(h.startswith("10.250.") for h in hosts), hosts
    name = f"aio-box-{uuid.uuid4().hex[:8]}"
    openstack("appcontainer", "run", "--name", name, "--hint", f"cluster={cluster['name']}",
              IMAGE, "sh", "-c", f"echo {name} says hello; sleep 3600", parse=False)
    try:
        container = wait_for(lambda: settled(["appcontainer"], name), timeout=120,
                             interval=1, what=f"container {name} running")
        assert container["status"] == "Running", container["status_reason"]
        assert container["host"].startswith("aio-swarm"), container["host"]
        wait_for(lambda: f"{name} says hello" in openstack("appcontainer", "logs", name,
                                                           parse=False),
                 timeout=30, interval=1, what="the container's log")
        openstack("appcontainer", "stop", name, parse=False)
        wait_for(lambda: openstack("appcontainer", "show", name)["status"] == "Stopped",
                 timeout=60, interval=1, what=f"{name} stopped")
        openstack("appcontainer", "start", name, parse=False)
        wait_for(lambda: openstack("appcontainer", "show", name)["status"] == "Running",
                 timeout=60, interval=1, what=f"{name} running again")
        # The cluster goes first: its container cannot run on, and says why.
        delete_cluster(cluster["name"])
        orphan = wait_for(lambda: (shown := openstack("appcontainer", "show", name))[
            "status"] == "Error" and shown, timeout=60, interval=1, what=f"{name} in Error")
        assert cluster["uuid"] in orphan["status_reason"], orphan["status_reason"]
    finally:
        openstack("appcontainer", "delete", "--stop", name, parse=False)
        wait_for(lambda: gone(["appcontainer"], name), timeout=60, interval=1,
                 what=f"container {name} deleted")
