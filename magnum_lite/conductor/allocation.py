"""Host allocation: which registered Docker hosts a cluster owns.

A host is free when no ``host_allocations`` row names it; the row's primary key is the
host name, so two conductors can never give one host to two clusters.
"""

import sqlalchemy as sa
from oslo_db import exception as db_exc

from magnum_lite.db import api, models

Alloc = models.HostAllocation
LABEL_KEY = "host_labels"


class NotEnoughHosts(Exception):
    pass


def wanted_labels(cluster_labels, template_labels):
    """``host_labels`` ("k=v,k2=v2") from the cluster, else its template."""
    spec = (cluster_labels or {}).get(LABEL_KEY) or (template_labels or {}).get(LABEL_KEY)
    wanted = {}
    for item in (spec or "").split(","):
        key, _, value = item.strip().partition("=")
        if key:
            wanted[key.strip()] = value.strip()
    return wanted


def matches(host, wanted):
    labels = host.labels or {}
    return all(str(labels.get(key)) == value for key, value in wanted.items())


def allocated(ses, cluster_uuid):
    return ses.scalars(sa.select(Alloc).where(Alloc.cluster_uuid == cluster_uuid)
                       .order_by(Alloc.created_at, Alloc.host)).all()


def take(conf, cluster_uuid, hosts, wanted, count, role, attempts=5):
    """Allocate ``count`` free matching hosts to the cluster; all or none."""
    for _ in range(attempts):
        with api.session(conf) as ses:
            used = set(ses.scalars(sa.select(Alloc.host)))
        free = [h for h in hosts if h.name not in used and matches(h, wanted)]
        if len(free) < count:
            described = ", ".join(f"{k}={v}" for k, v in wanted.items()) or "any"
            raise NotEnoughHosts(
                f"Not enough free Docker hosts: {count} more {role} host(s) needed, "
                f"{len(free)} free of {len(hosts)} registered (host_labels: {described}).")
        chosen = free[:count]
        try:
            with api.session(conf) as ses:
                for host in chosen:
                    ses.add(Alloc(host=host.name, cluster_uuid=cluster_uuid, role=role))
            return chosen
        except (db_exc.DBDuplicateEntry, db_exc.DBError, sa.exc.IntegrityError):
            continue  # another conductor took one of them: look again
    raise NotEnoughHosts("Could not allocate Docker hosts: they kept being taken by "
                         "other clusters.")


def release(conf, cluster_uuid, names=None):
    with api.session(conf) as ses:
        query = sa.delete(Alloc).where(Alloc.cluster_uuid == cluster_uuid)
        if names is not None:
            query = query.where(Alloc.host.in_(list(names)))
        ses.execute(query)
