"""``magnum-lite-manage db sync|version``: schema upgrades with alembic."""

import sys

from oslo_config import cfg

from magnum_lite import service
from magnum_lite.db import migration


def _db_commands(subparsers):
    db = subparsers.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_action")
    sync = db_sub.add_parser("sync", help="upgrade the schema to the newest revision")
    sync.add_argument("revision", nargs="?", default="head")
    db_sub.add_parser("version", help="print the schema revision")


def main(argv=None):
    conf = service.new_conf()
    conf.register_cli_opt(cfg.SubCommandOpt("category", handler=_db_commands))
    service.prepare(sys.argv[1:] if argv is None else argv, conf=conf)
    action = conf.category.db_action
    if action == "sync":
        migration.upgrade(conf, conf.category.revision)
        print(f"database at revision {migration.current(conf)}")
    elif action == "version":
        print(migration.current(conf) or "none")
    else:
        print("usage: magnum-lite-manage db sync|version", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
