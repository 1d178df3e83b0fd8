"""Containers of the Zun-compatible API.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

INDEXED = ("name", "project_id", "cluster_uuid", "image", "memory", "status", "task_state",
           "host")


def upgrade():
    op.create_table(
        "containers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("project_id", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=True),
        sa.Column("cluster_uuid", sa.String(length=36), nullable=False),
        sa.Column("image", sa.String(length=255), nullable=False),
        sa.Column("image_ref", sa.String(length=512), nullable=True),
        sa.Column("command", sa.Text(), nullable=True),
        sa.Column("cpu", sa.Float(), nullable=True),
        sa.Column("memory", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("task_state", sa.String(length=50), nullable=True),
        sa.Column("action_params", sa.Text(), nullable=False),
        sa.Column("claim_owner", sa.String(length=255), nullable=True),
        sa.Column("claim_until", sa.DateTime(), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("auto_remove", sa.Boolean(), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=True),
        sa.Column("task_id", sa.String(length=64), nullable=True),
        sa.Column("node_id", sa.String(length=64), nullable=True),
        sa.Column("container_id", sa.String(length=64), nullable=True),
        sa.Column("addresses", sa.Text(), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    with op.batch_alter_table("containers", schema=None) as batch_op:
        for column in INDEXED:
            batch_op.create_index(batch_op.f(f"ix_containers_{column}"), [column],
                                  unique=False)
