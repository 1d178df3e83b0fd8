"""limit / marker / sort_key / sort_dir and next links that start with /v1/."""

import urllib.parse

from tests.unit.magnum_lite.conftest import TEMPLATE


def _make(client, count):
    return [client.post("/v1/clustertemplates", dict(TEMPLATE, name=f"t{i:02d}"))
            .json_body_or_none["uuid"] for i in range(count)]


def test_pages_follow_next(client):
    uuids = _make(client, 5)
    seen, url = [], "/v1/clustertemplates/?limit=2&sort_key=name&sort_dir=asc"
    while url:
        body = client.get(url).json_body_or_none
        seen += [t["uuid"] for t in body["clustertemplates"]]
        url = body.get("next")
        if url:
            parts = urllib.parse.urlsplit(url)
            assert parts.path == "/v1/clustertemplates"
            url = parts.path + "?" + parts.query
    assert seen == uuids


def test_desc_and_default_order(client):
    uuids = _make(client, 3)
    names = [t["name"] for t in client.get(
        "/v1/clustertemplates?sort_key=name&sort_dir=desc").json_body_or_none[
        "clustertemplates"]]
    assert names == ["t02", "t01", "t00"]
    body = client.get("/v1/clustertemplates").json_body_or_none
    assert [t["uuid"] for t in body["clustertemplates"]] == uuids and "next" not in body


def test_bad_parameters_are_400(client):
    _make(client, 1)
    for query, words in [("limit=0", "Limit must be positive"),
                         ("limit=x", "limit"),
                         ("sort_dir=up", "Invalid sort direction"),
                         ("sort_key=nope", 'The sort_key value "nope" is an invalid field'),
                         ("marker=00000000-0000-0000-0000-000000000000", "Marker")]:
        response = client.get(f"/v1/clustertemplates?{query}")
        assert response.status_int == 400, query
        assert words in response.json_body_or_none["errors"][0]["detail"]


def test_limit_is_capped_by_max_limit(client, conf):
    conf.set_override("max_limit", 2, "api")
    _make(client, 3)
    body = client.get("/v1/clustertemplates?limit=50").json_body_or_none
    assert len(body["clustertemplates"]) == 2 and "limit=2" in body["next"]
