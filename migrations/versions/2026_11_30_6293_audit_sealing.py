"""audit sealing: events inserted unsealed and linked by the sealer; signed checkpoints

Events get an auto-numbered `id` (insertion order, the new primary key); `seq`, `prev_hash` and `hash` stay empty
until the sealer links the event. Existing events keep their place: `id = seq`. On PostgreSQL the append-only
triggers become a guard that also lets the sealer (and only it) fill the chain columns of an unsealed event once.

Revision ID: 6293
Revises: 2958
Create Date: 2026-11-30 06:49:01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6293"
down_revision: str | None = "2958"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSEALED = sa.text("seq IS NULL")
CONTENT = "occurred_at, actor, actor_roles, action, target_type, target_id, request_id, client_ip, user_agent, details"

PG_DROP_OLD = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event;
DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""
PG_OLD = """
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""
# Content is never changed and rows never removed. The chain columns are written once, on an unsealed event, by a
# transaction that declared itself the sealer (`SET LOCAL liaison.audit_sealer = 'on'`, app.audit.sealer).
PG_GUARD = """
CREATE FUNCTION audit_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sealer boolean := coalesce(current_setting('liaison.audit_sealer', true), '') = 'on';
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT sealer AND (NEW.seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL) THEN
            RAISE EXCEPTION 'audit_event: only the sealer writes the chain columns'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND sealer THEN
        IF OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
           AND NEW.id = OLD.id
           AND (NEW.occurred_at, NEW.actor, NEW.actor_roles::text, NEW.action, NEW.target_type, NEW.target_id,
                NEW.request_id, NEW.client_ip, NEW.user_agent, NEW.details::text)
               IS NOT DISTINCT FROM
               (OLD.occurred_at, OLD.actor, OLD.actor_roles::text, OLD.action, OLD.target_type, OLD.target_id,
                OLD.request_id, OLD.client_ip, OLD.user_agent, OLD.details::text) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_event_insert_guard BEFORE INSERT ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_guard();
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_guard();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_guard();

CREATE FUNCTION audit_checkpoint_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_checkpoint is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_append_only();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoint_append_only();
"""
PG_DROP_GUARD = """
DROP TRIGGER IF EXISTS audit_checkpoint_no_truncate ON audit_checkpoint;
DROP TRIGGER IF EXISTS audit_checkpoint_no_update ON audit_checkpoint;
DROP FUNCTION IF EXISTS audit_checkpoint_append_only();
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event;
DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event;
DROP TRIGGER IF EXISTS audit_event_insert_guard ON audit_event;
DROP FUNCTION IF EXISTS audit_event_guard();
"""
EVENT_INDEXES = (
    ("ix_audit_event_action", ["action"]),
    ("ix_audit_event_actor", ["actor"]),
    ("ix_audit_event_occurred_at", ["occurred_at"]),
    ("ix_audit_event_target", ["target_type", "target_id"]),
)


def _event_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("actor_roles", sa.JSON(), nullable=False),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=True),
        sa.Column("target_id", sa.String(length=80), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("client_ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=256), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
    ]


def _sqlite_rebuild(columns: list[sa.Column], constraints: list[sa.Constraint], copy: str) -> None:  # type: ignore[type-arg]
    """SQLite cannot change a primary key in place: copy into a new table of the wanted shape."""
    for name, _ in EVENT_INDEXES:
        op.drop_index(name, table_name="audit_event")
    op.execute("DROP INDEX IF EXISTS ix_audit_event_unsealed")
    op.rename_table("audit_event", "audit_event_old")
    op.create_table("audit_event", *columns, *constraints)
    op.execute(copy)
    op.drop_table("audit_event_old")
    for name, cols in EVENT_INDEXES:
        op.create_index(name, "audit_event", cols)


def upgrade() -> None:
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("signature", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
    )
    op.create_index(op.f("ix_audit_checkpoint_seq"), "audit_checkpoint", ["seq"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_DROP_OLD)
        op.add_column("audit_event", sa.Column("id", sa.BigInteger(), nullable=True))
        op.execute("UPDATE audit_event SET id = seq")
        op.alter_column("audit_event", "id", existing_type=sa.BigInteger(), nullable=False)
        op.drop_constraint("pk_audit_event", "audit_event", type_="primary")
        op.create_primary_key("pk_audit_event", "audit_event", ["id"])
        op.execute("ALTER TABLE audit_event ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
        op.execute(
            "SELECT setval(pg_get_serial_sequence('audit_event', 'id'), COALESCE(MAX(id), 0) + 1, false) "
            "FROM audit_event"
        )
        for column in ("seq", "prev_hash", "hash"):
            op.alter_column("audit_event", column, nullable=True)
        op.create_unique_constraint(op.f("uq_audit_event_seq"), "audit_event", ["seq"])
    else:
        _sqlite_rebuild(
            [
                sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
                sa.Column("seq", sa.BigInteger(), nullable=True),
                *_event_columns(),
                sa.Column("prev_hash", sa.String(length=64), nullable=True),
                sa.Column("hash", sa.String(length=64), nullable=True),
            ],
            [
                sa.PrimaryKeyConstraint("id", name="pk_audit_event"),
                sa.UniqueConstraint("seq", name="uq_audit_event_seq"),
                sa.UniqueConstraint("hash", name="uq_audit_event_hash"),
            ],
            f"INSERT INTO audit_event (id, seq, {CONTENT}, prev_hash, hash) "
            f"SELECT seq, seq, {CONTENT}, prev_hash, hash FROM audit_event_old",
        )
    op.create_index("ix_audit_event_unsealed", "audit_event", ["id"], sqlite_where=UNSEALED, postgresql_where=UNSEALED)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_GUARD)


def downgrade() -> None:
    unsealed = op.get_bind().execute(sa.text("SELECT count(*) FROM audit_event WHERE seq IS NULL")).scalar_one()
    if unsealed:
        raise RuntimeError(f"{unsealed} audit events are not sealed yet: run `liaison audit seal` first")
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(PG_DROP_GUARD)
    op.drop_index("ix_audit_event_unsealed", table_name="audit_event")
    if postgresql:
        op.drop_constraint(op.f("uq_audit_event_seq"), "audit_event", type_="unique")
        for column in ("seq", "prev_hash", "hash"):
            op.alter_column("audit_event", column, nullable=False)
        op.drop_constraint("pk_audit_event", "audit_event", type_="primary")
        op.create_primary_key("pk_audit_event", "audit_event", ["seq"])
        op.drop_column("audit_event", "id")
        op.execute(PG_OLD)
    else:
        _sqlite_rebuild(
            [
                sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
                *_event_columns(),
                sa.Column("prev_hash", sa.String(length=64), nullable=False),
                sa.Column("hash", sa.String(length=64), nullable=False),
            ],
            [
                sa.PrimaryKeyConstraint("seq", name="pk_audit_event"),
                sa.UniqueConstraint("hash", name="uq_audit_event_hash"),
            ],
            f"INSERT INTO audit_event (seq, {CONTENT}, prev_hash, hash) "
            f"SELECT seq, {CONTENT}, prev_hash, hash FROM audit_event_old",
        )
    op.drop_index(op.f("ix_audit_checkpoint_seq"), table_name="audit_checkpoint")
    op.drop_table("audit_checkpoint")
