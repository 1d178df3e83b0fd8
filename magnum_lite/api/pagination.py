"""``limit``/``marker``/``sort_key``/``sort_dir`` and the ``next`` link, as Magnum pages."""

import urllib.parse

import sqlalchemy as sa

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


def page(req, model, where=(), columns=None, marker_column="uuid"):
    """One page of ``model`` rows (only ``columns`` when given) plus the ``next`` URL.

    Keyset pagination on (sort_key, id) with plain Core selects: a 1,000-row page costs
    no ORM object per row.
    """
    limit = _limit(req)
    sort_key = req.GET.get("sort_key") or "id"
    sort_dir = req.GET.get("sort_dir") or "asc"
    if sort_dir not in ("asc", "desc"):
        raise errors.BadRequest(f"Invalid sort direction: {sort_dir}. "
                                "Acceptable values are 'asc' or 'desc'")
    table_columns = sa.inspect(model).columns
    if sort_key not in table_columns or isinstance(table_columns[sort_key].type, sa.Text):
        raise errors.BadRequest(
            f'The sort_key value "{sort_key}" is an invalid field for sorting')
    sort_col, id_col = getattr(model, sort_key), model.id
    selected = [getattr(model, name) for name in columns] if columns else [model]
    query = sa.select(*selected).where(*where)
    marker_value = req.GET.get("marker")
    if marker_value:
        query = query.where(_after(req, model, marker_column, marker_value, sort_col,
                                   sort_dir))
    order = (sa.asc if sort_dir == "asc" else sa.desc)
    query = query.order_by(order(sort_col), order(id_col)).limit(limit)
    result = req.db.execute(query)
    rows = result.all() if columns else result.scalars().all()
    next_url = None
    if rows and len(rows) == limit:
        params = {"sort_key": sort_key, "sort_dir": sort_dir, "limit": limit,
                  "marker": getattr(rows[-1], marker_column)}
        next_url = f"{req.host_url}{_collection_path(req)}?{urllib.parse.urlencode(params)}"
    return rows, next_url


def _after(req, model, marker_column, marker_value, sort_col, sort_dir):
    """Rows strictly after the marker row in (sort_key, id) order."""
    column = getattr(model, marker_column)
    if marker_column == "id":
        try:
            marker_value = int(marker_value)
        except ValueError:
            raise errors.BadRequest(f"Invalid marker: {marker_value}") from None
    marker = req.db.execute(sa.select(sort_col, model.id).where(
        column == marker_value)).first()
    if marker is None:
        raise errors.BadRequest(f"Marker {marker_value} could not be found.")
    later = (lambda a, b: a > b) if sort_dir == "asc" else (lambda a, b: a < b)
    if marker[0] is None:  # NULLs sort first in asc on sqlite/MariaDB
        tie = sa.and_(sort_col.is_(None), later(model.id, marker[1]))
        return sa.or_(tie, sort_col.is_not(None)) if sort_dir == "asc" else tie
    same = sa.and_(sort_col == marker[0], later(model.id, marker[1]))
    return sa.or_(later(sort_col, marker[0]), same)


def _collection_path(req):
    path = req.path_info.rstrip("/")
    return path if path.startswith("/v1/") else "/v1" + path
