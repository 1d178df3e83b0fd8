"""``/v1/mservices`` and ``/v1/stats``: what runs, and how much a project uses."""

import datetime

import sqlalchemy as sa

from magnum_lite.api import errors, views
from magnum_lite.api.controllers import common
from magnum_lite.db import models


def mservices(req):
    req.authorize("magnum-service:get_all")
    now = models.utcnow()
    down_after = datetime.timedelta(seconds=req.conf.conductor.service_down_time)
    items = []
    for row in req.db.scalars(sa.select(models.Service).order_by(models.Service.id)):
        alive = row.last_seen_up is not None and now - row.last_seen_up <= down_after
        items.append({"id": row.id, "host": row.host, "binary": row.binary,
                      "state": "up" if alive else "down", "disabled": row.disabled,
                      "disabled_reason": row.disabled_reason,
                      "report_count": row.report_count,
                      "created_at": views.stamp(row.created_at),
                      "updated_at": views.stamp(row.updated_at)})
    return common.reply({"mservices": items})


def stats(req):
    project_id = req.GET.get("project_id")
    kind = req.GET.get("type", "cluster")
    if kind != "cluster":
        raise errors.BadRequest(f"Invalid stats type: {kind}. Only 'cluster' is supported.")
    if project_id and project_id != req.ctx.project_id and not req.is_admin:
        raise errors.Forbidden("Not authorized.")
    req.authorize("stats:get_all", project_id)
    query = sa.select(sa.func.count(), sa.func.coalesce(
        sa.func.sum(models.Cluster.node_count + models.Cluster.master_count), 0))
    if project_id or not req.is_admin:
        query = query.where(models.Cluster.project_id == (project_id or req.ctx.project_id))
    clusters, nodes = req.db.execute(query).one()
    return common.reply({"clusters": clusters, "nodes": int(nodes)})
