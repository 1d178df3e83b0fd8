"""magnum_lite behind Keystone, found through the catalog (container-infra) by the real
`openstack coe` client. Cluster creation needs Docker hosts of their own (hosts.yaml of the
all-in-one is empty): tests/functional/magnum_lite/test_end_to_end.py covers it."""

import uuid

from tests.functional.allinone.cloud import ADMIN, openstack


def test_catalog_lists_container_infra():
    types = {entry["Type"] for entry in openstack("catalog", "list")}
    assert {"compute", "image", "network", "orchestration", "placement",
            "container-infra"} <= types


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
