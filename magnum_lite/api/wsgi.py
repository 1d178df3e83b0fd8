"""gunicorn entry: ``magnum_lite.api.wsgi:application`` (or the ``init_application()`` factory).

The config files come from ``MAGNUM_LITE_CONFIG`` (colon separated) or
``/etc/magnum-lite/magnum-lite.conf``.
"""

import os

from magnum_lite import service
from magnum_lite.api import app as api_app

DEFAULT_CONFIG = "/etc/magnum-lite/magnum-lite.conf"


def config_files():
    value = os.environ.get("MAGNUM_LITE_CONFIG")
    if value:
        return [path for path in value.split(":") if path]
    return [DEFAULT_CONFIG] if os.path.exists(DEFAULT_CONFIG) else []


def init_application(build_app=api_app.build_app):
    conf = service.prepare([], config_files())
    app = build_app(conf)
    api_app.tune_gc()
    return app


def lazy_application(module_globals, init):
    """A module ``__getattr__`` that builds ``application`` with ``init`` on first access,
    so importing the module stays cheap."""
    def getattr_(name):
        if name == "application":
            module_globals["application"] = init()
            return module_globals["application"]
        raise AttributeError(name)
    return getattr_


__getattr__ = lazy_application(globals(), init_application)
