"""Cluster templates: the client's create body, show by name, JSON patch, delete rules."""

from tests.unit.magnum_lite.conftest import TEMPLATE

# What `openstack coe cluster template create` sends (unset keys as null).
CLIENT_BODY = {
    "name": "web", "image_id": "img", "keypair_id": None, "external_network_id": None,
    "coe": "swarm-mode", "fixed_network": None, "fixed_subnet": None, "network_driver": None,
    "volume_driver": None, "driver": None, "dns_nameserver": "8.8.8.8",
    "flavor_id": "m1.medium", "master_flavor_id": None, "docker_volume_size": None,
    "docker_storage_driver": "overlay2", "http_proxy": None, "https_proxy": None,
    "no_proxy": None, "labels": {}, "tls_disabled": False, "public": False,
    "registry_enabled": False, "insecure_registry": None, "server_type": "vm",
    "master_lb_enabled": False}


def test_create_as_the_client_sends_it(client):
    response = client.post("/v1/clustertemplates", CLIENT_BODY)
    assert response.status_int == 201
    body = response.json_body_or_none
    assert response.headers["Location"] == body["links"][0]["href"]
    assert body["flavor_id"] == "m1.medium" and body["project_id"] == "p1"
    assert body["floating_ip_enabled"] is True and body["links"]


def test_show_by_uuid_and_name(client, template):
    by_name = client.get("/v1/clustertemplates/t1").json_body_or_none
    assert by_name == client.get(f"/v1/clustertemplates/{template['uuid']}").json_body_or_none
    assert "links" in by_name


def test_other_coes_are_refused_with_magnum_wording(client):
    response = client.post("/v1/clustertemplates", dict(TEMPLATE, coe="kubernetes"))
    assert response.status_int == 400
    assert response.json_body_or_none["errors"][0]["detail"] == (
        "Invalid input for field/attribute coe. Value: 'kubernetes'. "
        "Value should be one of: swarm-mode")


def test_missing_image_and_unknown_attribute(client):
    missing = client.post("/v1/clustertemplates", {"coe": "swarm-mode"})
    assert "image_id" in missing.json_body_or_none["errors"][0]["detail"]
    unknown = client.post("/v1/clustertemplates", dict(TEMPLATE, colour="red"))
    assert unknown.status_int == 400
    assert "colour" in unknown.json_body_or_none["errors"][0]["detail"]


def test_json_patch_as_the_client_sends_it(client, template):
    client.patch(f"/v1/clustertemplates/{template['uuid']}",
                 [{"op": "add", "path": "/labels/foo", "value": "1"}])
    response = client.patch("/v1/clustertemplates/t1", [
        {"op": "replace", "path": "/name", "value": "n"},
        {"op": "replace", "path": "/docker_volume_size", "value": 5},
        {"op": "replace", "path": "/tls_disabled", "value": True},
        {"op": "add", "path": "/labels/a", "value": "b"},
        {"op": "remove", "path": "/labels/foo"},
        {"op": "replace", "path": "/tags", "value": "t1"}])
    assert response.status_int == 200, response.body
    body = response.json_body_or_none
    assert (body["name"], body["docker_volume_size"], body["tls_disabled"], body["labels"],
            body["tags"]) == ("n", 5, True, {"a": "b"}, "t1")
    assert body["updated_at"]


def test_patch_rules(client, template):
    path = f"/v1/clustertemplates/{template['uuid']}"
    for patch, words in [
        ([{"op": "replace", "path": "/uuid", "value": "x"}], "internal attribute"),
        ([{"op": "remove", "path": "/coe"}], "mandatory attribute"),
        ([{"op": "add", "path": "/name", "value": "x"}], "use 'replace'"),
        ([{"op": "replace", "path": "/coe", "value": "kubernetes"}], "swarm-mode"),
        ([{"op": "move", "path": "/name"}], "op must be"),
        ([{"op": "replace", "path": "/a.b", "value": 1}], "Invalid path"),
        ([], "JSON patch"),
    ]:
        response = client.patch(path, patch)
        assert response.status_int == 400, patch
        assert words in response.json_body_or_none["errors"][0]["detail"], patch


def test_replace_labels_with_a_string_is_evaluated(client, template):
    body = client.patch("/v1/clustertemplates/t1", [
        {"op": "replace", "path": "/labels", "value": "{'k': 'v'}"}]).json_body_or_none
    assert body["labels"] == {"k": "v"}


def test_in_use_template_cannot_be_deleted_or_changed_but_renamed(client, template):
    assert client.post("/v1/clusters", {"cluster_template_id": "t1"}).status_int == 202
    refused = client.delete("/v1/clustertemplates/t1")
    assert refused.status_int == 400
    assert "is referenced by one or multiple clusters" in refused.json_body_or_none[
        "errors"][0]["detail"]
    assert client.patch("/v1/clustertemplates/t1", [
        {"op": "replace", "path": "/image_id", "value": "other"}]).status_int == 400
    assert client.patch("/v1/clustertemplates/t1", [
        {"op": "replace", "path": "/name", "value": "renamed"}]).status_int == 200


def test_delete_unused(client, template):
    assert client.delete("/v1/clustertemplates/t1").status_int == 204
    assert client.get("/v1/clustertemplates/t1").status_int == 404


def test_publishing_needs_admin(client, make_client):
    assert client.post("/v1/clustertemplates",
                       dict(TEMPLATE, public=True)).status_int == 403
    admin = make_client(roles="admin")
    assert admin.post("/v1/clustertemplates", dict(TEMPLATE, public=True)).status_int == 201
    # A public template is visible to every project.
    other = make_client(project="p2")
    assert other.get("/v1/clustertemplates/t1").status_int == 200
