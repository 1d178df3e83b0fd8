"""``limit``/``marker``/``sort_key``/``sort_dir`` and the ``next`` link, as Magnum pages."""

import urllib.parse

import sqlalchemy as sa
from oslo_db.sqlalchemy import utils as db_utils

from magnum_lite.api import errors


def _limit(req):
    max_limit = req.conf.api.max_limit
    raw = req.GET.get("limit")
    if raw in (None, ""):
        return max_limit
    try:
        limit = int(raw)
    except ValueError:
        raise errors.BadRequest(f"Invalid input for field/attribute limit. Value: "
                                f"'{raw}'. unable to convert to int") from None
    if limit <= 0:
        raise errors.BadRequest("Limit must be positive")
    return min(limit, max_limit)


def page(req, query, model, marker_column="uuid"):
    """One page of ``query`` plus the ``next`` URL (only when the page is full)."""
    limit = _limit(req)
    sort_key = req.GET.get("sort_key") or "id"
    sort_dir = req.GET.get("sort_dir") or "asc"
    if sort_dir not in ("asc", "desc"):
        raise errors.BadRequest(f"Invalid sort direction: {sort_dir}. "
                                "Acceptable values are 'asc' or 'desc'")
    columns = sa.inspect(model).columns
    if sort_key not in columns or isinstance(columns[sort_key].type, sa.Text):
        raise errors.BadRequest(
            f'The sort_key value "{sort_key}" is an invalid field for sorting')
    marker = None
    marker_value = req.GET.get("marker")
    if marker_value:
        column = getattr(model, marker_column)
        if marker_column == "id":
            try:
                marker_value = int(marker_value)
            except ValueError:
                raise errors.BadRequest(f"Invalid marker: {marker_value}") from None
        marker = query.session.query(model).filter(column == marker_value).first()
        if marker is None:
            raise errors.BadRequest(f"Marker {marker_value} could not be found.")
    keys = [sort_key] if sort_key == "id" else [sort_key, "id"]
    rows = db_utils.paginate_query(query, model, limit, keys, marker=marker,
                                   sort_dir=sort_dir).all()
    next_url = None
    if rows and len(rows) == limit:
        params = {"sort_key": sort_key, "sort_dir": sort_dir, "limit": limit,
                  "marker": getattr(rows[-1], marker_column)}
        resource = req.path_info.rstrip("/").rsplit("/", 1)[-1]
        if resource == "detail":
            resource = req.path_info.rstrip("/").rsplit("/", 2)[-2] + "/detail"
        next_url = f"{req.host_url}/v1/{resource}?{urllib.parse.urlencode(params)}"
    return rows, next_url
