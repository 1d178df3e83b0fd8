"""alembic environment: runs on the engine magnum_lite built (see db/migration.py)."""

from alembic import context

from magnum_lite.db import models

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=models.Base.metadata,
                      render_as_batch=True)
    context.run_migrations()
