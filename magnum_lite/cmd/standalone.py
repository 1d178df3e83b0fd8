"""``magnum-lite-standalone``: sqlite + noauth, schema synced, API, containers API and
conductor in one.

For a single operator on one machine: the Magnum API serves in this process (wsgiref,
threads), the Zun-compatible containers API and the conductor in threads. Production runs
the services separately.
"""

import socketserver
import sys
import threading
from wsgiref import simple_server

from magnum_lite import service
from magnum_lite.api import app as api_app
from magnum_lite.api.zun import wsgi as zun_wsgi
from magnum_lite.cmd import conductor as conductor_cmd
from magnum_lite.db import migration


class _ThreadingServer(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    daemon_threads = True


def main(argv=None):
    conf = service.new_conf()
    conf.set_default("auth_strategy", "noauth", group="api")
    conf.set_default("noauth_roles", ["admin", "member"], group="api")
    service.prepare(sys.argv[1:] if argv is None else argv, conf=conf)
    migration.upgrade(conf)
    conductor = conductor_cmd.build(conf)
    threading.Thread(target=conductor.run, daemon=True, name="conductor").start()
    app = api_app.build_app(conf)
    containers = simple_server.make_server(conf.containers.api_host,
                                           conf.containers.api_port,
                                           zun_wsgi.build_app(conf),
                                           server_class=_ThreadingServer)
    threading.Thread(target=containers.serve_forever, daemon=True,
                     name="containers-api").start()
    api_app.tune_gc()
    server = simple_server.make_server(conf.api.host, conf.api.port, app,
                                       server_class=_ThreadingServer)
    print(f"magnum_lite standalone: OS_AUTH_TYPE=none "
          f"OS_ENDPOINT=http://{conf.api.host}:{conf.api.port}/v1 (openstack coe), "
          f"http://{conf.containers.api_host}:{conf.containers.api_port}/v1 "
          "(openstack appcontainer)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        conductor.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
