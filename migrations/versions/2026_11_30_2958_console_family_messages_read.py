"""console: which family messages staff have read, per case

Revision ID: 2958
Revises: 2026_11_30_7314
Create Date: 2026-11-30 07:31:00.131021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2958"
down_revision: str | None = "2026_11_30_7314"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "family_messages_read",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_by_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_family_messages_read_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["read_by_id"], ["staff_user.id"], name=op.f("fk_family_messages_read_read_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_family_messages_read")),
    )


def downgrade() -> None:
    op.drop_table("family_messages_read")
