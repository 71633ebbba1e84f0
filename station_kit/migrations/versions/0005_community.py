"""Residents, wishes and service orders with their claimers, grid cases and departments, the works ledger.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'name')
    )
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_station_id'), ['station_id'], unique=False)

    op.create_table('worksitem',
    sa.Column('item', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('quantity', sa.Float(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('investment_yuan', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('worksitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worksitem_station_id'), ['station_id'], unique=False)

    op.create_table('resident',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('building', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('consent_at', sa.Date(), nullable=False),
    sa.Column('registered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_station_id'), ['station_id'], unique=False)

    op.create_table('gridcase',
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('content', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('is_complex', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('steward_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('accept_due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('resolve_due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('accepted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('whistled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('report_due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('reported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('resolved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('rated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('whistle_note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('report_note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('resolution_note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], ),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.ForeignKeyConstraint(['steward_id'], ['steward.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('gridcase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gridcase_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index('ix_gridcase_station_grid_received', ['station_id', 'grid_id', 'received_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_gridcase_station_id'), ['station_id'], unique=False)

    op.create_table('residentcaregroup',
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('care_group', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.PrimaryKeyConstraint('resident_id', 'care_group')
    )
    op.create_table('request',
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('content', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('posted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('fulfilled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closing_note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('rated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('cancelled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], ),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], ),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_station_id'), ['station_id'], unique=False)
        batch_op.create_index('ix_request_station_kind_status', ['station_id', 'kind', 'status'], unique=False)

    op.create_table('requestclaim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('claimer_kind', sa.String(length=20), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=True),
    sa.Column('squad_id', sa.Integer(), nullable=True),
    sa.Column('partner_unit_id', sa.Integer(), nullable=True),
    sa.Column('dispatched', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('refused_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('refuse_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['partner_unit_id'], ['partnerunit.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], ),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('requestclaim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requestclaim_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('requestclaim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requestclaim_request_id'))

    op.drop_table('requestclaim')
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_station_kind_status')
        batch_op.drop_index(batch_op.f('ix_request_station_id'))
        batch_op.drop_index(batch_op.f('ix_request_resident_id'))

    op.drop_table('request')
    op.drop_table('residentcaregroup')
    with op.batch_alter_table('gridcase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gridcase_station_id'))
        batch_op.drop_index('ix_gridcase_station_grid_received')
        batch_op.drop_index(batch_op.f('ix_gridcase_grid_id'))

    op.drop_table('gridcase')
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_station_id'))
        batch_op.drop_index(batch_op.f('ix_resident_grid_id'))

    op.drop_table('resident')
    with op.batch_alter_table('worksitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worksitem_station_id'))

    op.drop_table('worksitem')
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_station_id'))

    op.drop_table('department')
