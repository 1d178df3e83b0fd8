"""Cluster quota: a stored per-project limit, else [quotas] max_clusters_per_project."""

import sqlalchemy as sa

from magnum_lite.api import errors
from magnum_lite.db import models

RESOURCE = "Cluster"


def limit_for(ses, conf, project_id):
    stored = ses.scalar(sa.select(models.Quota.hard_limit).where(
        models.Quota.project_id == project_id, models.Quota.resource == RESOURCE))
    return conf.quotas.max_clusters_per_project if stored is None else stored


def check_cluster_quota(req, project_id):
    limit = limit_for(req.db, req.conf, project_id)
    used = req.db.scalar(sa.select(sa.func.count()).select_from(models.Cluster).where(
        models.Cluster.project_id == project_id))
    if used >= limit:
        raise errors.Forbidden(
            "Resource limit exceeded: You have reached the maximum clusters per project, "
            f"{limit}. You may delete a cluster to make room for a new one.")
