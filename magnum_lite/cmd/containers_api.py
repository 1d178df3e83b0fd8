"""``magnum-lite-containers-api``: serve the Zun-compatible containers API under gunicorn
on ``[containers] api_host:api_port`` (``--dev``: wsgiref, one process)."""

import os
import sys

from magnum_lite.api.zun import wsgi
from magnum_lite.cmd import api


def serve(conf):
    options = conf.containers
    if conf.dev:
        api.serve_dev(conf, options.api_host, options.api_port, wsgi.build_app(conf))
        return 0
    os.environ["MAGNUM_LITE_CONFIG"] = ":".join(conf.config_file)
    argv = api.gunicorn_argv(conf, bind=f"{options.api_host}:{options.api_port}",
                             workers=options.api_workers,
                             target="magnum_lite.api.zun.wsgi:init_application()")
    os.execv(argv[0], argv)


def main(argv=None):
    return api.main(argv, serve=serve)


if __name__ == "__main__":
    sys.exit(main())
