"""``magnum-lite-api``: serve the API under gunicorn (``--dev``: wsgiref, one process)."""

import os
import sys
from wsgiref import simple_server

from oslo_config import cfg

from magnum_lite import service
from magnum_lite.api import app as api_app

CLI_OPTS = [cfg.BoolOpt("dev", default=False,
                        help="Serve with wsgiref in this process (development only).")]


def gunicorn_argv(conf, bind=None, workers=None,
                  target="magnum_lite.api.wsgi:init_application()"):
    return [sys.executable, "-m", "gunicorn", "--bind",
            bind or f"{conf.api.host}:{conf.api.port}",
            "--workers", str(workers or conf.api.workers), "--access-logfile", "-", target]


def serve_dev(conf, host=None, port=None, app=None):
    server = simple_server.make_server(host or conf.api.host, port or conf.api.port,
                                       app or api_app.build_app(conf))
    server.serve_forever()


def main(argv=None, serve=None):
    """Serve the Magnum API; ``serve(conf)`` serves another one (the containers API)."""
    conf = service.new_conf()
    conf.register_cli_opts(CLI_OPTS)
    service.prepare(sys.argv[1:] if argv is None else argv, conf=conf)
    if serve is not None:
        return serve(conf)
    if conf.dev:
        serve_dev(conf)
        return 0
    os.environ["MAGNUM_LITE_CONFIG"] = ":".join(conf.config_file)
    argv = gunicorn_argv(conf)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    sys.exit(main())
