"""gunicorn entry of the containers API: ``magnum_lite.api.zun.wsgi:init_application()``
(or ``application``); config files as for the Magnum API (``MAGNUM_LITE_CONFIG``)."""

from magnum_lite import service
from magnum_lite.api import app as api_app
from magnum_lite.api import wsgi as magnum_wsgi
from magnum_lite.api.zun import errors, root, router

ZUN = api_app.Flavour(router, root.ZUN, errors.error_response)


def build_app(conf):
    return api_app.build_app(conf, ZUN)


def init_application():
    conf = service.prepare([], magnum_wsgi.config_files())
    app = build_app(conf)
    api_app.tune_gc()
    return app


def __getattr__(name):
    # ``application`` is built on first access, so importing the module stays cheap.
    if name == "application":
        globals()["application"] = init_application()
        return globals()["application"]
    raise AttributeError(name)
