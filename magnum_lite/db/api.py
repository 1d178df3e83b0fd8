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
    # WAL + a busy timeout: API workers and conductors share one sqlite file.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


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
            engine.dispose()
        _ENGINES[url] = engine
    return engine


def dispose():
    """Forget engines (after fork, or between tests)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


@contextlib.contextmanager
def session(conf):
    """A transaction: committed on success, rolled back on any exception."""
    with orm.Session(get_engine(conf), expire_on_commit=False) as ses, ses.begin():
        yield ses
