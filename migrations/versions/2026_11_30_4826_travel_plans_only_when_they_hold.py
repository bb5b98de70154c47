"""travel plans only when they hold: the plan as the family was shown it, call tasks staff owe a family, and the
source of each crossing status record

Revision ID: 4826
Revises: 7316
Create Date: 2026-11-30 06:59:48.315935
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4826"
down_revision: str | None = "7316"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "call_task",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("handover_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Uuid(), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_call_task_case_id_case")),
        sa.ForeignKeyConstraint(["done_by_id"], ["staff_user.id"], name=op.f("fk_call_task_done_by_id_staff_user")),
        sa.ForeignKeyConstraint(["handover_id"], ["handover.id"], name=op.f("fk_call_task_handover_id_handover")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_task")),
    )
    op.create_index(op.f("ix_call_task_case_id"), "call_task", ["case_id"], unique=False)
    op.create_index(op.f("ix_call_task_done_at"), "call_task", ["done_at"], unique=False)
    op.create_table(
        "family_travel_plan",
        sa.Column("handover_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_family_travel_plan_case_id_case")),
        sa.ForeignKeyConstraint(
            ["handover_id"], ["handover.id"], name=op.f("fk_family_travel_plan_handover_id_handover")
        ),
        sa.PrimaryKeyConstraint("handover_id", name=op.f("pk_family_travel_plan")),
    )
    op.create_index(op.f("ix_family_travel_plan_case_id"), "family_travel_plan", ["case_id"], unique=False)
    op.add_column("crossing_status", sa.Column("source", sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column("crossing_status", "source")
    op.drop_index(op.f("ix_family_travel_plan_case_id"), table_name="family_travel_plan")
    op.drop_table("family_travel_plan")
    op.drop_index(op.f("ix_call_task_done_at"), table_name="call_task")
    op.drop_index(op.f("ix_call_task_case_id"), table_name="call_task")
    op.drop_table("call_task")
