"""Fixtures: a fresh sqlite database per test, the WSGI app, and a JSON client for it."""

import json

import pytest
import webob

from magnum_lite import service
from magnum_lite.api import app as api_app
from magnum_lite.db import api as db_api
from magnum_lite.db import migration

FAKE = "tests.common.magnum_fake"


@pytest.fixture
def conf(tmp_path):
    conf = service.new_conf()
    conf([], default_config_files=[])
    conf.set_override("state_path", str(tmp_path))
    conf.set_override("auth_strategy", "noauth", "api")
    conf.set_override("driver", f"{FAKE}:FakeDriver", "conductor")
    conf.set_override("hosts_loader", f"{FAKE}:load_hosts", "conductor")
    conf.set_override("health_interval", 0, "conductor")
    migration.upgrade(conf)
    yield conf
    db_api.dispose()


class Client:
    """Calls the WSGI app in-process; ``project``/``roles`` become noauth headers."""

    def __init__(self, app, project="p1", roles="member", version=None):
        self.app, self.project, self.roles, self.version = app, project, roles, version

    def __call__(self, method, path, body=None, headers=None, raw=None):
        req = webob.Request.blank(path, method=method)
        req.headers["X-Project-Id"] = self.project
        req.headers["X-Roles"] = self.roles
        if self.version:
            req.headers["OpenStack-API-Version"] = f"container-infra {self.version}"
        if body is not None or raw is not None:
            req.body = raw if raw is not None else json.dumps(body).encode()
            req.content_type = "application/json"
        req.headers.update(headers or {})
        response = req.get_response(self.app)
        response.json_body_or_none = (json.loads(response.body) if response.body and
                                      response.content_type == "application/json" else None)
        return response

    def get(self, path, **kw):
        return self("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self("DELETE", path, **kw)


@pytest.fixture
def app(conf):
    return api_app.build_app(conf)


@pytest.fixture
def client(app):
    return Client(app)


@pytest.fixture
def make_client(app):
    return lambda **kw: Client(app, **kw)


TEMPLATE = {"name": "t1", "coe": "swarm-mode", "image_id": "img", "labels": {}}


@pytest.fixture
def template(client):
    response = client.post("/v1/clustertemplates", TEMPLATE)
    assert response.status_int == 201, response.body
    return response.json_body_or_none


@pytest.fixture
def conductor(conf):
    """A conductor on the fake driver; ``drain()`` runs until nothing is queued."""
    from magnum_lite import drivers
    from magnum_lite.conductor import service as conductor_service

    instance = conductor_service.Conductor(conf, drivers.load_driver(conf),
                                           drivers.load_hosts, owner="test")

    def drain(limit=50):
        for _ in range(limit):
            if not instance.run_once():
                return
        raise AssertionError("operations kept coming")
    instance.drain = drain
    return instance


@pytest.fixture
def create_cluster(client, template):
    def create(name="c1", **body):
        response = client.post("/v1/clusters", {"name": name, "cluster_template_id": "t1",
                                                **body})
        assert response.status_int == 202, response.body
        return response.json_body_or_none["uuid"]
    return create
