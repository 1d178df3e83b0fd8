"""Version documents at ``/`` and ``/v1`` (public, what discovery reads)."""

from magnum_lite.api import microversion
from magnum_lite.api.controllers import common

RESOURCES = ("clustertemplates", "clusters", "quotas", "certificates", "mservices", "stats",
             "federations", "credentials")


def _version(req):
    return {"id": "v1", "links": [{"href": f"{req.host_url}/v1/", "rel": "self"}],
            "status": "CURRENT", "max_version": microversion.fmt(microversion.MAX_VERSION),
            "min_version": microversion.fmt(microversion.MIN_VERSION)}


def root(req):
    return common.reply({
        "name": "OpenStack Magnum API",
        "description": "Magnum is an OpenStack project which aims to provide container "
                       "cluster management.",
        "versions": [_version(req)]})


def v1(req):
    host = req.host_url
    body = {
        "id": "v1",
        "links": [{"href": f"{host}/v1/", "rel": "self"},
                  {"href": "http://docs.openstack.org/developer/magnum/dev/api-spec-v1.html",
                   "rel": "describedby", "type": "text/html"}],
        "media_types": [{"base": "application/json",
                         "type": "application/vnd.openstack.magnum.v1+json"}],
        "nodegroups": [{"href": f"{host}/v1/clusters/{{cluster_id}}/nodegroups",
                        "rel": "self"}],
    }
    for name in RESOURCES:
        body[name] = [{"href": f"{host}/v1/{name}/", "rel": "self"},
                      {"href": f"{host}/{name}/", "rel": "bookmark"}]
    return common.reply(body)


def openapi(req):
    """The OpenAPI document of this API (what schemathesis and client authors read)."""
    import importlib.resources

    text = importlib.resources.files("magnum_lite.api").joinpath("openapi.yaml").read_text()
    response = common.reply(None)
    response.content_type = "application/yaml"
    response.text = text
    return response
