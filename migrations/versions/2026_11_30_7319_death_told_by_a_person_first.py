"""death told by a person first: contact purposes (death_notification, notification_attempt, family_message),
the language of family messages, and supervisors' releases of death news to requesters nobody could reach

Revision ID: 7319
Revises: 0005
Create Date: 2026-11-30 06:46:53.645894
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7319"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "death_disclosure_release",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("inquiry_id", sa.Uuid(), nullable=False),
        sa.Column("released_by_id", sa.Uuid(), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_death_disclosure_release_case_id_case")),
        sa.ForeignKeyConstraint(
            ["inquiry_id"], ["inquiry.id"], name=op.f("fk_death_disclosure_release_inquiry_id_inquiry")
        ),
        sa.ForeignKeyConstraint(
            ["released_by_id"], ["staff_user.id"], name=op.f("fk_death_disclosure_release_released_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_death_disclosure_release")),
        sa.UniqueConstraint("inquiry_id", name=op.f("uq_death_disclosure_release_inquiry_id")),
    )
    op.create_index(op.f("ix_death_disclosure_release_case_id"), "death_disclosure_release", ["case_id"], unique=False)
    op.add_column("case_contact", sa.Column("purpose", sa.String(length=24), server_default="general", nullable=False))
    op.add_column("case_contact", sa.Column("language", sa.String(length=2), nullable=True))
    op.create_index(op.f("ix_case_contact_inquiry_id"), "case_contact", ["inquiry_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_contact_inquiry_id"), table_name="case_contact")
    op.drop_column("case_contact", "language")
    op.drop_column("case_contact", "purpose")
    op.drop_index(op.f("ix_death_disclosure_release_case_id"), table_name="death_disclosure_release")
    op.drop_table("death_disclosure_release")
