"""python-magnumclient as a library (no microversion header: 1.1), plus raw HTTP for
project isolation, failures and timeouts."""

import pytest
from magnumclient import client as magnum_client
from magnumclient import exceptions as api_exc

from tests.common import helpers
from tests.functional.magnum_lite.conftest import wait_status


@pytest.fixture
def mc(magnum):
    return magnum_client.Client("1", endpoint_override=magnum.url + "/v1", auth_token="tok")


def _template(mc, name, **kw):
    return mc.cluster_templates.create(name=name, coe="swarm-mode", image_id="img", **kw)


def _settle(mc, uuid):
    return wait_status(lambda: mc.clusters.get(uuid).status)


def test_library_lifecycle(mc, unique):
    tpl = _template(mc, unique("lib"))
    assert mc.cluster_templates.get(tpl.uuid).name == tpl.name
    assert tpl.uuid in [t.uuid for t in mc.cluster_templates.list()]
    renamed = mc.cluster_templates.update(tpl.uuid, [
        {"op": "replace", "path": "/name", "value": tpl.name + "x"}])
    assert renamed.name == tpl.name + "x"
    cluster = mc.clusters.create(name=unique("c"), cluster_template_id=tpl.uuid,
                                 node_count=1, master_count=1)
    assert _settle(mc, cluster.uuid) == "CREATE_COMPLETE"
    shown = mc.clusters.get(cluster.uuid)
    assert shown.api_address and shown.master_addresses and shown.stack_id is None
    mc.clusters.update(cluster.uuid, [{"op": "replace", "path": "/node_count", "value": 2}])
    assert _settle(mc, cluster.uuid) == "UPDATE_COMPLETE"
    assert mc.clusters.get(cluster.uuid).node_count == 2
    with pytest.raises(api_exc.BadRequest):
        mc.cluster_templates.delete(tpl.uuid)
    mc.clusters.delete(cluster.uuid)
    helpers.wait_for(lambda: cluster.uuid not in [c.uuid for c in mc.clusters.list()],
                     what="cluster deleted")
    mc.cluster_templates.delete(tpl.uuid)
    with pytest.raises(api_exc.NotFound):
        mc.cluster_templates.get(tpl.uuid)


def test_paging_with_limit_follows_next(mc, unique):
    names = [_template(mc, unique("page")).name for _ in range(5)]
    listed = mc.cluster_templates.list(limit=2, sort_key="id", sort_dir="desc")
    assert [t.name for t in listed] == names[:2:-1][:2]
    # A limit above the stored count returns every template.
    assert len(mc.cluster_templates.list(limit=1000)) >= 5


def test_bad_coe_message(mc, unique):
    with pytest.raises(api_exc.BadRequest) as info:
        mc.cluster_templates.create(name=unique("bad"), coe="kubernetes", image_id="i")
    assert "Invalid input for field/attribute coe" in str(info.value)


def test_too_few_hosts_fails_with_reason(mc, unique):
    tpl = _template(mc, unique("few"))
    cluster = mc.clusters.create(name=unique("c"), cluster_template_id=tpl.uuid,
                                 node_count=50)
    assert _settle(mc, cluster.uuid) == "CREATE_FAILED"
    reason = mc.clusters.get(cluster.uuid).status_reason
    assert "Not enough free Docker hosts" in reason
    mc.clusters.delete(cluster.uuid)


def test_create_timeout_fails_the_cluster(mc, unique):
    tpl = _template(mc, unique("slow"))
    # [conductor] timeout_unit_seconds = 1 here: create_timeout=2 means two seconds.
    cluster = mc.clusters.create(name=unique("c"), cluster_template_id=tpl.uuid,
                                 create_timeout=2, labels={"fake_sleep": "30"})
    assert _settle(mc, cluster.uuid) == "CREATE_FAILED"
    assert "create_timeout" in mc.clusters.get(cluster.uuid).status_reason
    mc.clusters.delete(cluster.uuid)


def test_projects_are_isolated(http, unique):
    tpl = http("POST", "/v1/clustertemplates", project="alpha",
               json={"name": unique("iso"), "coe": "swarm-mode", "image_id": "i"}).json()
    created = http("POST", "/v1/clusters", project="alpha",
                   json={"name": unique("c"), "cluster_template_id": tpl["uuid"],
                         "node_count": 0})
    assert created.status_code == 202
    uuid = created.json()["uuid"]
    assert http("GET", f"/v1/clusters/{uuid}", project="alpha").status_code == 200
    for method in ("GET", "DELETE"):
        response = http(method, f"/v1/clusters/{uuid}", project="beta")
        assert response.status_code == 404
        assert response.json()["errors"][0]["title"] == f"Cluster {uuid} could not be found"
    assert http("GET", f"/v1/clustertemplates/{tpl['uuid']}",
                project="beta").status_code == 404
    assert uuid not in [c["uuid"] for c in http("GET", "/v1/clusters",
                                                 project="beta").json()["clusters"]]
    assert http("GET", f"/v1/clusters/{uuid}", project="ops",
                roles="admin").status_code == 200
    http("DELETE", f"/v1/clusters/{uuid}", project="alpha")
