"""API errors, each rendered as Magnum's one error body so clients never see another shape."""

import json

import webob


class APIError(Exception):
    """An error the API answers with; ``detail`` is the full message."""

    status = 500

    def __init__(self, detail, **extra):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class BadRequest(APIError):
    status = 400


class Forbidden(APIError):
    status = 403


class NotFound(APIError):
    status = 404


class MethodNotAllowed(APIError):
    status = 405


class NotAcceptable(APIError):
    status = 406


class Conflict(APIError):
    status = 409


def title_of(detail):
    """Magnum's title: the message up to its first full stop."""
    head, dot, _rest = detail.partition(". ")
    return head if dot else detail.rstrip(".")


def error_response(status, detail, **extra):
    """``{"errors":[{request_id, code, status, title, detail, links}]}`` (request id in header)."""
    error = {"request_id": "", "code": "client" if status < 500 else "server",
             "status": status, "title": title_of(detail), "detail": detail, "links": []}
    error.update(extra)
    response = webob.Response(status=status, content_type="application/json", charset=None)
    response.body = json.dumps({"errors": [error]}).encode()
    return response


def not_found(kind, ident):
    return NotFound(f"{kind} {ident} could not be found.")
