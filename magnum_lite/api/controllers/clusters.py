"""``/v1/clusters``: create (202), list, show, node_count PATCH, resize action, delete.

The API only records intent: the cluster's status changes and an operation is queued in
the same transaction; a conductor does the work.
"""

import random
import uuid as uuidlib

from magnum_lite import status as st
from magnum_lite.api import errors, lookup, microversion, pagination, validation, views
from magnum_lite.api import patch as json_patch
from magnum_lite.api import quotas as quota_rules
from magnum_lite.api.controllers import common
from magnum_lite.db import models, operations

Cluster = models.Cluster
TEMPLATE_FALLBACKS = ("docker_volume_size", "flavor_id", "master_flavor_id", "fixed_network",
                      "fixed_subnet", "floating_ip_enabled", "master_lb_enabled")
COLUMNS_FROM_EXTRA = ("docker_volume_size", "flavor_id", "master_flavor_id")
PATCHABLE = ("node_count", "health_status", "health_status_reason")
EXTRA_KEYS = ("discovery_url", *TEMPLATE_FALLBACKS)


def _labels(values, template):
    given = values["labels"]
    if not given:
        return dict(template.labels or {})
    if values["merge_labels"]:
        return {**(template.labels or {}), **given}
    return given


def create(req):
    req.authorize("cluster:create")
    values = validation.check_body(
        common.json_body(req),
        validation.cluster_fields(req.version, microversion.ZERO_NODES), "cluster")
    template = lookup.get(req, models.ClusterTemplate, values["cluster_template_id"],
                          error=errors.BadRequest)
    quota_rules.check_cluster_quota(req, req.ctx.project_id)
    cluster_uuid = values["uuid"] or str(uuidlib.uuid4())
    if req.db.query(Cluster.id).filter(Cluster.uuid == cluster_uuid).first():
        raise errors.Conflict(f"A cluster with UUID {cluster_uuid} already exists.")
    extra = {key: values.get(key) for key in EXTRA_KEYS}
    for key in TEMPLATE_FALLBACKS:
        if extra[key] is None:
            extra[key] = (template.extra or {}).get(key)
    row = Cluster(
        uuid=cluster_uuid, project_id=req.ctx.project_id, user_id=req.ctx.user_id,
        name=values["name"] or f"{template.name[:200]}-{random.randint(1000, 9999)}-cluster",
        cluster_template_id=template.uuid,
        keypair=values["keypair"] or (template.extra or {}).get("keypair_id"),
        master_count=values["master_count"], node_count=values["node_count"],
        create_timeout=values["create_timeout"], labels=_labels(values, template),
        status=st.CREATE_IN_PROGRESS, status_reason="Cluster creation queued",
        health_status="UNKNOWN",
        **{key: extra.pop(key) for key in COLUMNS_FROM_EXTRA}, extra=extra)
    req.db.add(row)
    req.db.flush()
    operations.enqueue(req.db, row.uuid, "create")
    return common.reply({"uuid": row.uuid}, 202)


def index(req, detail=False):
    req.authorize("cluster:get_all")
    where = lookup.visibility(req, Cluster)
    if detail:
        rows, next_url = pagination.page(req, Cluster, where)
        items = [views.cluster(req, row) for row in rows]
    else:
        rows, next_url = pagination.page(req, Cluster, where, views.CLUSTER_LIST_COLUMNS)
        items = views.cluster_summaries(req, rows)
    return common.reply(common.collection("clusters", items, next_url))


def detail(req):
    return index(req, detail=True)


def show(req, ident):
    row = lookup.get(req, Cluster, ident)
    req.authorize("cluster:get", row.project_id)
    template = req.db.query(models.ClusterTemplate).filter(
        models.ClusterTemplate.uuid == row.cluster_template_id).first()
    return common.reply(views.cluster(req, row, template_labels=(
        template.labels if template else {})))


def _start_resize(req, row, node_count, nodes_to_remove, allowed):
    if row.status not in allowed:
        raise errors.Conflict(f"Updating a cluster when status is \"{row.status}\" is not "
                              "supported.")
    row.status = st.UPDATE_IN_PROGRESS
    row.status_reason = f"Resize to {node_count} node(s) queued"
    row.updated_at = models.utcnow()
    operations.enqueue(req.db, row.uuid, "resize", node_count=node_count,
                       nodes_to_remove=nodes_to_remove)
    return common.reply({"uuid": row.uuid}, 202)


def update(req, ident):
    row = lookup.owned(req, lookup.get(req, Cluster, ident))
    req.authorize("cluster:update", row.project_id)
    document = views.cluster(req, row)
    document.pop("links")
    patched = json_patch.apply(document, common.json_body(req))
    changed = sorted(k for k in set(patched) | set(document)
                     if patched.get(k) != document.get(k) and k not in PATCHABLE)
    if changed:
        raise errors.BadRequest(f"cannot change cluster property(ies) {', '.join(changed)}.")
    minimum = 0 if req.version >= microversion.ZERO_NODES else 1
    node_count = validation.Field("int", minimum=minimum, mandatory=True).check(
        "node_count", patched.get("node_count"))
    return _start_resize(req, row, node_count, [], st.UPDATABLE)


def resize(req, ident):
    microversion.require(req.version, microversion.RESIZE, "resize")
    row = lookup.owned(req, lookup.get(req, Cluster, ident))
    req.authorize("cluster:resize", row.project_id)
    values = validation.check_body(common.json_body(req), validation.RESIZE_FIELDS, "resize")
    if values["nodegroup"] == "default-master":
        raise errors.BadRequest("Resizing the master nodegroup is not supported.")
    if values["nodegroup"] != "default-worker":
        raise errors.NotFound(f"Nodegroup {values['nodegroup']} could not be found.")
    return _start_resize(req, row, values["node_count"], values["nodes_to_remove"],
                         st.RESIZABLE)


def delete(req, ident):
    row = lookup.owned(req, lookup.get(req, Cluster, ident))
    req.authorize("cluster:delete", row.project_id)
    if row.status != st.DELETE_IN_PROGRESS:
        row.status = st.DELETE_IN_PROGRESS
        row.status_reason = "Cluster deletion queued"
        row.updated_at = models.utcnow()
        operations.enqueue(req.db, row.uuid, "delete")
    return common.no_content()
