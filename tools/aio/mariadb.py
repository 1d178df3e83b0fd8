"""MariaDB (Debian's mariadb-server) as the all-in-one's own server: its own datadir and
socket, 127.0.0.1:3306, run by us (Debian's service is never started)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from . import base

DATADIR = base.DATA / "mariadb"
SOCKET = base.RUN / "mysqld.sock"
DATABASES = ["keystone", "placement", "nova_api", "nova", "nova_cell0", "neutron", "heat",
             "magnum_lite"]


def daemons() -> list[base.Daemon]:
    argv = ["/usr/sbin/mariadbd", "--no-defaults", f"--datadir={DATADIR}",
            f"--socket={SOCKET}", "--port=3306", f"--bind-address={base.HOST}",
            "--user=root", "--skip-name-resolve", "--max-connections=1000",
            "--innodb-buffer-pool-size=64M", "--performance-schema=OFF",
            "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
            f"--pid-file={base.RUN / 'mariadbd.own.pid'}"]
    return [base.Daemon("mariadb", argv, answers=lambda: base.unix_open(SOCKET)
                        and base.port_open(3306), where=f"{base.HOST}:3306", timeout=60)]


def install_db() -> None:
    DATADIR.mkdir(parents=True, exist_ok=True)
    base.logged(["mariadb-install-db", "--no-defaults", f"--datadir={DATADIR}", "--user=root",
                 "--auth-root-authentication-method=socket", "--skip-test-db"],
                base.LOGS / "mariadb.log")


def create_databases() -> None:
    """One database per service, one user for all of them (root stays socket-only)."""
    password = base.secret("database")
    sql = [f"CREATE USER IF NOT EXISTS 'openstack'@'{base.HOST}' IDENTIFIED BY '{password}';"]
    for name in DATABASES:
        sql += [f"CREATE DATABASE IF NOT EXISTS {name} CHARACTER SET utf8mb4;",
                f"GRANT ALL PRIVILEGES ON {name}.* TO 'openstack'@'{base.HOST}';"]
    base.logged(["mariadb", f"--socket={SOCKET}", "-u", "root"], base.LOGS / "mariadb.log",
                stdin="\n".join(sql))


def prepare_before_start() -> None:
    base.once("mariadb-install-db", install_db)


def prepare() -> None:
    base.once("mariadb-databases", create_databases)


@contextlib.contextmanager
def running() -> Iterator[None]:
    """MariaDB for a moment (down --purge reads Heat's stacks): started if it is down and
    its data is there, stopped again after; nothing when there is no data."""
    if not DATADIR.exists():
        yield
        return
    daemon = daemons()[0]
    if daemon.pid() is not None:
        yield
        return
    base.wait_all([(daemon, daemon.start())])
    try:
        yield
    finally:
        daemon.stop()
