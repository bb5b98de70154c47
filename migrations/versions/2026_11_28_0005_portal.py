"""portal: family portal access codes, sessions and sign-in throttling

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_access_code",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("inquiry_id", sa.Uuid(), nullable=False),
        sa.Column("selector", sa.String(length=4), nullable=False),
        sa.Column("code_hash", sa.String(length=128), nullable=True),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=80), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["inquiry_id"], ["inquiry.id"], name=op.f("fk_portal_access_code_inquiry_id_inquiry"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_access_code")),
        sa.UniqueConstraint("inquiry_id", name=op.f("uq_portal_access_code_inquiry_id")),
    )
    op.create_index(op.f("ix_portal_access_code_selector"), "portal_access_code", ["selector"], unique=False)
    op.create_table(
        "portal_session",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("access_code_id", sa.Uuid(), nullable=False),
        sa.Column("code_generation", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["access_code_id"],
            ["portal_access_code.id"],
            name=op.f("fk_portal_session_access_code_id_portal_access_code"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_session_token_hash")),
    )
    op.create_index(op.f("ix_portal_session_access_code_id"), "portal_session", ["access_code_id"], unique=False)
    op.create_table(
        "portal_sign_in_failure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference_key", sa.String(length=64), nullable=False),
        sa.Column("client_ip", sa.String(length=64), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_sign_in_failure")),
    )
    op.create_index(
        "ix_portal_sign_in_failure_client_ip_occurred_at",
        "portal_sign_in_failure",
        ["client_ip", "occurred_at"],
        unique=False,
    )
    op.create_index(
        "ix_portal_sign_in_failure_reference_key_occurred_at",
        "portal_sign_in_failure",
        ["reference_key", "occurred_at"],
        unique=False,
    )
    op.create_table(
        "portal_lockout",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("reference_key", sa.String(length=64), nullable=True),
        sa.Column("client_ip", sa.String(length=64), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_portal_lockout_case_id_case"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_lockout")),
    )
    op.create_index(op.f("ix_portal_lockout_case_id"), "portal_lockout", ["case_id"], unique=False)
    op.create_table(
        "portal_submission",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("client_ip", sa.String(length=64), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_submission")),
    )
    op.create_index(
        "ix_portal_submission_client_ip_occurred_at", "portal_submission", ["client_ip", "occurred_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_portal_submission_client_ip_occurred_at", table_name="portal_submission")
    op.drop_table("portal_submission")
    op.drop_index(op.f("ix_portal_lockout_case_id"), table_name="portal_lockout")
    op.drop_table("portal_lockout")
    op.drop_index("ix_portal_sign_in_failure_reference_key_occurred_at", table_name="portal_sign_in_failure")
    op.drop_index("ix_portal_sign_in_failure_client_ip_occurred_at", table_name="portal_sign_in_failure")
    op.drop_table("portal_sign_in_failure")
    op.drop_index(op.f("ix_portal_session_access_code_id"), table_name="portal_session")
    op.drop_table("portal_session")
    op.drop_index(op.f("ix_portal_access_code_selector"), table_name="portal_access_code")
    op.drop_table("portal_access_code")
