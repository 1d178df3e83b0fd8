"""Zun's error body: ``{"errors":[{request_id, code: "container.<kebab name>", status,
title: <full message>, detail, links}]}``; a 5xx tells nothing of its cause."""

import json

import webob
import webob.exc

from magnum_lite.api import errors

INVALID_STATE = "container.invalid-state-exception"
NOT_FOUND = "container.container-not-found"
OVER_QUOTA = "container.over-quota"
DEFAULT_CODES = {400: "container.invalid", 403: "container.policy-not-authorized",
                 404: "container.not-found", 405: "container.method-not-allowed",
                 406: "container.not-acceptable", 409: "container.conflict"}


def error_response(status, detail, code=None, title=None, **extra):
    if status >= 500:
        reason = webob.exc.status_map.get(status, webob.exc.HTTPInternalServerError).title
        code, title = code or "container.server-error", reason
        detail = "An unexpected error prevented the request from being fulfilled."
    error = {"request_id": "", "code": code or DEFAULT_CODES.get(status, "container.error"),
             "status": status, "title": title or detail, "detail": detail, "links": []}
    error.update(extra)
    response = webob.Response(status=status, content_type="application/json", charset=None)
    response.body = json.dumps({"errors": [error]}).encode()
    return response


def invalid_state(action, row):
    return errors.Conflict(f"Cannot {action} container {row.uuid} in {row.status} state.",
                           code=INVALID_STATE)
