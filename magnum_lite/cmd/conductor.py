"""``magnum-lite-conductor``: run operations until SIGTERM/SIGINT."""

import signal
import sys

from magnum_lite import drivers, service
from magnum_lite.conductor import service as conductor_service


def build(conf):
    return conductor_service.Conductor(conf, drivers.load_driver(conf),
                                       drivers.load_hosts)


def main(argv=None):
    conf = service.prepare(sys.argv[1:] if argv is None else argv)
    conductor = build(conf)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: conductor.stop())
    conductor.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
