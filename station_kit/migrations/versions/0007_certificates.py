"""Issued 志愿服务记录证明 (their numbers, kept for checking), and the station's person in charge and
contact that the certificate names as its issuer.

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-29
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('station', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_in_charge', sqlmodel.sql.sqltypes.AutoString(length=50),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=100),
                                      nullable=False, server_default=''))
    with op.batch_alter_table('station', schema=None) as batch_op:
        batch_op.alter_column('person_in_charge', server_default=None)
        batch_op.alter_column('contact', server_default=None)

    op.create_table('issuedcertificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('approved_minutes', sa.Integer(), nullable=False),
    sa.Column('record_count', sa.Integer(), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=False),
    sa.Column('period_until', sa.Date(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('handler', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('person_in_charge', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'number')
    )
    with op.batch_alter_table('issuedcertificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issuedcertificate_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issuedcertificate_volunteer_id'), ['volunteer_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('issuedcertificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issuedcertificate_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_issuedcertificate_station_id'))
    op.drop_table('issuedcertificate')
    with op.batch_alter_table('station', schema=None) as batch_op:
        batch_op.drop_column('contact')
        batch_op.drop_column('person_in_charge')
