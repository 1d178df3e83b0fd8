"""Projects, policy and quotas: A never sees B's objects; admins see all; Magnum's 403s."""

from magnum_lite import policies


def test_other_projects_objects_are_404(make_client, create_cluster):
    uuid = create_cluster()
    other = make_client(project="p2")
    assert other.get(f"/v1/clusters/{uuid}").status_int == 404
    assert other.get("/v1/clusters/c1").status_int == 404
    assert other.delete(f"/v1/clusters/{uuid}").status_int == 404
    assert other.patch(f"/v1/clusters/{uuid}", [
        {"op": "replace", "path": "/node_count", "value": 2}]).status_int == 404
    assert other.get("/v1/clusters").json_body_or_none["clusters"] == []
    assert other.get("/v1/clustertemplates/t1").status_int == 404
    assert other.post("/v1/clusters", {"cluster_template_id": "t1"}).status_int == 400


def test_admin_sees_every_project(make_client, create_cluster):
    uuid = create_cluster()
    admin = make_client(project="ops", roles="admin")
    assert admin.get(f"/v1/clusters/{uuid}").status_int == 200
    assert len(admin.get("/v1/clusters").json_body_or_none["clusters"]) == 1


def test_services_need_admin(make_client, conductor):
    conductor.run_once()
    assert make_client().get("/v1/mservices").status_int == 403
    (service,) = make_client(roles="admin").get("/v1/mservices").json_body_or_none[
        "mservices"]
    assert (service["binary"], service["state"], service["disabled"]) == (
        "magnum-conductor", "up", False)


def test_stats(make_client, create_cluster):
    create_cluster(node_count=2)
    client = make_client()
    assert client.get("/v1/stats?project_id=p1").json_body_or_none == {
        "clusters": 1, "nodes": 3}
    assert client.get("/v1/stats?project_id=p2").status_int == 403
    assert make_client(roles="admin").get("/v1/stats?project_id=p2").json_body_or_none == {
        "clusters": 0, "nodes": 0}


def test_quota_limits_cluster_creation(make_client, client, create_cluster):
    admin = make_client(roles="admin")
    created = admin.post("/v1/quotas", {"project_id": "p1", "resource": "Cluster",
                                        "hard_limit": 1})
    assert created.status_int == 201
    assert client.post("/v1/quotas", {"project_id": "p1", "resource": "Cluster",
                                      "hard_limit": 9}).status_int == 403
    create_cluster()
    refused = client.post("/v1/clusters", {"cluster_template_id": "t1"})
    assert refused.status_int == 403
    assert ("You have reached the maximum clusters per project, 1. You may delete a "
            "cluster to make room for a new one.") in refused.text
    assert admin.patch("/v1/quotas/p1/Cluster", {"project_id": "p1", "resource": "Cluster",
                                                 "hard_limit": 2}).status_int == 202
    assert client.post("/v1/clusters", {"cluster_template_id": "t1"}).status_int == 202


def test_quota_show_list_delete(make_client, client, conf):
    admin = make_client(roles="admin")
    assert client.get("/v1/quotas/p1/Cluster").json_body_or_none["hard_limit"] == 20
    admin.post("/v1/quotas", {"project_id": "p1", "resource": "Cluster", "hard_limit": 3})
    admin.post("/v1/quotas", {"project_id": "p2", "resource": "Cluster", "hard_limit": 4})
    assert admin.post("/v1/quotas", {"project_id": "p2", "resource": "Cluster",
                                     "hard_limit": 4}).status_int == 409
    assert [q["project_id"] for q in client.get("/v1/quotas").json_body_or_none[
        "quotas"]] == ["p1"]
    assert len(admin.get("/v1/quotas?all_tenants=True").json_body_or_none["quotas"]) == 2
    assert client.get("/v1/quotas/p1/Cluster").json_body_or_none["hard_limit"] == 3
    assert client.get("/v1/quotas/p1/Volume").status_int == 400
    assert admin.delete("/v1/quotas/p2/Cluster").status_int == 204
    assert admin.delete("/v1/quotas/p2/Cluster").status_int == 404


def test_policy_defaults_are_documented():
    rules = {rule.name: rule for rule in policies.list_rules()}
    assert rules["magnum-service:get_all"].check_str == "rule:context_is_admin"
    assert rules["cluster:create"].check_str == "rule:admin_or_owner"
    assert all(rule.description for rule in rules.values())


def test_policy_file_overrides(conf, tmp_path, make_client, template):
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text('"cluster:get_all": "role:reader"\n')
    conf.set_override("policy_file", str(policy_file), "oslo_policy")
    from magnum_lite.api import app as api_app
    from tests.unit.magnum_lite.conftest import Client
    client = Client(api_app.build_app(conf))
    assert client.get("/v1/clusters").status_int == 403
    assert Client(api_app.build_app(conf), roles="reader").get("/v1/clusters").status_int == 200


def test_keystone_strategy_requires_a_token(conf):
    from keystonemiddleware import auth_token

    from magnum_lite.api import app as api_app
    from tests.unit.magnum_lite.conftest import Client
    conf.set_override("auth_strategy", "keystone", "api")
    for group, opts in auth_token.list_opts():
        conf.register_opts(opts, group=group)
    conf.set_override("www_authenticate_uri", "http://keystone.invalid/identity",
                      "keystone_authtoken")
    client = Client(api_app.build_app(conf))
    assert client.get("/v1").status_int == 200
    response = client.get("/v1/clusters")
    assert response.status_int == 401
    assert response.json_body_or_none["errors"][0]["status"] == 401
