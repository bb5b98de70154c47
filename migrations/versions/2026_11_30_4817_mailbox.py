"""mailbox: email intake (raw messages, parsed fields, attachments, correspondents for acknowledgements)

Revision ID: 4817
Revises: 7319
Create Date: 2026-11-30 06:49:19.196780
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4817"
down_revision: str | None = "7319"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_correspondent",
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("last_ack_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_mail_correspondent")),
    )
    op.create_index(op.f("ix_mail_correspondent_last_ack_at"), "mail_correspondent", ["last_ack_at"], unique=False)
    op.create_table(
        "mail_message",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("mailbox", sa.String(length=40), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("uid", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.Column("dedupe_key", sa.String(length=64), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("raw_size", sa.Integer(), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=False),
        sa.Column("sender_address", sa.String(length=254), nullable=True),
        sa.Column("sender_name", sa.String(length=200), nullable=True),
        sa.Column("reply_to", sa.String(length=300), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column("body_source", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("automatic", sa.String(length=60), nullable=True),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("acknowledgement", sa.String(length=14), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("inquiry_id", sa.Uuid(), nullable=True),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("triaged_by_id", sa.Uuid(), nullable=True),
        sa.Column("triaged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dismiss_kind", sa.String(length=8), nullable=True),
        sa.Column("dismiss_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_mail_message_case_id_case")),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["case_contact.id"], name=op.f("fk_mail_message_contact_id_case_contact")
        ),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiry.id"], name=op.f("fk_mail_message_inquiry_id_inquiry")),
        sa.ForeignKeyConstraint(
            ["triaged_by_id"], ["staff_user.id"], name=op.f("fk_mail_message_triaged_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_message")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_mail_message_dedupe_key")),
        sa.UniqueConstraint("mailbox", "uidvalidity", "uid", name=op.f("uq_mail_message_mailbox_uidvalidity_uid")),
    )
    op.create_index(op.f("ix_mail_message_case_id"), "mail_message", ["case_id"], unique=False)
    op.create_index(op.f("ix_mail_message_sender_address"), "mail_message", ["sender_address"], unique=False)
    op.create_index("ix_mail_message_state_received_at", "mail_message", ["state", "received_at"], unique=False)
    op.create_table(
        "mail_attachment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mail_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("problem", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["mail_id"], ["mail_message.id"], name=op.f("fk_mail_attachment_mail_id_mail_message")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_attachment")),
    )
    op.create_index(op.f("ix_mail_attachment_mail_id"), "mail_attachment", ["mail_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_mail_attachment_mail_id"), table_name="mail_attachment")
    op.drop_table("mail_attachment")
    op.drop_index("ix_mail_message_state_received_at", table_name="mail_message")
    op.drop_index(op.f("ix_mail_message_sender_address"), table_name="mail_message")
    op.drop_index(op.f("ix_mail_message_case_id"), table_name="mail_message")
    op.drop_table("mail_message")
    op.drop_index(op.f("ix_mail_correspondent_last_ack_at"), table_name="mail_correspondent")
    op.drop_table("mail_correspondent")
