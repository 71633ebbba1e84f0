"""Activities (with weekly series and partner units) and service records.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activityseries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('first_date', sa.Date(), nullable=False),
    sa.Column('last_date', sa.Date(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('activityseries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activityseries_station_id'), ['station_id'], unique=False)

    op.create_table('activity',
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('hall', sa.String(length=20), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('organiser', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('person_in_charge', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ends_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('content', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('beneficiaries', sa.Integer(), nullable=False),
    sa.Column('speaker', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('attendance_mode', sa.String(length=20), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], ),
    sa.ForeignKeyConstraint(['series_id'], ['activityseries.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_station_id'), ['station_id'], unique=False)
        batch_op.create_index('ix_activity_station_starts', ['station_id', 'starts_at'], unique=False)

    op.create_table('activitypartner',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('partner_unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], ),
    sa.ForeignKeyConstraint(['partner_unit_id'], ['partnerunit.id'], ),
    sa.PrimaryKeyConstraint('activity_id', 'partner_unit_id')
    )
    op.create_table('servicerecord',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('no_show', sa.Boolean(), nullable=False),
    sa.Column('is_backfill', sa.Boolean(), nullable=False),
    sa.Column('backfill_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('entered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('entered_by', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('decision_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('servicerecord', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_servicerecord_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index('ix_servicerecord_station_status', ['station_id', 'status'], unique=False)
        batch_op.create_index('ix_servicerecord_volunteer_started', ['volunteer_id', 'started_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('servicerecord', schema=None) as batch_op:
        batch_op.drop_index('ix_servicerecord_volunteer_started')
        batch_op.drop_index('ix_servicerecord_station_status')
        batch_op.drop_index(batch_op.f('ix_servicerecord_activity_id'))

    op.drop_table('servicerecord')
    op.drop_table('activitypartner')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_station_starts')
        batch_op.drop_index(batch_op.f('ix_activity_station_id'))
        batch_op.drop_index(batch_op.f('ix_activity_series_id'))

    op.drop_table('activity')
    with op.batch_alter_table('activityseries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activityseries_station_id'))

    op.drop_table('activityseries')
