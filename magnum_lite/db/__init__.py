"""Persistence: SQLAlchemy models, the query API and alembic migrations."""
