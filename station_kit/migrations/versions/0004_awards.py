"""Award rounds (时尚达人, 先进集体) with their ranked entries and objections; activities get a theme
(邻里互助, 美化环境, 活跃文化 or none), which award points weigh.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('awardround',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('rules_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('rules_json', sa.Text(), nullable=False),
    sa.Column('computed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('computed_by', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('publicity_ends_on', sa.Date(), nullable=True),
    sa.Column('finalised_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('finalised_by', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'level', 'period')
    )
    with op.batch_alter_table('awardround', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awardround_station_id'), ['station_id'], unique=False)

    op.create_table('awardentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('subject_kind', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('points_tenths', sa.Integer(), nullable=False),
    sa.Column('eligible', sa.Boolean(), nullable=False),
    sa.Column('ineligible_reason', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('winner', sa.Boolean(), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.Column('promoted', sa.Boolean(), nullable=False),
    sa.Column('breakdown_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['awardround.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'rank')
    )
    with op.batch_alter_table('awardentry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awardentry_round_id'), ['round_id'], unique=False)
        batch_op.create_index('ix_awardentry_station_winner', ['station_id', 'winner'], unique=False)

    op.create_table('awardobjection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('objector', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('content', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('lodged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('lodged_by', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('resolved_by', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('resolved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('promoted_entry_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['awardentry.id'], ),
    sa.ForeignKeyConstraint(['promoted_entry_id'], ['awardentry.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['awardround.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('awardobjection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awardobjection_round_id'), ['round_id'], unique=False)

    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('theme', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_column('theme')

    with op.batch_alter_table('awardobjection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awardobjection_round_id'))

    op.drop_table('awardobjection')
    with op.batch_alter_table('awardentry', schema=None) as batch_op:
        batch_op.drop_index('ix_awardentry_station_winner')
        batch_op.drop_index(batch_op.f('ix_awardentry_round_id'))

    op.drop_table('awardentry')
    with op.batch_alter_table('awardround', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awardround_station_id'))

    op.drop_table('awardround')
