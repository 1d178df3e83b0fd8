"""Rows to Magnum's JSON shapes: every object carries ``links``; lists are trimmed."""

from magnum_lite.api import microversion, validation

TEMPLATE_LIST_KEYS = ("uuid", "name", "coe", "image_id", "tags", "hidden", "public", "links")
FAILED = "_FAILED"


def stamp(value):
    return value.isoformat() + "+00:00" if value else None


def links(req, resource, ident):
    return [{"href": f"{req.host_url}/v1/{resource}/{ident}", "rel": "self"},
            {"href": f"{req.host_url}/{resource}/{ident}", "rel": "bookmark"}]


def template(req, row, detail=True):
    body = {name: None for name in validation.TEMPLATE_FIELDS}
    body.update(row.extra or {})
    for column in validation.TEMPLATE_COLUMNS:
        body[column] = getattr(row, column)
    body.update(project_id=row.project_id, user_id=row.user_id,
                created_at=stamp(row.created_at), updated_at=stamp(row.updated_at),
                links=links(req, "clustertemplates", row.uuid))
    return body if detail else {k: body[k] for k in TEMPLATE_LIST_KEYS}


def _labels_diff(cluster_labels, template_labels):
    added = {k: v for k, v in cluster_labels.items() if k not in template_labels}
    overridden = {k: v for k, v in cluster_labels.items()
                  if k in template_labels and template_labels[k] != v}
    skipped = {k: v for k, v in template_labels.items() if k not in cluster_labels}
    return added, overridden, skipped


# Columns the trimmed list view reads, in this order: a list loads only these.
CLUSTER_LIST_COLUMNS = ("uuid", "name", "cluster_template_id", "keypair",
                        "docker_volume_size", "labels", "node_count", "status",
                        "master_flavor_id", "flavor_id", "create_timeout", "master_count",
                        "health_status")


def cluster_summaries(req, rows):
    """The list view of clusters from CLUSTER_LIST_COLUMNS rows (the hot path of lists)."""
    self_base, bookmark_base = f"{req.host_url}/v1/clusters/", f"{req.host_url}/clusters/"
    key = id_key(req)
    names = CLUSTER_LIST_COLUMNS
    items = []
    for row in rows:
        item = dict(zip(names, row, strict=True))
        item["labels"] = item["labels"] or {}
        uuid = item["uuid"]
        item["links"] = [{"href": self_base + uuid, "rel": "self"},
                         {"href": bookmark_base + uuid, "rel": "bookmark"}]
        item[key] = None
        items.append(item)
    return items


def id_key(req):
    """There is no Heat stack: the id field exists, empty, under the version's name."""
    return "cluster_id" if req.version >= microversion.CLUSTER_ID else "stack_id"


def cluster(req, row, template_labels=None):
    extra = row.extra or {}
    body = {
        "uuid": row.uuid, "name": row.name, "cluster_template_id": row.cluster_template_id,
        "keypair": row.keypair, "node_count": row.node_count,
        "master_count": row.master_count, "create_timeout": row.create_timeout,
        "status": row.status, "status_reason": row.status_reason,
        "health_status": row.health_status,
        "health_status_reason": row.health_status_reason or {},
        "api_address": row.api_address, "master_addresses": row.master_addresses or [],
        "node_addresses": row.node_addresses or [], "labels": row.labels or {},
        "faults": (row.faults or {}) if row.status.endswith(FAILED) else {},
        "project_id": row.project_id, "user_id": row.user_id,
        "coe_version": extra.get("coe_version"), "container_version": None,
        "discovery_url": extra.get("discovery_url"),
        "docker_volume_size": row.docker_volume_size,
        "flavor_id": row.flavor_id, "master_flavor_id": row.master_flavor_id,
        "fixed_network": extra.get("fixed_network"), "fixed_subnet": extra.get("fixed_subnet"),
        "floating_ip_enabled": extra.get("floating_ip_enabled"),
        "master_lb_enabled": extra.get("master_lb_enabled"),
        "created_at": stamp(row.created_at), "updated_at": stamp(row.updated_at),
        "links": links(req, "clusters", row.uuid),
    }
    if template_labels is not None:
        added, overridden, skipped = _labels_diff(row.labels or {}, template_labels)
        body.update(labels_added=added, labels_overridden=overridden, labels_skipped=skipped)
    body[id_key(req)] = None
    return body


def quota(row):
    return {"id": row.id, "project_id": row.project_id, "resource": row.resource,
            "hard_limit": row.hard_limit, "created_at": stamp(row.created_at),
            "updated_at": stamp(row.updated_at)}
