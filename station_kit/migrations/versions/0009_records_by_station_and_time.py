"""A station's service records by time: the index behind every figure of one station over a period
(a month's export, a year's 时尚达人 round, 实时数据's top ten of the month). Without it a city's
database read all of a station's years to keep one: `make bench-city` measured it (benchmarks/README.md).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_servicerecord_station_started', 'servicerecord', ['station_id', 'started_at'])


def downgrade() -> None:
    op.drop_index('ix_servicerecord_station_started', table_name='servicerecord')
