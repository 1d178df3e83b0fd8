"""Version documents at ``/`` (zunclient reads ``max_version`` of the CURRENT entry
before every command) and ``/v1``."""

from magnum_lite.api import microversion
from magnum_lite.api.controllers import common

ZUN = microversion.Versions(("container",), (1, 1), (1, 40),
                            "container.microversion-unsupported")
RESOURCES = ("containers", "services", "hosts", "images", "capsules", "availability_zones",
             "quotas", "quota_classes", "networks")


def _version(req):
    return {"id": "v1", "links": [{"href": f"{req.host_url}/v1/", "rel": "self"}],
            "status": "CURRENT", "max_version": microversion.fmt(ZUN.maximum),
            "min_version": microversion.fmt(ZUN.minimum)}


def root(req):
    return common.reply({"name": "OpenStack Zun API",
                         "description": "Zun is an OpenStack project which aims to provide "
                                        "containers service.",
                         "versions": [_version(req)], "default_version": _version(req)})


def v1(req):
    host = req.host_url
    body = {"id": "v1",
            "links": [{"href": f"{host}/v1/", "rel": "self"},
                      {"href": "https://docs.openstack.org/zun/latest/",
                       "rel": "describedby", "type": "text/html"}],
            "media_types": [{"base": "application/json",
                             "type": "application/vnd.openstack.zun.v1+json"}]}
    for name in RESOURCES:
        body[name] = [{"href": f"{host}/v1/{name}/", "rel": "self"},
                      {"href": f"{host}/{name}/", "rel": "bookmark"}]
    return common.reply(body)
