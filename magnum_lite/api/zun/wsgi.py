"""gunicorn entry of the containers API: ``magnum_lite.api.zun.wsgi:init_application()``
(or ``application``); config files as for the Magnum API (``MAGNUM_LITE_CONFIG``)."""

from magnum_lite.api import app as api_app
from magnum_lite.api import wsgi as magnum_wsgi
from magnum_lite.api.zun import errors, root, router

ZUN = api_app.Flavour(router, root.ZUN, errors.error_response)


def build_app(conf):
    return api_app.build_app(conf, ZUN)


def init_application():
    return magnum_wsgi.init_application(build_app)


__getattr__ = magnum_wsgi.lazy_application(globals(), init_application)
