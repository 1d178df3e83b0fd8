"""Response and body helpers shared by the resource handlers."""

import json

import webob

from magnum_lite.api import errors


def reply(body, status=200, headers=None):
    response = webob.Response(status=status, content_type="application/json", charset=None)
    response.body = json.dumps(body, separators=(",", ":"), check_circular=False).encode()
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def no_content():
    response = webob.Response(status=204)
    del response.content_type
    return response


def json_body(req, required=True):
    if not req.body:
        if required:
            raise errors.BadRequest("A JSON request body is required.")
        return None
    try:
        return json.loads(req.body)
    except ValueError as exc:
        raise errors.BadRequest(f"The request body is not valid JSON: {exc}") from None


def collection(name, items, next_url):
    body = {name: items}
    if next_url:
        body["next"] = next_url
    return body
