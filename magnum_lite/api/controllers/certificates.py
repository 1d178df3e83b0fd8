"""``/v1/certificates``: a cluster's CA, CSR signing (for ``coe cluster config``), rotation."""

from magnum_lite.api import errors, lookup, validation, views
from magnum_lite.api.controllers import common
from magnum_lite.conductor import clusters as cluster_objects
from magnum_lite.db import models
from magnum_lite.drivers.base import DriverError

FIELDS = {
    "cluster_uuid": validation.Field("str", mandatory=True),
    "csr": validation.Field("str", mandatory=True, max_length=65536),
    "ca_cert_type": validation.Field("str"),
}


def _call(req, method, *args):
    try:
        return getattr(req.driver(), method)(*args)
    except (DriverError, ValueError) as exc:  # ValueError: a refused CSR (ca.CSRError)
        raise errors.BadRequest(str(exc)) from None


def _tls_cluster(req, ident, error=errors.NotFound):
    row = lookup.get(req, models.Cluster, ident, error=error)
    template = req.db.query(models.ClusterTemplate).filter(
        models.ClusterTemplate.uuid == row.cluster_template_id).one()
    if template.tls_disabled:
        raise errors.BadRequest(f"Cluster {row.uuid} has TLS disabled: it has no "
                                "certificates.")
    return row


def show(req, ident):
    row = _tls_cluster(req, ident)
    req.authorize("certificate:get", row.project_id)
    pem = _call(req, "ca_certificate", cluster_objects.for_driver(row))
    body = {"cluster_uuid": row.uuid, "pem": pem,
            "links": views.links(req, "certificates", row.uuid)}
    if req.GET.get("ca_cert_type"):
        body["ca_cert_type"] = req.GET["ca_cert_type"]
    return common.reply(body)


def create(req):
    values = validation.check_body(common.json_body(req), FIELDS, "certificate")
    row = _tls_cluster(req, values["cluster_uuid"], error=errors.BadRequest)
    req.authorize("certificate:create", row.project_id)
    pem = _call(req, "sign_certificate", cluster_objects.for_driver(row), values["csr"])
    body = {"cluster_uuid": row.uuid, "csr": values["csr"], "pem": pem,
            "links": views.links(req, "certificates", row.uuid)}
    return common.reply(body, 201)


def rotate(req, ident):
    row = _tls_cluster(req, ident)
    req.authorize("certificate:rotate_ca", row.project_id)
    rotate_ca = getattr(req.driver(), "rotate_ca", None)
    if rotate_ca is None:
        raise errors.BadRequest("Rotating the CA certificate is not supported by the "
                                f"{req.conf.conductor.driver} driver.")
    _call(req, "rotate_ca", cluster_objects.for_driver(row))
    return common.reply({"uuid": row.uuid}, 202)
