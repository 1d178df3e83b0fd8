"""The containers API in-process: Zun's documents, errors, VALID_STATES 409s, cluster
choice, quotas and project isolation (no engine: nothing is drained)."""

import pytest
import webob

from magnum_lite.api.zun import wsgi
from tests.unit.magnum_lite.conftest import Client


@pytest.fixture
def zun_app(conf):
    return wsgi.build_app(conf)


@pytest.fixture
def zun(zun_app):
    return lambda **kw: ZunClient(zun_app, **kw)


class ZunClient(Client):
    def __call__(self, method, path, body=None, headers=None, raw=None):
        headers = {"OpenStack-API-Version": "container 1.40", **(headers or {})}
        return super().__call__(method, path, body, headers, raw)


@pytest.fixture
def cluster(create_cluster, conductor):
    uuid = create_cluster("c1")
    conductor.drain()
    return uuid


def _run(client, name="web", **body):
    return client.post("/v1/containers?run=true", {"name": name, "image": "img:1", **body})


def test_version_documents_and_headers(zun):
    root = zun().get("/").json_body_or_none
    assert root["versions"][0]["max_version"] == "1.40"
    assert root["versions"][0]["status"] == "CURRENT"
    response = zun().get("/v1/containers")
    assert response.headers["OpenStack-API-Version"] == "container 1.40"
    assert response.headers["OpenStack-API-Maximum-Version"] == "container 1.40"
    refused = zun().get("/v1/containers", headers={"OpenStack-API-Version": "container 1.99"})
    assert refused.status_int == 406
    assert refused.json_body_or_none["errors"][0]["code"] == \
        "container.microversion-unsupported"


def test_create_is_202_on_the_projects_only_cluster(zun, cluster):
    response = _run(zun(), command=["sh", "-c", "true"], memory="64", cpu=0.5,
                    exposed_ports={"80/tcp": {}}, restart_policy={"Name": "always",
                                                                  "MaximumRetryCount": "0"})
    assert response.status_int == 202, response.text
    body = response.json_body_or_none
    assert (body["status"], body["task_state"]) == ("Creating", "container_creating")
    assert body["cluster"] == cluster and body["memory"] == "64M" and body["ports"] == [80]
    assert body["command"] == ["sh", "-c", "true"]
    old = zun(version=None).get(f"/v1/containers/{body['uuid']}",
                                headers={"OpenStack-API-Version": "container 1.19"})
    assert old.json_body_or_none["command"] == "sh -c true"


def test_no_cluster_is_a_400_saying_what_to_do(zun):
    error = _run(zun()).json_body_or_none["errors"][0]
    assert error["status"] == 400 and "--hint cluster=NAME" in error["detail"]


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "-bad"}, "name"), ({"privileged": True}, "privileged"),
    ({"labels": {"org.openstack.docker.owner": "nova"}}, "labels"),
    ({"memory": "1"}, "memory"), ({"restart_policy": {"Name": "sometimes"}}, "restart_policy"),
    ({"hints": {"cluster": "nope"}}, "hints"), ({"mounts": [{"source": "/"}]}, "mounts"),
    ({"auto_remove": True}, "auto_remove"),
])
def test_bad_input_names_the_field(zun, cluster, body, field):
    error = _run(zun(), **body).json_body_or_none["errors"][0]
    assert error["status"] == 400 and field in error["detail"], error


def test_invalid_transitions_are_409_with_zuns_body(zun, cluster):
    uuid = _run(zun()).json_body_or_none["uuid"]
    error = zun().post(f"/v1/containers/{uuid}/start").json_body_or_none["errors"][0]
    assert error["status"] == 409 and error["code"] == "container.invalid-state-exception"
    assert error["title"] == f"Cannot start container {uuid} in Creating state."
    assert zun().delete(f"/v1/containers/{uuid}").status_int == 409
    forced = zun(roles="admin").delete(f"/v1/containers/{uuid}?force=True&stop=False")
    assert forced.status_int == 204
    shown = zun().get(f"/v1/containers/{uuid}").json_body_or_none
    assert (shown["status"], shown["task_state"]) == ("Deleting", "container_deleting")


def test_quota_is_zuns_403(zun, cluster, conf):
    conf.set_override("max_containers_per_project", 1, "quotas")
    assert _run(zun(), "one").status_int == 202
    error = _run(zun(), "two").json_body_or_none["errors"][0]
    assert (error["status"], error["code"]) == (403, "container.over-quota")


def test_projects_see_only_their_own(zun, cluster):
    uuid = _run(zun()).json_body_or_none["uuid"]
    other = zun(project="p2")
    assert other.get(f"/v1/containers/{uuid}").status_int == 404
    assert other.get("/v1/containers").json_body_or_none["containers"] == []
    assert other.post(f"/v1/containers/{uuid}/stop").status_int == 404
    error = _run(other, hints={"cluster": "c1"}).json_body_or_none["errors"][0]
    assert error["status"] == 400 and "could not be found" in error["detail"]
    every = zun(project="p2", roles="admin").get("/v1/containers?all_projects=True")
    assert [c["uuid"] for c in every.json_body_or_none["containers"]] == [uuid]


def test_list_filters_are_zuns(zun, cluster):
    _run(zun(), "a1")
    _run(zun(), "b1")
    names = [c["name"] for c in zun().get("/v1/containers?name=b1").json_body_or_none[
        "containers"]]
    assert names == ["b1"]
    assert zun().get("/v1/containers?colour=red").status_int == 400
    page = zun().get("/v1/containers?limit=1").json_body_or_none
    assert len(page["containers"]) == 1 and "/v1/containers?" in page["next"]


def test_server_errors_say_nothing_of_the_cause(zun_app, monkeypatch):
    from magnum_lite.api.zun import router

    def boom(req):
        raise RuntimeError("secret")
    monkeypatch.setattr(router, "ROUTES", tuple(
        (p, {"GET": boom}) if p == "/v1/containers" else (p, h) for p, h in router.ROUTES))
    response = webob.Request.blank("/v1/containers").get_response(zun_app)
    assert response.status_int == 500 and b"secret" not in response.body
