"""The WSGI application: routing, microversions, context, one DB transaction per request.

Pipeline (outermost first): oslo request id, error shaping (every 4xx/5xx becomes
the API's error body, also keystonemiddleware's), auth_token when keystone is on, the API.
The same app serves Magnum's API and Zun's containers API (:class:`Flavour`).
"""

import functools
import gc
import json
import logging

import webob
from oslo_middleware import request_id as request_id_mw

from magnum_lite import doorbell, drivers
from magnum_lite.api import auth, errors, microversion, router
from magnum_lite.db import api as db_api

LOG = logging.getLogger(__name__)
UNVERSIONED = ("/", "/v1")


class Flavour:
    """What differs between the APIs this app serves (Magnum's, Zun's): the URL map, the
    microversions and the error body."""

    def __init__(self, router, versions, error_response):
        self.router, self.versions, self.error_response = router, versions, error_response


MAGNUM = Flavour(router, microversion.MAGNUM, errors.error_response)


class Request(webob.Request):
    """A request with what handlers need: conf, ctx, version, db session, policy."""

    conf = ctx = db = policy = driver = None
    version = microversion.MIN_VERSION

    @functools.cached_property
    def is_admin(self):
        return self.policy.is_admin(self.ctx)

    def authorize(self, rule, project_id=None):
        self.policy.authorize(self.ctx, rule, project_id)


class API:
    def __init__(self, conf, flavour=MAGNUM):
        self.conf, self.flavour = conf, flavour
        self.mapper = flavour.router.build()
        self.policy = auth.Policy(conf)
        self._driver = None

    def driver(self):
        if self._driver is None:
            self._driver = drivers.load_driver(self.conf)
        return self._driver

    def _dispatch(self, req, path):
        match = self.mapper.match(path)
        if match is None:
            raise errors.NotFound("The resource could not be found.")
        handlers = self.flavour.router.handlers_of(match)
        method = "GET" if req.method == "HEAD" else req.method
        handler = handlers.get(method)
        if handler is None:
            raise errors.MethodNotAllowed(
                f"The method {req.method} is not allowed for this resource; allowed: "
                + ", ".join(sorted(handlers)) + ".")
        req.version = self.flavour.versions.minimum
        if path not in UNVERSIONED:
            req.version = self.flavour.versions.requested(req.headers)
        req.conf, req.policy, req.driver = self.conf, self.policy, self.driver
        req.ctx = auth.context_from(req, self.conf)
        # Handlers that only read (logs, exec: they wait on an engine) hold no write lock.
        write = method != "GET" and not getattr(handler, "reads_only", False)
        with db_api.session(self.conf, write=write) as ses:
            req.db = ses
            response = handler(req, **match)
        if ses.info.get("enqueued"):  # committed: the conductor finds it when woken
            doorbell.ring(self.conf)
        return response

    def __call__(self, environ, start_response):
        req = Request(environ)
        path = self.flavour.router.versioned(req.path_info)
        error_response = self.flavour.error_response
        try:
            response = self._dispatch(req, path)
        except errors.APIError as exc:
            response = error_response(exc.status, exc.detail, **exc.extra)
        except Exception:
            LOG.exception("%s %s failed", req.method, req.path_qs)
            response = error_response(
                500, "An unexpected error prevented the request from being fulfilled.")
        if path not in UNVERSIONED:
            response.headers.update(self.flavour.versions.response_headers(req.version))
        return response(environ, start_response)


def _shaped_error(response, error_response):
    """Rewrite any other error body (webob's, keystonemiddleware's) into the API's."""
    try:
        body = json.loads(response.body or b"null")
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        return response
    detail = response.status.split(" ", 1)[-1]
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        detail = body["error"].get("message") or body["error"].get("title") or detail
    shaped = error_response(response.status_int, detail)
    for name in ("WWW-Authenticate", "Allow"):
        if name in response.headers:
            shaped.headers[name] = response.headers[name]
    return shaped


def error_shaper(app, error_response=errors.error_response):
    def middleware(environ, start_response):
        response = webob.Request(environ).get_response(app)
        if response.status_int >= 400:
            response = _shaped_error(response, error_response)
        return response(environ, start_response)
    return middleware


def build_app(conf, flavour=MAGNUM):
    app = API(conf, flavour)
    if conf.api.auth_strategy == "keystone":
        app = auth.keystone_protect(app, conf)
    return request_id_mw.RequestId(error_shaper(app, flavour.error_response))


def tune_gc():
    """For a serving process: move start-up objects out of the collector's scans and
    collect young objects less often (a 1,000-cluster list allocates a lot)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50000, 20, 20)
