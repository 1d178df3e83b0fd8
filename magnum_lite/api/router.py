"""URL map: path templates to ``{method: handler}``; unversioned paths mean v1."""

import routes

from magnum_lite.api.controllers import certificates, clusters, quotas, root, services
from magnum_lite.api.controllers import cluster_templates as templates

ROUTES = (
    ("/", {"GET": root.root}),
    ("/v1", {"GET": root.v1}),
    ("/v1/openapi.yaml", {"GET": root.openapi}),
    ("/v1/clustertemplates", {"GET": templates.index, "POST": templates.create}),
    ("/v1/clustertemplates/detail", {"GET": templates.detail}),
    ("/v1/clustertemplates/{ident}", {"GET": templates.show, "PATCH": templates.update,
                                      "DELETE": templates.delete}),
    ("/v1/clusters", {"GET": clusters.index, "POST": clusters.create}),
    ("/v1/clusters/detail", {"GET": clusters.detail}),
    ("/v1/clusters/{ident}", {"GET": clusters.show, "PATCH": clusters.update,
                              "DELETE": clusters.delete}),
    ("/v1/clusters/{ident}/actions/resize", {"POST": clusters.resize}),
    ("/v1/certificates", {"POST": certificates.create}),
    ("/v1/certificates/{ident}", {"GET": certificates.show, "PATCH": certificates.rotate}),
    ("/v1/mservices", {"GET": services.mservices}),
    ("/v1/stats", {"GET": services.stats}),
    ("/v1/quotas", {"GET": quotas.index, "POST": quotas.create}),
    ("/v1/quotas/{project_id}/{resource}", {"GET": quotas.show, "PATCH": quotas.update,
                                            "DELETE": quotas.delete}),
)


def build(table=None):
    mapper = routes.Mapper()
    for index, (path, _handlers) in enumerate(ROUTES if table is None else table):
        mapper.connect(path, route_index=str(index))
    return mapper


def handlers_of(match, table=None):
    """The ``{method: handler}`` of a match (routes keeps only strings in matches)."""
    return (ROUTES if table is None else table)[int(match.pop("route_index"))][1]


def versioned(path):
    """The v1 path a request means: ``/clusters`` is ``/v1/clusters``; '/' is the root."""
    path = path.rstrip("/") or "/"
    if path == "/" or path == "/v1" or path.startswith("/v1/"):
        return path
    return "/v1" + path
