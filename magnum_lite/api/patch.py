"""JSON patch (RFC 6902) with Magnum's rules on which paths may be touched."""

import ast
import json
import re

import jsonpatch

from magnum_lite.api import errors

PATH_RE = re.compile(r"^(/[\w-]+)+$")
INTERNAL = {"/created_at", "/id", "/links", "/updated_at", "/uuid", "/project_id",
            "/user_id"}


def _fail(patch, reason):
    raise errors.BadRequest(f"Couldn't apply patch '{json.dumps(patch)}'. Reason: {reason}")


def apply(document, patch, not_removable=frozenset()):
    """A patched copy of ``document``; every rule broken is a 400 naming the patch."""
    if not isinstance(patch, list) or not patch:
        raise errors.BadRequest("A JSON patch (a non-empty list of operations) is required.")
    for op in patch:
        if not isinstance(op, dict) or op.get("op") not in ("add", "replace", "remove"):
            _fail(patch, "op must be one of add, replace, remove")
        path = op.get("path")
        if not isinstance(path, str) or not PATH_RE.match(path):
            _fail(patch, f"Invalid path: {path!r}")
        root = "/" + path.split("/")[1]
        if root in INTERNAL:
            _fail(patch, f"'{root}' is an internal attribute and can not be updated")
        if op["op"] == "remove" and path in not_removable:
            _fail(patch, f"'{path}' is a mandatory attribute and can not be removed")
        if op["op"] != "remove":
            if "value" not in op:
                _fail(patch, f"'{op['op']}' needs a value")
            if (op["op"] == "add" and path.count("/") == 1
                    and document.get(path[1:]) not in (None, {}, [])):
                _fail(patch, f"Adding a new attribute ({path}) to the root of the resource "
                             "is not allowed; use 'replace' for an attribute that is set")
            if path == "/labels" and isinstance(op["value"], str):
                try:
                    op = dict(op, value=ast.literal_eval(op["value"]))
                except (ValueError, SyntaxError):
                    _fail(patch, "labels must be a dictionary")
        if path.count("/") > 1 and not isinstance(document.get(path.split("/")[1]), dict):
            _fail(patch, f"{root} is not a dictionary")
    try:
        return jsonpatch.apply_patch(document, [_literal(op) for op in patch])
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
        _fail(patch, str(exc))


def _literal(op):
    if op.get("path") == "/labels" and isinstance(op.get("value"), str):
        return dict(op, value=ast.literal_eval(op["value"]))
    return op
