"""cases: cases, inquiries, timeline, outcome proposals, contact log, notes, name keys; idempotency records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 00:22:49.194312
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_record",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("principal", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=400), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("response_headers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_record")),
        sa.UniqueConstraint("principal", "key", name=op.f("uq_idempotency_record_principal_key")),
    )
    op.create_index("ix_idempotency_record_expires_at", "idempotency_record", ["expires_at"], unique=False)
    op.create_table(
        "case",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("assigned_officer_id", sa.Uuid(), nullable=True),
        sa.Column("first_response_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_review_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("review_reason", sa.String(length=200), nullable=True),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("has_pending_proposal", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("family_updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sought_surname", sa.String(length=100), nullable=True),
        sa.Column("sought_given_name", sa.String(length=100), nullable=True),
        sa.Column("sought_patronymic", sa.String(length=100), nullable=True),
        sa.Column("sought_date_of_birth", sa.String(length=10), nullable=True),
        sa.Column("sought_place_of_birth", sa.String(length=200), nullable=True),
        sa.Column("sought_military_unit", sa.String(length=100), nullable=True),
        sa.Column("sought_rank", sa.String(length=100), nullable=True),
        sa.Column("sought_service_number", sa.String(length=40), nullable=True),
        sa.Column("sought_name_key", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_officer_id"], ["staff_user.id"], name=op.f("fk_case_assigned_officer_id_staff_user")
        ),
        sa.ForeignKeyConstraint(["merged_into_id"], ["case.id"], name=op.f("fk_case_merged_into_id_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case")),
        sa.UniqueConstraint("reference", name=op.f("uq_case_reference")),
    )
    op.create_index(op.f("ix_case_assigned_officer_id"), "case", ["assigned_officer_id"], unique=False)
    op.create_index(op.f("ix_case_first_response_due_at"), "case", ["first_response_due_at"], unique=False)
    op.create_index(op.f("ix_case_has_pending_proposal"), "case", ["has_pending_proposal"], unique=False)
    op.create_index(op.f("ix_case_merged_into_id"), "case", ["merged_into_id"], unique=False)
    op.create_index(op.f("ix_case_next_review_at"), "case", ["next_review_at"], unique=False)
    op.create_index(op.f("ix_case_sought_name_key"), "case", ["sought_name_key"], unique=False)
    op.create_index("ix_case_sought_service_number", "case", ["sought_service_number"], unique=False)
    op.create_index(op.f("ix_case_state"), "case", ["state"], unique=False)
    op.create_table(
        "case_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=True),
        sa.Column("to_state", sa.String(length=24), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_case_event_case_id_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_event")),
    )
    op.create_index(op.f("ix_case_event_case_id"), "case_event", ["case_id"], unique=False)
    op.create_table(
        "case_note",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["staff_user.id"], name=op.f("fk_case_note_author_id_staff_user")),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_case_note_case_id_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_note")),
    )
    op.create_index(op.f("ix_case_note_case_id"), "case_note", ["case_id"], unique=False)
    op.create_table(
        "inquiry",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("requester_name", sa.String(length=200), nullable=False),
        sa.Column("requester_name_key", sa.String(length=300), nullable=False),
        sa.Column("requester_relationship", sa.String(length=16), nullable=False),
        sa.Column("requester_phone", sa.String(length=20), nullable=True),
        sa.Column("requester_email", sa.String(length=254), nullable=True),
        sa.Column("requester_language", sa.String(length=2), nullable=False),
        sa.Column("requester_city", sa.String(length=100), nullable=True),
        sa.Column("requester_country", sa.String(length=2), nullable=True),
        sa.Column("consent_store", sa.Boolean(), nullable=False),
        sa.Column("consent_contact_email", sa.Boolean(), nullable=False),
        sa.Column("consent_contact_phone", sa.Boolean(), nullable=False),
        sa.Column("sought_last_contact_date", sa.Date(), nullable=True),
        sa.Column("sought_last_contact_place", sa.String(length=200), nullable=True),
        sa.Column("sought_distinguishing_marks", sa.Text(), nullable=True),
        sa.Column("sought_notes", sa.Text(), nullable=True),
        sa.Column("message_subject", sa.String(length=300), nullable=True),
        sa.Column("message_sender", sa.String(length=300), nullable=True),
        sa.Column("message_body", sa.Text(), nullable=True),
        sa.Column("operator_notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sought_surname", sa.String(length=100), nullable=True),
        sa.Column("sought_given_name", sa.String(length=100), nullable=True),
        sa.Column("sought_patronymic", sa.String(length=100), nullable=True),
        sa.Column("sought_date_of_birth", sa.String(length=10), nullable=True),
        sa.Column("sought_place_of_birth", sa.String(length=200), nullable=True),
        sa.Column("sought_military_unit", sa.String(length=100), nullable=True),
        sa.Column("sought_rank", sa.String(length=100), nullable=True),
        sa.Column("sought_service_number", sa.String(length=40), nullable=True),
        sa.Column("sought_name_key", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_inquiry_case_id_case")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["staff_user.id"], name=op.f("fk_inquiry_recorded_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry")),
    )
    op.create_index(op.f("ix_inquiry_case_id"), "inquiry", ["case_id"], unique=False)
    op.create_index(op.f("ix_inquiry_created_at"), "inquiry", ["created_at"], unique=False)
    op.create_index(op.f("ix_inquiry_requester_email"), "inquiry", ["requester_email"], unique=False)
    op.create_index(op.f("ix_inquiry_requester_name_key"), "inquiry", ["requester_name_key"], unique=False)
    op.create_index(op.f("ix_inquiry_requester_phone"), "inquiry", ["requester_phone"], unique=False)
    op.create_index(op.f("ix_inquiry_sought_name_key"), "inquiry", ["sought_name_key"], unique=False)
    op.create_table(
        "outcome_proposal",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("from_state", sa.String(length=24), nullable=False),
        sa.Column("to_state", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposed_by_id", sa.Uuid(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_outcome_proposal_case_id_case")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["staff_user.id"], name=op.f("fk_outcome_proposal_decided_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["staff_user.id"], name=op.f("fk_outcome_proposal_proposed_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_proposal")),
    )
    op.create_index(op.f("ix_outcome_proposal_case_id"), "outcome_proposal", ["case_id"], unique=False)
    op.create_table(
        "case_contact",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("inquiry_id", sa.Uuid(), nullable=True),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=True),
        sa.Column("visible_to_family", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_case_contact_case_id_case")),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiry.id"], name=op.f("fk_case_contact_inquiry_id_inquiry")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_user.id"], name=op.f("fk_case_contact_staff_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_contact")),
    )
    op.create_index(op.f("ix_case_contact_case_id"), "case_contact", ["case_id"], unique=False)
    op.create_table(
        "case_name_key",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("inquiry_id", sa.Uuid(), nullable=True),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_case_name_key_case_id_case")),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiry.id"], name=op.f("fk_case_name_key_inquiry_id_inquiry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_name_key")),
    )
    op.create_index(op.f("ix_case_name_key_case_id"), "case_name_key", ["case_id"], unique=False)
    op.create_index(op.f("ix_case_name_key_inquiry_id"), "case_name_key", ["inquiry_id"], unique=False)
    op.create_index("ix_case_name_key_key_case", "case_name_key", ["key", "case_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_name_key_key_case", table_name="case_name_key")
    op.drop_index(op.f("ix_case_name_key_inquiry_id"), table_name="case_name_key")
    op.drop_index(op.f("ix_case_name_key_case_id"), table_name="case_name_key")
    op.drop_table("case_name_key")
    op.drop_index(op.f("ix_case_contact_case_id"), table_name="case_contact")
    op.drop_table("case_contact")
    op.drop_index(op.f("ix_outcome_proposal_case_id"), table_name="outcome_proposal")
    op.drop_table("outcome_proposal")
    op.drop_index(op.f("ix_inquiry_sought_name_key"), table_name="inquiry")
    op.drop_index(op.f("ix_inquiry_requester_phone"), table_name="inquiry")
    op.drop_index(op.f("ix_inquiry_requester_name_key"), table_name="inquiry")
    op.drop_index(op.f("ix_inquiry_requester_email"), table_name="inquiry")
    op.drop_index(op.f("ix_inquiry_created_at"), table_name="inquiry")
    op.drop_index(op.f("ix_inquiry_case_id"), table_name="inquiry")
    op.drop_table("inquiry")
    op.drop_index(op.f("ix_case_note_case_id"), table_name="case_note")
    op.drop_table("case_note")
    op.drop_index(op.f("ix_case_event_case_id"), table_name="case_event")
    op.drop_table("case_event")
    op.drop_index(op.f("ix_case_state"), table_name="case")
    op.drop_index("ix_case_sought_service_number", table_name="case")
    op.drop_index(op.f("ix_case_sought_name_key"), table_name="case")
    op.drop_index(op.f("ix_case_next_review_at"), table_name="case")
    op.drop_index(op.f("ix_case_merged_into_id"), table_name="case")
    op.drop_index(op.f("ix_case_has_pending_proposal"), table_name="case")
    op.drop_index(op.f("ix_case_first_response_due_at"), table_name="case")
    op.drop_index(op.f("ix_case_assigned_officer_id"), table_name="case")
    op.drop_table("case")
    op.drop_index("ix_idempotency_record_expires_at", table_name="idempotency_record")
    op.drop_table("idempotency_record")
