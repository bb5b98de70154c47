"""console: staff web sessions and display preferences

Revision ID: 7316
Revises: 4817
Create Date: 2026-11-30 06:45:23.528477
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7316"
down_revision: str | None = "4817"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_preference",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_staff_preference_user_id_staff_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_staff_preference")),
    )
    op.create_table(
        "console_session",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("auth_session_id", sa.Uuid(), nullable=True),
        sa.Column("pending_step", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["auth_session_id"],
            ["auth_session.id"],
            name=op.f("fk_console_session_auth_session_id_auth_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_console_session_user_id_staff_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_console_session_token_hash")),
    )
    op.create_index(op.f("ix_console_session_auth_session_id"), "console_session", ["auth_session_id"], unique=False)
    op.create_index(op.f("ix_console_session_user_id"), "console_session", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_console_session_user_id"), table_name="console_session")
    op.drop_index(op.f("ix_console_session_auth_session_id"), table_name="console_session")
    op.drop_table("console_session")
    op.drop_table("staff_preference")
