"""magnum_lite behind Keystone, found through the catalog (container-infra, container) by
the real `openstack coe` and `openstack appcontainer` clients. Cluster creation needs
Docker hosts of their own (hosts.yaml of the all-in-one is empty):
tests/functional/magnum_lite/test_end_to_end.py and test_containers.py cover it."""

import uuid

import pytest

from tests.functional.allinone.cloud import ADMIN, CommandFailed, openstack


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


def test_containers_api_through_keystone():
    """The Zun-compatible API answers the real client with the demo's token; the demo
    project has no cluster, so a run is refused with a reason naming it."""
    assert openstack("appcontainer", "list") == []
    with pytest.raises(CommandFailed, match="cluster"):
        openstack("appcontainer", "run", "--name", f"aio-{uuid.uuid4().hex[:8]}",
                  "testbed-base", "true")
