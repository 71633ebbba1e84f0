"""First schema: station, organisation, volunteers and their posts, audit log.

Revision ID: 0001
Revises: 
Create Date: 2026-11-28
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('station',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('street', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('association',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'name')
    )
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_association_station_id'), ['station_id'], unique=False)

    op.create_table('auditevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('operator', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditevent_station_id'), ['station_id'], unique=False)

    op.create_table('grid',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'number')
    )
    with op.batch_alter_table('grid', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grid_station_id'), ['station_id'], unique=False)

    op.create_table('partnerunit',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('credit_code', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'name')
    )
    with op.batch_alter_table('partnerunit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnerunit_station_id'), ['station_id'], unique=False)

    op.create_table('post',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'name')
    )
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_station_id'), ['station_id'], unique=False)

    op.create_table('room',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'name')
    )
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_station_id'), ['station_id'], unique=False)

    op.create_table('servicebase',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'name')
    )
    with op.batch_alter_table('servicebase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_servicebase_station_id'), ['station_id'], unique=False)

    op.create_table('servicepoint',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'name')
    )
    with op.batch_alter_table('servicepoint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_servicepoint_station_id'), ['station_id'], unique=False)

    op.create_table('team',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'name')
    )
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_station_id'), ['station_id'], unique=False)

    op.create_table('project',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('is_brand', sa.Boolean(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'name')
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_station_id'), ['station_id'], unique=False)

    op.create_table('squad',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'name')
    )
    with op.batch_alter_table('squad', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_squad_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_squad_team_id'), ['team_id'], unique=False)

    op.create_table('steward',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('steward', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_steward_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_steward_station_id'), ['station_id'], unique=False)

    op.create_table('volunteer',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('id_type', sa.String(length=20), nullable=False),
    sa.Column('residence_area', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('skills', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('service_categories', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('is_party_member', sa.Boolean(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('squad_id', sa.Integer(), nullable=True),
    sa.Column('guardian_name', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('gender', sa.String(length=10), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('id_number_cipher', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('id_number_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('id_number_masked', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('id_number_note', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('name_pinyin', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_initials', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('consent_at', sa.Date(), nullable=False),
    sa.Column('guardian_consent_at', sa.Date(), nullable=True),
    sa.Column('registered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('deactivated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('deactivation_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['merged_into_id'], ['volunteer.id'], ),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'number')
    )
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_id_number_hash'), ['id_number_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_name_initials'), ['name_initials'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_name_pinyin'), ['name_pinyin'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_station_id'), ['station_id'], unique=False)

    op.create_table('volunteerpost',
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], ),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], ),
    sa.PrimaryKeyConstraint('volunteer_id', 'post_id')
    )


def downgrade() -> None:
    op.drop_table('volunteerpost')
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_station_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_name_pinyin'))
        batch_op.drop_index(batch_op.f('ix_volunteer_name_initials'))
        batch_op.drop_index(batch_op.f('ix_volunteer_id_number_hash'))

    op.drop_table('volunteer')
    with op.batch_alter_table('steward', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_steward_station_id'))
        batch_op.drop_index(batch_op.f('ix_steward_grid_id'))

    op.drop_table('steward')
    with op.batch_alter_table('squad', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_squad_team_id'))
        batch_op.drop_index(batch_op.f('ix_squad_station_id'))

    op.drop_table('squad')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_station_id'))

    op.drop_table('project')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_station_id'))

    op.drop_table('team')
    with op.batch_alter_table('servicepoint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_servicepoint_station_id'))

    op.drop_table('servicepoint')
    with op.batch_alter_table('servicebase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_servicebase_station_id'))

    op.drop_table('servicebase')
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_station_id'))

    op.drop_table('room')
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_station_id'))

    op.drop_table('post')
    with op.batch_alter_table('partnerunit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnerunit_station_id'))

    op.drop_table('partnerunit')
    with op.batch_alter_table('grid', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grid_station_id'))

    op.drop_table('grid')
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditevent_station_id'))

    op.drop_table('auditevent')
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_association_station_id'))

    op.drop_table('association')
    op.drop_table('station')
