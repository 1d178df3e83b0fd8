"""``/v1/quotas``: per-project cluster limits (admins set them, members read their own)."""

import sqlalchemy as sa

from magnum_lite.api import errors, pagination, validation, views
from magnum_lite.api import quotas as rules
from magnum_lite.api.controllers import common
from magnum_lite.db import models

Quota = models.Quota
FIELDS = {
    "project_id": validation.Field("str", mandatory=True),
    "resource": validation.Field("str", mandatory=True, choices=(rules.RESOURCE,)),
    "hard_limit": validation.Field("int", default=1, minimum=0),
}


def _find(req, project_id, resource):
    row = req.db.scalar(sa.select(Quota).where(Quota.project_id == project_id,
                                               Quota.resource == resource))
    if row is None:
        raise errors.NotFound(f"Quota could not be found: project {project_id} has no "
                              f"{resource} quota.")
    return row


def _resource(resource):
    if resource != rules.RESOURCE:
        raise errors.BadRequest(f"Invalid input for field/attribute resource. Value: "
                                f"'{resource}'. Value should be one of: {rules.RESOURCE}")
    return resource


def create(req):
    req.authorize("quota:create")
    values = validation.check_body(common.json_body(req), FIELDS, "quota")
    if req.db.scalar(sa.select(Quota.id).where(Quota.project_id == values["project_id"],
                                               Quota.resource == values["resource"])):
        raise errors.Conflict(f"Quota for project {values['project_id']} already exists "
                              f"for resource {values['resource']}.")
    row = Quota(**values)
    req.db.add(row)
    req.db.flush()
    return common.reply(views.quota(row), 201)


def index(req):
    req.authorize("quota:get_all")
    where = []
    all_tenants = req.GET.get("all_tenants", "").lower() in ("true", "1")
    if not (req.is_admin and all_tenants):
        where.append(Quota.project_id == req.ctx.project_id)
    rows, next_url = pagination.page(req, Quota, where, marker_column="id")
    return common.reply(common.collection("quotas", [views.quota(r) for r in rows],
                                          next_url))


def show(req, project_id, resource):
    req.authorize("quota:get", project_id)
    _resource(resource)
    row = req.db.scalar(sa.select(Quota).where(Quota.project_id == project_id,
                                               Quota.resource == resource))
    if row is None:
        return common.reply({"project_id": project_id, "resource": resource,
                             "hard_limit": rules.limit_for(req.db, req.conf, project_id)})
    return common.reply(views.quota(row))


def update(req, project_id, resource):
    req.authorize("quota:update", project_id)
    row = _find(req, project_id, _resource(resource))
    body = common.json_body(req)
    if not isinstance(body, dict):
        raise errors.BadRequest("Invalid input for argument quota: a JSON object is required.")
    values = validation.check_body({"project_id": project_id, "resource": resource,
                                    **body}, FIELDS, "quota")
    if (values["project_id"], values["resource"]) != (project_id, resource):
        raise errors.BadRequest("project_id and resource of a quota cannot be changed.")
    row.hard_limit = values["hard_limit"]
    row.updated_at = models.utcnow()
    req.db.flush()
    return common.reply(views.quota(row), 202)


def delete(req, project_id, resource):
    req.authorize("quota:delete", project_id)
    req.db.delete(_find(req, project_id, _resource(resource)))
    return common.no_content()
