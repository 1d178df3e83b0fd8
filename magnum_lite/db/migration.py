"""``db sync``: alembic upgrades driven from code, with the packaged alembic.ini."""

import os

from alembic import command
from alembic import config as alembic_config

from magnum_lite.db import api

HERE = os.path.dirname(os.path.abspath(__file__))


def alembic_cfg(conf):
    cfg = alembic_config.Config(os.path.join(HERE, "alembic.ini"))
    cfg.set_main_option("script_location", os.path.join(HERE, "migrations"))
    cfg.attributes["engine"] = api.get_engine(conf)
    return cfg


def upgrade(conf, revision="head"):
    command.upgrade(alembic_cfg(conf), revision)


def current(conf):
    from alembic.runtime import migration
    with api.get_engine(conf).connect() as connection:
        return migration.MigrationContext.configure(connection).get_current_revision()
