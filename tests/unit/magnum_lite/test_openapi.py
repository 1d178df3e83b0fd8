"""The served OpenAPI document describes exactly the routes the API has."""

import re

import yaml

from magnum_lite.api import router


def test_openapi_covers_every_route(client):
    response = client.get("/v1/openapi.yaml")
    assert response.status_int == 200 and response.content_type == "application/yaml"
    document = yaml.safe_load(response.text)
    documented = {(path, method.upper()) for path, item in document["paths"].items()
                  for method in item if method != "parameters"}
    routed = {(re.sub(r"\{\w+\}", "{x}", path), method) for path, handlers in router.ROUTES
              for method in handlers if path != "/v1/openapi.yaml"}
    assert {(re.sub(r"\{\w+\}", "{x}", p), m) for p, m in documented} == routed
