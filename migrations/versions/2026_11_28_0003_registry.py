"""registry: registry persons, lookup keys, import jobs, case matches

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('registry_import',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_by', sa.String(length=80), nullable=False),
    sa.Column('bytes_processed', sa.BigInteger(), nullable=False),
    sa.Column('rows_processed', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('errors_stored', sa.Integer(), nullable=False),
    sa.Column('failure', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('run_token', sa.Uuid(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_import'))
    )
    op.create_index(op.f('ix_registry_import_status'), 'registry_import', ['status'], unique=False)
    op.create_table('registry_key',
    sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('person_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('key', 'person_id', name=op.f('pk_registry_key')),
    sqlite_with_rowid=False
    )
    op.create_table('registry_key_count',
    sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_registry_key_count')),
    sqlite_with_rowid=False
    )
    op.create_table('registry_person',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('source_record_id', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('confirmation_level', sa.String(length=10), nullable=False),
    sa.Column('surname', sa.String(length=100), nullable=True),
    sa.Column('given_name', sa.String(length=100), nullable=True),
    sa.Column('patronymic', sa.String(length=100), nullable=True),
    sa.Column('alternate_names', sa.JSON(), nullable=True),
    sa.Column('father_name', sa.String(length=100), nullable=True),
    sa.Column('date_of_birth', sa.String(length=10), nullable=True),
    sa.Column('place_of_birth', sa.String(length=200), nullable=True),
    sa.Column('rank', sa.String(length=100), nullable=True),
    sa.Column('service_number', sa.String(length=40), nullable=True),
    sa.Column('military_unit', sa.String(length=100), nullable=True),
    sa.Column('power_depended_on', sa.String(length=100), nullable=True),
    sa.Column('date_of_capture', sa.String(length=10), nullable=True),
    sa.Column('place_of_capture', sa.String(length=200), nullable=True),
    sa.Column('state_of_health', sa.String(length=200), nullable=True),
    sa.Column('place_of_internment', sa.String(length=200), nullable=True),
    sa.Column('prisoner_number', sa.String(length=40), nullable=True),
    sa.Column('date_of_death', sa.String(length=10), nullable=True),
    sa.Column('place_of_death', sa.String(length=200), nullable=True),
    sa.Column('cause_of_death', sa.Text(), nullable=True),
    sa.Column('burial_place', sa.Text(), nullable=True),
    sa.Column('identification_method', sa.String(length=200), nullable=True),
    sa.Column('identification_confidence', sa.String(length=6), nullable=True),
    sa.Column('row_hash', sa.String(length=32), nullable=False),
    sa.Column('last_import_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_person')),
    sa.UniqueConstraint('public_id', name=op.f('uq_registry_person_public_id')),
    sa.UniqueConstraint('source', 'source_record_id', name=op.f('uq_registry_person_source_source_record_id'))
    )
    op.create_table('registry_import_chunk',
    sa.Column('import_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['registry_import.id'], name=op.f('fk_registry_import_chunk_import_id_registry_import'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('import_id', 'seq', name=op.f('pk_registry_import_chunk'))
    )
    op.create_table('registry_import_error',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('import_id', sa.Uuid(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('column', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['registry_import.id'], name=op.f('fk_registry_import_error_import_id_registry_import'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_import_error'))
    )
    op.create_index(op.f('ix_registry_import_error_import_id'), 'registry_import_error', ['import_id'], unique=False)
    op.create_table('case_match',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('strength', sa.String(length=8), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('proposed_by', sa.String(length=80), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_match_case_id_case')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_case_match_decided_by_id_staff_user')),
    sa.ForeignKeyConstraint(['person_id'], ['registry_person.id'], name=op.f('fk_case_match_person_id_registry_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_match')),
    sa.UniqueConstraint('case_id', 'person_id', name=op.f('uq_case_match_case_id_person_id'))
    )
    op.create_index(op.f('ix_case_match_case_id'), 'case_match', ['case_id'], unique=False)
    op.create_index(op.f('ix_case_match_person_id'), 'case_match', ['person_id'], unique=False)
    op.create_index('uq_case_match_one_confirmed', 'case_match', ['case_id'], unique=True, sqlite_where=sa.text("status = 'confirmed'"), postgresql_where=sa.text("status = 'confirmed'"))


def downgrade() -> None:
    op.drop_index('uq_case_match_one_confirmed', table_name='case_match', sqlite_where=sa.text("status = 'confirmed'"), postgresql_where=sa.text("status = 'confirmed'"))
    op.drop_index(op.f('ix_case_match_person_id'), table_name='case_match')
    op.drop_index(op.f('ix_case_match_case_id'), table_name='case_match')
    op.drop_table('case_match')
    op.drop_index(op.f('ix_registry_import_error_import_id'), table_name='registry_import_error')
    op.drop_table('registry_import_error')
    op.drop_table('registry_import_chunk')
    op.drop_table('registry_person')
    op.drop_table('registry_key_count')
    op.drop_table('registry_key')
    op.drop_index(op.f('ix_registry_import_status'), table_name='registry_import')
    op.drop_table('registry_import')
