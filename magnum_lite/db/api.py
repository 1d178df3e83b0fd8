"""Engine and sessions: one engine per process, built by oslo.db from [database]."""

import contextlib
import os

import sqlalchemy as sa
from oslo_db.sqlalchemy import engines
from sqlalchemy import orm

from magnum_lite import conf as ml_conf

_ENGINES = {}


def connection_url(conf):
    return conf.database.connection or ml_conf.default_connection(conf)


def _sqlite_pragmas(dbapi_conn, _record):
    # WAL + a busy timeout: API workers and conductors share one sqlite file. The driver
    # must not start transactions itself: _sqlite_begin does.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    dbapi_conn.isolation_level = None


def _sqlite_begin(conn):
    # A deferred transaction that reads and then writes fails at once ("database is
    # locked") when another process wrote meanwhile; writers take the lock up front.
    if "in_transaction" in conn.info:
        return
    writes = conn.get_execution_options().get("magnum_lite_write", True)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
    conn.info["in_transaction"] = True


def get_engine(conf):
    url = connection_url(conf)
    engine = _ENGINES.get(url)
    if engine is None:
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            os.makedirs(os.path.dirname(os.path.abspath(url[len("sqlite:///"):])),
                        exist_ok=True)
        engine = engines.create_engine(url, sqlite_fk=True,
                                       max_retries=conf.database.max_retries)
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
            # Replace oslo.db's plain sqlite BEGIN with ours (it keeps clearing the marker).
            for listener in list(engine.dispatch.begin):
                if listener.__name__ == "_sqlite_emit_begin":
                    sa.event.remove(engine, "begin", listener)
            sa.event.listen(engine, "begin", _sqlite_begin)
            engine.dispose()
        _ENGINES[url] = engine
    return engine


def dispose():
    """Forget engines (after fork, or between tests)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


@contextlib.contextmanager
def session(conf, write=True):
    """A transaction: committed on success, rolled back on any exception.

    ``write=False`` promises only reads (sqlite then shares the database with writers).
    """
    engine = get_engine(conf)
    if not write:
        engine = engine.execution_options(magnum_lite_write=False)
    with orm.Session(engine, expire_on_commit=False) as ses, ses.begin():
        yield ses
