"""Migrations build exactly the models' schema; ``magnum-lite-manage db sync`` runs them."""

from alembic import autogenerate
from alembic.runtime import migration as alembic_migration

from magnum_lite.cmd import manage
from magnum_lite.db import api as db_api
from magnum_lite.db import migration, models


def test_migrations_match_models(conf):
    with db_api.get_engine(conf).connect() as connection:
        context = alembic_migration.MigrationContext.configure(connection)
        assert autogenerate.compare_metadata(context, models.Base.metadata) == []


def test_manage_db_sync(tmp_path, capsys):
    config = tmp_path / "magnum-lite.conf"
    config.write_text(f"[DEFAULT]\nstate_path = {tmp_path}\n")
    try:
        assert manage.main(["--config-file", str(config), "db", "sync"]) == 0
        assert "database at revision 0002" in capsys.readouterr().out
        assert (tmp_path / "magnum-lite.sqlite").exists()
        assert manage.main(["--config-file", str(config), "db", "version"]) == 0
        assert capsys.readouterr().out.splitlines()[-1] == "0002"
    finally:
        db_api.dispose()


def test_current_revision(conf):
    assert migration.current(conf) == "0002"
