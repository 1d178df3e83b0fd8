"""``/v1/clustertemplates``: create, list, show, JSON-patch update, delete."""

import random
import uuid as uuidlib

from magnum_lite.api import errors, lookup, pagination, validation, views
from magnum_lite.api import patch as json_patch
from magnum_lite.api.controllers import common
from magnum_lite.db import models

Template = models.ClusterTemplate
ADJECTIVES = ("brave", "calm", "eager", "fond", "keen", "proud", "swift", "wise")


def _store(row, values):
    extra = {}
    for name, value in values.items():
        if name in validation.TEMPLATE_COLUMNS:
            setattr(row, name, value)
        else:
            extra[name] = value
    row.extra = extra


def _in_use(req, row):
    return req.db.query(models.Cluster.id).filter(
        models.Cluster.cluster_template_id == row.uuid).first() is not None


def _check_publish(req, values, before=None):
    for flag in ("public", "hidden"):
        if values.get(flag) and (before is None or not getattr(before, flag)):
            req.authorize("clustertemplate:publish")


def create(req):
    req.authorize("clustertemplate:create")
    values = validation.check_body(common.json_body(req), validation.TEMPLATE_FIELDS,
                                   "cluster_template")
    _check_publish(req, values)
    values["uuid"] = values["uuid"] or str(uuidlib.uuid4())
    if req.db.query(Template.id).filter(Template.uuid == values["uuid"]).first():
        raise errors.Conflict(f"A ClusterTemplate with UUID {values['uuid']} already exists.")
    values["name"] = values["name"] or (
        f"{random.choice(ADJECTIVES)}-{random.randint(1000, 9999)}-template")
    row = Template(project_id=req.ctx.project_id, user_id=req.ctx.user_id)
    _store(row, values)
    req.db.add(row)
    req.db.flush()
    body = views.template(req, row)
    return common.reply(body, 201, {"Location": body["links"][0]["href"]})


def index(req, detail=False):
    req.authorize("clustertemplate:get_all")
    where = lookup.visibility(req, Template)
    if not req.is_admin:
        where.append(Template.hidden.is_(False) | (Template.project_id == req.ctx.project_id))
    rows, next_url = pagination.page(req, Template, where)
    items = [views.template(req, row, detail) for row in rows]
    return common.reply(common.collection("clustertemplates", items, next_url))


def detail(req):
    return index(req, detail=True)


def show(req, ident):
    row = lookup.get(req, Template, ident)
    req.authorize("clustertemplate:get", row.project_id if not row.public else None)
    return common.reply(views.template(req, row))


def update(req, ident):
    row = lookup.owned(req, lookup.get(req, Template, ident))
    req.authorize("clustertemplate:update", row.project_id)
    document = {k: v for k, v in views.template(req, row).items()
                if k in validation.TEMPLATE_FIELDS}
    patched = json_patch.apply(document, common.json_body(req),
                               validation.TEMPLATE_NOT_REMOVABLE)
    values = validation.check_body(patched, validation.TEMPLATE_FIELDS, "cluster_template")
    values["uuid"] = row.uuid
    changed = {k for k in values if values[k] != document.get(k)}
    if changed - validation.TEMPLATE_CHANGEABLE_IN_USE and _in_use(req, row):
        raise errors.BadRequest(f"ClusterTemplate {row.uuid} is referenced by one or "
                                "multiple clusters.")
    _check_publish(req, values, row)
    _store(row, values)
    row.updated_at = models.utcnow()
    req.db.flush()
    return common.reply(views.template(req, row))


def delete(req, ident):
    row = lookup.owned(req, lookup.get(req, Template, ident))
    req.authorize("clustertemplate:delete", row.project_id)
    if _in_use(req, row):
        # Magnum 23 answers 400 (ClusterTemplateReferenced is an Invalid), not 409.
        raise errors.BadRequest(f"ClusterTemplate {row.uuid} is referenced by one or "
                                "multiple clusters.")
    req.db.delete(row)
    return common.no_content()
