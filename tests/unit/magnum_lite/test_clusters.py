"""Clusters through API and conductor: create, show fields, update, resize, delete."""

import pytest

from magnum_lite.db import api as db_api
from magnum_lite.db import models

# What `openstack coe cluster create` sends.
CLIENT_BODY = {"cluster_template_id": "t1", "create_timeout": 60, "discovery_url": None,
               "keypair": None, "master_count": 1, "name": "c1", "node_count": 1}


def show(client, ident="c1"):
    return client.get(f"/v1/clusters/{ident}").json_body_or_none


def test_create_is_queued_then_completed(client, template, conductor):
    response = client.post("/v1/clusters", CLIENT_BODY)
    assert response.status_int == 202
    assert set(response.json_body_or_none) == {"uuid"}
    assert show(client)["status"] == "CREATE_IN_PROGRESS"
    conductor.drain()
    body = show(client)
    assert body["status"] == "CREATE_COMPLETE"
    assert body["api_address"] == "tcp://10.0.0.10:2376"
    assert body["master_addresses"] == ["10.0.0.10"]
    assert body["node_addresses"] == ["10.0.0.11"]
    assert body["health_status"] == "HEALTHY" and body["faults"] == {}
    assert body["cluster_template_id"] == template["uuid"]
    assert {"stack_id", "labels_added", "links", "status_reason"} <= set(body)


def test_cluster_id_replaces_stack_id_at_1_13(make_client, create_cluster):
    create_cluster()
    assert "cluster_id" in make_client(version="1.13").get("/v1/clusters/c1").json_body_or_none
    assert "stack_id" in make_client(version="1.12").get("/v1/clusters/c1").json_body_or_none


def test_list_view_is_trimmed(client, create_cluster):
    create_cluster()
    (item,) = client.get("/v1/clusters").json_body_or_none["clusters"]
    assert {"uuid", "name", "status", "health_status", "links", "node_count"} <= set(item)
    assert "api_address" not in item
    (full,) = client.get("/v1/clusters/detail").json_body_or_none["clusters"]
    assert "api_address" in full


def test_bad_template_is_400(client, template):
    response = client.post("/v1/clusters", dict(CLIENT_BODY, cluster_template_id="nope"))
    assert response.status_int == 400
    assert "ClusterTemplate nope could not be found" in response.text


def test_bad_name_and_counts(client, template):
    assert client.post("/v1/clusters", dict(CLIENT_BODY, name="1bad")).status_int == 400
    assert client.post("/v1/clusters", dict(CLIENT_BODY, master_count=0)).status_int == 400
    # 0 nodes only from 1.10 on.
    assert client.post("/v1/clusters", dict(CLIENT_BODY, node_count=0)).status_int == 400


def test_labels_merge_or_replace(client, template, create_cluster):
    client.patch("/v1/clustertemplates/t1", [{"op": "add", "path": "/labels/a", "value": "1"}])
    create_cluster("m", labels={"b": "2"}, merge_labels=True)
    create_cluster("r", labels={"b": "2"})
    create_cluster("d")
    assert show(client, "m")["labels"] == {"a": "1", "b": "2"}
    assert show(client, "r")["labels"] == {"b": "2"}
    assert show(client, "r")["labels_skipped"] == {"a": "1"}
    assert show(client, "d")["labels"] == {"a": "1"}


def test_duplicate_names_are_409(client, create_cluster):
    create_cluster()
    create_cluster()
    response = client.get("/v1/clusters/c1")
    assert response.status_int == 409
    assert "Please use the cluster uuid instead" in response.text


def test_update_node_count(client, create_cluster, conductor):
    create_cluster()
    conductor.drain()
    response = client.patch("/v1/clusters/c1",
                            [{"op": "replace", "path": "/node_count", "value": 3}])
    assert response.status_int == 202 and "uuid" in response.json_body_or_none
    assert show(client)["status"] == "UPDATE_IN_PROGRESS"
    conductor.drain()
    body = show(client)
    assert (body["status"], body["node_count"], len(body["node_addresses"])) == (
        "UPDATE_COMPLETE", 3, 3)


def test_update_refuses_other_fields(client, create_cluster, conductor):
    create_cluster()
    conductor.drain()
    response = client.patch("/v1/clusters/c1", [
        {"op": "replace", "path": "/name", "value": "foo"},
        {"op": "add", "path": "/labels/k", "value": "v"}])
    assert response.status_int == 400
    assert "cannot change cluster property(ies) labels, name." in response.text


def test_update_while_in_progress_is_refused(client, create_cluster):
    create_cluster()
    response = client.patch("/v1/clusters/c1",
                            [{"op": "replace", "path": "/node_count", "value": 3}])
    assert response.status_int == 409


def test_resize_with_nodes_to_remove(make_client, create_cluster, conductor):
    client = make_client(version="latest")
    create_cluster(node_count=3)
    conductor.drain()
    response = client.post("/v1/clusters/c1/actions/resize",
                           {"node_count": 1, "nodes_to_remove": ["host-2", "node-host-3"],
                            "nodegroup": "default-worker"})
    assert response.status_int == 202
    conductor.drain()
    body = show(client)
    assert (body["status"], body["node_count"], body["node_addresses"]) == (
        "UPDATE_COMPLETE", 1, ["10.0.0.11"])
    assert ("resize", body["uuid"], [], ["host-2", "host-3"]) in conductor.driver.calls


def test_resize_prefers_unhealthy_then_newest(make_client, create_cluster, conductor):
    client = make_client(version="latest")
    create_cluster(node_count=3)
    conductor.drain()
    client.post("/v1/clusters/c1/actions/resize", {"node_count": 2})
    conductor.drain()
    assert conductor.driver.calls[-1][3] == ["host-3"]


def test_resize_unknown_node_fails_with_reason(make_client, create_cluster, conductor):
    client = make_client(version="latest")
    create_cluster(node_count=2)
    conductor.drain()
    client.post("/v1/clusters/c1/actions/resize",
                {"node_count": 1, "nodes_to_remove": ["ghost"]})
    conductor.drain()
    body = show(client)
    assert body["status"] == "UPDATE_FAILED"
    assert "ghost is not a worker node" in body["status_reason"]
    assert body["faults"]


def test_resize_needs_1_7(client, create_cluster):
    create_cluster()
    response = client.post("/v1/clusters/c1/actions/resize", {"node_count": 2})
    assert response.status_int == 406
    assert "resize is not supported for this version" in response.text


def test_resize_master_nodegroup_refused(make_client, create_cluster, conductor):
    client = make_client(version="latest")
    create_cluster()
    conductor.drain()
    assert client.post("/v1/clusters/c1/actions/resize",
                       {"node_count": 2, "nodegroup": "default-master"}).status_int == 400


def test_delete_frees_hosts(client, create_cluster, conductor, conf):
    create_cluster(node_count=5)
    conductor.drain()
    assert client.delete("/v1/clusters/c1").status_int == 204
    assert show(client)["status"] == "DELETE_IN_PROGRESS"
    conductor.drain()
    assert client.get("/v1/clusters/c1").status_int == 404
    with db_api.session(conf) as ses:
        assert ses.query(models.HostAllocation).count() == 0
    create_cluster("again", node_count=5)
    conductor.drain()
    assert show(client, "again")["status"] == "CREATE_COMPLETE"


def test_too_few_hosts_fails_and_releases(client, create_cluster, conductor, conf):
    create_cluster(node_count=9)
    conductor.drain()
    body = show(client)
    assert body["status"] == "CREATE_FAILED"
    assert "Not enough free Docker hosts" in body["status_reason"]
    assert body["faults"] == {"cluster": body["status_reason"]}
    with db_api.session(conf) as ses:
        assert ses.query(models.HostAllocation).count() == 0


def test_host_labels_restrict_hosts(client, create_cluster, conductor):
    create_cluster(labels={"host_labels": "zone=b"}, node_count=2)
    conductor.drain()
    body = show(client)
    assert body["status"] == "CREATE_COMPLETE"
    assert body["master_addresses"] + body["node_addresses"] == [
        "10.0.0.11", "10.0.0.13", "10.0.0.15"]
    create_cluster("c2", labels={"host_labels": "zone=b"})
    conductor.drain()
    assert "host_labels: zone=b" in show(client, "c2")["status_reason"]


@pytest.mark.parametrize(("label", "status"), [("create", "CREATE_FAILED"),
                                               ("delete", "DELETE_FAILED")])
def test_driver_errors_become_reasons(client, create_cluster, conductor, label, status):
    create_cluster(labels={"fake_fail": label})
    conductor.drain()
    if label == "delete":
        client.delete("/v1/clusters/c1")
        conductor.drain()
    body = show(client)
    assert body["status"] == status
    assert f"fake driver refused to {label} c1" in body["status_reason"]


def test_failed_create_releases_hosts(client, create_cluster, conductor, conf):
    create_cluster(node_count=5, labels={"fake_fail": "create"})
    conductor.drain()
    assert show(client)["status"] == "CREATE_FAILED"
    with db_api.session(conf) as ses:
        assert ses.query(models.HostAllocation).count() == 0
    create_cluster("again", node_count=5)  # all 6 hosts, the failed cluster still there
    conductor.drain()
    assert show(client, "again")["status"] == "CREATE_COMPLETE"
    assert client.delete("/v1/clusters/c1").status_int == 204
    conductor.drain()
    assert client.get("/v1/clusters/c1").status_int == 404


def test_delete_while_creation_queued(client, create_cluster, conductor):
    create_cluster()
    client.delete("/v1/clusters/c1")
    conductor.drain()
    assert client.get("/v1/clusters/c1").status_int == 404
    assert [c[0] for c in conductor.driver.calls] == ["delete"]
