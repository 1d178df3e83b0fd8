"""Version documents, microversion negotiation, response headers and the error body."""

import pytest

from magnum_lite.api import errors, microversion


def test_root_document_lists_v1_with_its_range(client):
    body = client.get("/").json_body_or_none
    assert body["name"] == "OpenStack Magnum API"
    (version,) = body["versions"]
    assert (version["id"], version["min_version"], version["max_version"]) == (
        "v1", "1.1", "1.14")
    assert version["links"][0]["href"] == "http://localhost/v1/"


def test_v1_document_links_every_resource(client):
    body = client.get("/v1").json_body_or_none
    assert body["media_types"][0]["type"] == "application/vnd.openstack.magnum.v1+json"
    assert body["clusters"] == [{"href": "http://localhost/v1/clusters/", "rel": "self"},
                                {"href": "http://localhost/clusters/", "rel": "bookmark"}]
    assert body["nodegroups"][0]["href"].endswith("/v1/clusters/{cluster_id}/nodegroups")


def test_unversioned_paths_are_v1(client, template):
    assert client.get("/clustertemplates").json_body_or_none["clustertemplates"][0][
        "uuid"] == template["uuid"]


@pytest.mark.parametrize(("header", "expected"), [
    (None, "1.1"),
    ("container-infra latest", "1.14"),
    ("container-infra 1.12", "1.12"),
    ("container-infrastructure 1.7", "1.7"),
    ("container-infrastructure-management 1.13", "1.13"),
    ("compute 2.1, container-infra 1.9", "1.9"),
])
def test_negotiated_version_headers(client, header, expected):
    response = client.get("/v1/clusters", headers={"OpenStack-API-Version": header}
                          if header else None)
    assert response.status_int == 200
    name = "container-infrastructure-management"
    assert response.headers["OpenStack-API-Version"] == f"{name} {expected}"
    assert response.headers["OpenStack-API-Minimum-Version"] == f"{name} 1.1"
    assert response.headers["OpenStack-API-Maximum-Version"] == f"{name} 1.14"
    assert response.headers["Vary"] == "OpenStack-API-Version"
    assert response.headers["x-openstack-request-id"].startswith("req-")


@pytest.mark.parametrize("header", ["container-infra 2.0", "container-infra 1.15",
                                    "container-infra 1.0", "container-infra one",
                                    "compute 2.1", "garbage"])
def test_unsupported_versions_are_406(client, header):
    response = client.get("/v1/clusters", headers={"OpenStack-API-Version": header})
    assert response.status_int == 406
    (error,) = response.json_body_or_none["errors"]
    assert error["status"] == 406 and error["detail"]


def test_out_of_range_carries_magnum_code():
    with pytest.raises(errors.NotAcceptable) as info:
        microversion.requested({"OpenStack-API-Version": "container-infra 1.99"})
    assert info.value.extra["code"] == "magnum.microversion-unsupported"
    assert info.value.extra["max_version"] == "1.14"


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/v1/nothing-here", 404),
    ("PUT", "/v1/clusters", 405),
    ("GET", "/v1/clusters/does-not-exist", 404),
    ("POST", "/v1/clusters", 400),
])
def test_every_error_has_magnum_shape(client, method, path, status):
    response = client(method, path, raw=b"{not json" if method == "POST" else None)
    assert response.status_int == status
    assert response.content_type == "application/json"
    (error,) = response.json_body_or_none["errors"]
    assert set(error) >= {"request_id", "code", "status", "title", "detail", "links"}
    assert error["status"] == status and error["code"] == "client"
    assert error["request_id"] == ""


def test_not_found_title_is_what_the_client_prints(client):
    error = client.get("/v1/clusters/nope").json_body_or_none["errors"][0]
    assert error["title"] == "Cluster nope could not be found"


def test_server_errors_are_shaped_too(client, monkeypatch):
    from magnum_lite.api import router

    def boom(req):
        raise RuntimeError("kaput")
    monkeypatch.setattr(router, "ROUTES", tuple(
        (p, {"GET": boom}) if p == "/v1/stats" else (p, h) for p, h in router.ROUTES))
    response = client.get("/v1/stats")
    assert response.status_int == 500
    assert response.json_body_or_none["errors"][0]["code"] == "server"
    assert "kaput" not in response.text
