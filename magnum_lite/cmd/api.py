"""``magnum-lite-api``: serve the API under gunicorn (``--dev``: wsgiref, one process)."""

import os
import sys
from wsgiref import simple_server

from oslo_config import cfg

from magnum_lite import service
from magnum_lite.api import app as api_app

CLI_OPTS = [cfg.BoolOpt("dev", default=False,
                        help="Serve with wsgiref in this process (development only).")]


def gunicorn_argv(conf):
    return [sys.executable, "-m", "gunicorn", "--bind", f"{conf.api.host}:{conf.api.port}",
            "--workers", str(conf.api.workers), "--access-logfile", "-",
            "magnum_lite.api.wsgi:init_application()"]


def serve_dev(conf):
    server = simple_server.make_server(conf.api.host, conf.api.port, api_app.build_app(conf))
    server.serve_forever()


def main(argv=None):
    conf = service.new_conf()
    conf.register_cli_opts(CLI_OPTS)
    service.prepare(sys.argv[1:] if argv is None else argv, conf=conf)
    if conf.dev:
        serve_dev(conf)
        return 0
    os.environ["MAGNUM_LITE_CONFIG"] = ":".join(conf.config_file)
    argv = gunicorn_argv(conf)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    sys.exit(main())
