"""Find one object by uuid or name, seen through the caller's project (others' are 404)."""

import sqlalchemy as sa

from magnum_lite.api import errors, validation
from magnum_lite.db import models

KINDS = {models.Cluster: "Cluster", models.ClusterTemplate: "ClusterTemplate"}


def visibility(req, model):
    """WHERE clauses for what the caller may see: an admin everything, a template also
    when public."""
    if req.is_admin:
        return []
    if model is models.ClusterTemplate:
        return [sa.or_(model.project_id == req.ctx.project_id, model.public.is_(True))]
    return [model.project_id == req.ctx.project_id]


def visible(req, model):
    return req.db.query(model).filter(*visibility(req, model))


def get(req, model, ident, error=errors.NotFound):
    kind = KINDS[model]
    query = visible(req, model)
    if validation.is_uuid_like(ident):
        rows = query.filter(model.uuid == ident.lower()).all()
    else:
        rows = query.filter(model.name == ident).limit(2).all()
    if not rows:
        raise error(f"{kind} {ident} could not be found.")
    if len(rows) > 1:
        raise errors.Conflict(f"Multiple {kind.lower()}s exist with same name. "
                              f"Please use the {kind.lower()} uuid instead.")
    return rows[0]


def owned(req, row):
    """A row the caller may change: its own project's, or any when admin."""
    if not req.is_admin and row.project_id != req.ctx.project_id:
        raise errors.Forbidden(f"Not authorized to change {row.uuid}: it belongs to "
                               "another project.")
    return row
