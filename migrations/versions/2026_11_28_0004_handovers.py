"""handovers: reference data (hubs, crossings, handover points, escort teams) and handovers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('escort_team',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escort_team')),
    sa.UniqueConstraint('code', name=op.f('uq_escort_team_code'))
    )
    op.create_table('handover_point',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('daily_capacity', sa.Integer(), nullable=False),
    sa.Column('duty_phone', sa.String(length=20), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('daily_capacity >= 0', name=op.f('ck_handover_point_daily_capacity_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_point')),
    sa.UniqueConstraint('code', name=op.f('uq_handover_point_code'))
    )
    op.create_table('transit_hub',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_ru', sa.String(length=120), nullable=False),
    sa.Column('name_uk', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transit_hub')),
    sa.UniqueConstraint('code', name=op.f('uq_transit_hub_code'))
    )
    op.create_table('border_crossing',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('hub_id', sa.Uuid(), nullable=False),
    sa.Column('name_ru', sa.String(length=120), nullable=False),
    sa.Column('name_uk', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('name_pl', sa.String(length=120), nullable=False),
    sa.Column('taxi_minutes', sa.Integer(), nullable=False),
    sa.Column('clearance_minutes', sa.Integer(), nullable=False),
    sa.Column('opens_at', sa.Time(), nullable=True),
    sa.Column('closes_at', sa.Time(), nullable=True),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('clearance_minutes >= 0', name=op.f('ck_border_crossing_clearance_minutes_not_negative')),
    sa.CheckConstraint('taxi_minutes >= 0', name=op.f('ck_border_crossing_taxi_minutes_not_negative')),
    sa.ForeignKeyConstraint(['hub_id'], ['transit_hub.id'], name=op.f('fk_border_crossing_hub_id_transit_hub')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_border_crossing')),
    sa.UniqueConstraint('code', name=op.f('uq_border_crossing_code'))
    )
    op.create_index(op.f('ix_border_crossing_hub_id'), 'border_crossing', ['hub_id'], unique=False)
    op.create_table('calendar_feed',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('escort_team_id', sa.Uuid(), nullable=True),
    sa.Column('point_id', sa.Uuid(), nullable=True),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Uuid(), nullable=True),
    sa.CheckConstraint("(kind = 'escort_team' AND escort_team_id IS NOT NULL AND point_id IS NULL) OR (kind = 'handover_point' AND point_id IS NOT NULL AND escort_team_id IS NULL)", name=op.f('ck_calendar_feed_one_target')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_calendar_feed_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['escort_team_id'], ['escort_team.id'], name=op.f('fk_calendar_feed_escort_team_id_escort_team')),
    sa.ForeignKeyConstraint(['point_id'], ['handover_point.id'], name=op.f('fk_calendar_feed_point_id_handover_point')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['staff_user.id'], name=op.f('fk_calendar_feed_revoked_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash'))
    )
    op.create_index(op.f('ix_calendar_feed_escort_team_id'), 'calendar_feed', ['escort_team_id'], unique=False)
    op.create_index(op.f('ix_calendar_feed_point_id'), 'calendar_feed', ['point_id'], unique=False)
    op.create_table('escort_availability',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_escort_availability_range_ordered')),
    sa.ForeignKeyConstraint(['team_id'], ['escort_team.id'], name=op.f('fk_escort_availability_team_id_escort_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_escort_availability'))
    )
    op.create_index(op.f('ix_escort_availability_team_id'), 'escort_availability', ['team_id'], unique=False)
    op.create_table('escort_team_member',
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['escort_team.id'], name=op.f('fk_escort_team_member_team_id_escort_team'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_escort_team_member_user_id_staff_user')),
    sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_escort_team_member'))
    )
    op.create_index(op.f('ix_escort_team_member_user_id'), 'escort_team_member', ['user_id'], unique=False)
    op.create_table('point_day',
    sa.Column('point_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('booked >= 0', name=op.f('ck_point_day_booked_not_negative')),
    sa.ForeignKeyConstraint(['point_id'], ['handover_point.id'], name=op.f('fk_point_day_point_id_handover_point'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('point_id', 'day', name=op.f('pk_point_day'))
    )
    op.create_table('crossing_status',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('crossing_id', sa.Uuid(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('valid_until IS NULL OR valid_until >= valid_from', name=op.f('ck_crossing_status_range_ordered')),
    sa.ForeignKeyConstraint(['crossing_id'], ['border_crossing.id'], name=op.f('fk_crossing_status_crossing_id_border_crossing')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_crossing_status'))
    )
    op.create_index(op.f('ix_crossing_status_crossing_id'), 'crossing_status', ['crossing_id'], unique=False)
    op.create_index('ix_crossing_status_crossing_id_valid_from', 'crossing_status', ['crossing_id', 'valid_from'], unique=False)
    op.create_table('handover',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.String(length=24), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('agreed_release_reference', sa.String(length=120), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('documents_note', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('requested_by_id', sa.Uuid(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by_id', sa.Uuid(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approval_note', sa.Text(), nullable=True),
    sa.Column('hub_id', sa.Uuid(), nullable=True),
    sa.Column('crossing_id', sa.Uuid(), nullable=True),
    sa.Column('point_id', sa.Uuid(), nullable=True),
    sa.Column('escort_team_id', sa.Uuid(), nullable=True),
    sa.Column('travel_date', sa.Date(), nullable=True),
    sa.Column('window_starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('window_ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escort_starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('schedule_revision', sa.Integer(), nullable=False),
    sa.Column('case_state_before', sa.String(length=24), nullable=True),
    sa.Column('needs_attention', sa.Boolean(), nullable=False),
    sa.Column('attention_reason', sa.Text(), nullable=True),
    sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_reason', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['staff_user.id'], name=op.f('fk_handover_approved_by_id_staff_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_handover_case_id_case')),
    sa.ForeignKeyConstraint(['crossing_id'], ['border_crossing.id'], name=op.f('fk_handover_crossing_id_border_crossing')),
    sa.ForeignKeyConstraint(['escort_team_id'], ['escort_team.id'], name=op.f('fk_handover_escort_team_id_escort_team')),
    sa.ForeignKeyConstraint(['hub_id'], ['transit_hub.id'], name=op.f('fk_handover_hub_id_transit_hub')),
    sa.ForeignKeyConstraint(['point_id'], ['handover_point.id'], name=op.f('fk_handover_point_id_handover_point')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['staff_user.id'], name=op.f('fk_handover_requested_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover'))
    )
    op.create_index(op.f('ix_handover_case_id'), 'handover', ['case_id'], unique=False)
    op.create_index('ix_handover_crossing_id_travel_date', 'handover', ['crossing_id', 'travel_date'], unique=False)
    op.create_index('ix_handover_escort_team_id_escort_starts_at', 'handover', ['escort_team_id', 'escort_starts_at'], unique=False)
    op.create_index(op.f('ix_handover_needs_attention'), 'handover', ['needs_attention'], unique=False)
    op.create_index('ix_handover_point_id_travel_date', 'handover', ['point_id', 'travel_date'], unique=False)
    op.create_index(op.f('ix_handover_state'), 'handover', ['state'], unique=False)
    op.create_table('point_crossing',
    sa.Column('point_id', sa.Uuid(), nullable=False),
    sa.Column('crossing_id', sa.Uuid(), nullable=False),
    sa.Column('escort_minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('escort_minutes >= 0', name=op.f('ck_point_crossing_escort_minutes_not_negative')),
    sa.ForeignKeyConstraint(['crossing_id'], ['border_crossing.id'], name=op.f('fk_point_crossing_crossing_id_border_crossing')),
    sa.ForeignKeyConstraint(['point_id'], ['handover_point.id'], name=op.f('fk_point_crossing_point_id_handover_point'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('point_id', 'crossing_id', name=op.f('pk_point_crossing'))
    )
    op.create_index(op.f('ix_point_crossing_crossing_id'), 'point_crossing', ['crossing_id'], unique=False)
    op.create_table('handover_personal_effect',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('handover_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('condition', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.CheckConstraint('quantity >= 1', name=op.f('ck_handover_personal_effect_quantity_positive')),
    sa.ForeignKeyConstraint(['handover_id'], ['handover.id'], name=op.f('fk_handover_personal_effect_handover_id_handover')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_personal_effect')),
    sa.UniqueConstraint('handover_id', 'position', name=op.f('uq_handover_personal_effect_handover_id_position'))
    )
    op.create_index(op.f('ix_handover_personal_effect_handover_id'), 'handover_personal_effect', ['handover_id'], unique=False)
    op.create_table('handover_schedule',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('handover_id', sa.Uuid(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Uuid(), nullable=False),
    sa.Column('crossing_id', sa.Uuid(), nullable=False),
    sa.Column('point_id', sa.Uuid(), nullable=False),
    sa.Column('escort_team_id', sa.Uuid(), nullable=False),
    sa.Column('travel_date', sa.Date(), nullable=False),
    sa.Column('window_starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('window_ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('escort_starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('scheduled_by_id', sa.Uuid(), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('superseded_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['crossing_id'], ['border_crossing.id'], name=op.f('fk_handover_schedule_crossing_id_border_crossing')),
    sa.ForeignKeyConstraint(['escort_team_id'], ['escort_team.id'], name=op.f('fk_handover_schedule_escort_team_id_escort_team')),
    sa.ForeignKeyConstraint(['handover_id'], ['handover.id'], name=op.f('fk_handover_schedule_handover_id_handover')),
    sa.ForeignKeyConstraint(['hub_id'], ['transit_hub.id'], name=op.f('fk_handover_schedule_hub_id_transit_hub')),
    sa.ForeignKeyConstraint(['point_id'], ['handover_point.id'], name=op.f('fk_handover_schedule_point_id_handover_point')),
    sa.ForeignKeyConstraint(['scheduled_by_id'], ['staff_user.id'], name=op.f('fk_handover_schedule_scheduled_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_schedule')),
    sa.UniqueConstraint('handover_id', 'revision', name=op.f('uq_handover_schedule_handover_id_revision'))
    )
    op.create_index(op.f('ix_handover_schedule_handover_id'), 'handover_schedule', ['handover_id'], unique=False)
    op.create_table('handover_traveller',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('handover_id', sa.Uuid(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('relationship', sa.String(length=16), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('document_type', sa.String(length=16), nullable=True),
    sa.Column('document_number', sa.String(length=40), nullable=True),
    sa.Column('document_expires_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['handover_id'], ['handover.id'], name=op.f('fk_handover_traveller_handover_id_handover'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_traveller'))
    )
    op.create_index(op.f('ix_handover_traveller_handover_id'), 'handover_traveller', ['handover_id'], unique=False)
    op.create_table('handover_receipt',
    sa.Column('handover_id', sa.Uuid(), nullable=False),
    sa.Column('received_by_name', sa.String(length=200), nullable=False),
    sa.Column('received_by_relationship', sa.String(length=16), nullable=False),
    sa.Column('received_by_traveller_id', sa.Uuid(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handed_over_by_id', sa.Uuid(), nullable=False),
    sa.Column('witness_name', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Uuid(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['handed_over_by_id'], ['staff_user.id'], name=op.f('fk_handover_receipt_handed_over_by_id_staff_user')),
    sa.ForeignKeyConstraint(['handover_id'], ['handover.id'], name=op.f('fk_handover_receipt_handover_id_handover')),
    sa.ForeignKeyConstraint(['received_by_traveller_id'], ['handover_traveller.id'], name=op.f('fk_handover_receipt_received_by_traveller_id_handover_traveller')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], name=op.f('fk_handover_receipt_recorded_by_id_staff_user')),
    sa.PrimaryKeyConstraint('handover_id', name=op.f('pk_handover_receipt'))
    )


def downgrade() -> None:
    op.drop_table('handover_receipt')
    op.drop_index(op.f('ix_handover_traveller_handover_id'), table_name='handover_traveller')
    op.drop_table('handover_traveller')
    op.drop_index(op.f('ix_handover_schedule_handover_id'), table_name='handover_schedule')
    op.drop_table('handover_schedule')
    op.drop_index(op.f('ix_handover_personal_effect_handover_id'), table_name='handover_personal_effect')
    op.drop_table('handover_personal_effect')
    op.drop_index(op.f('ix_point_crossing_crossing_id'), table_name='point_crossing')
    op.drop_table('point_crossing')
    op.drop_index(op.f('ix_handover_state'), table_name='handover')
    op.drop_index('ix_handover_point_id_travel_date', table_name='handover')
    op.drop_index(op.f('ix_handover_needs_attention'), table_name='handover')
    op.drop_index('ix_handover_escort_team_id_escort_starts_at', table_name='handover')
    op.drop_index('ix_handover_crossing_id_travel_date', table_name='handover')
    op.drop_index(op.f('ix_handover_case_id'), table_name='handover')
    op.drop_table('handover')
    op.drop_index('ix_crossing_status_crossing_id_valid_from', table_name='crossing_status')
    op.drop_index(op.f('ix_crossing_status_crossing_id'), table_name='crossing_status')
    op.drop_table('crossing_status')
    op.drop_table('point_day')
    op.drop_index(op.f('ix_escort_team_member_user_id'), table_name='escort_team_member')
    op.drop_table('escort_team_member')
    op.drop_index(op.f('ix_escort_availability_team_id'), table_name='escort_availability')
    op.drop_table('escort_availability')
    op.drop_index(op.f('ix_calendar_feed_point_id'), table_name='calendar_feed')
    op.drop_index(op.f('ix_calendar_feed_escort_team_id'), table_name='calendar_feed')
    op.drop_table('calendar_feed')
    op.drop_index(op.f('ix_border_crossing_hub_id'), table_name='border_crossing')
    op.drop_table('border_crossing')
    op.drop_table('transit_hub')
    op.drop_table('handover_point')
    op.drop_table('escort_team')
