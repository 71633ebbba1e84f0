"""ID numbers that stay secret, one registration per ID number held by the database, the key check.

- volunteer.birth_date (plain) becomes birth_year (plain) and birth_date_cipher (encrypted);
- id_number_masked keeps the last 4 characters only (it kept the first 6 too, which beside the
  birth date rebuilt every number);
- keycheck remembers the marker of the key the data is encrypted with;
- a partial unique index allows one active volunteer per ID number and station. Duplicates that
  writers racing on PostgreSQL stored before it are merged into the first registration first,
  their service records and posts moved to it, each merge in the operation log.

Existing rows are re-encrypted with the configured key, which must open the stored ID numbers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import datetime as dt
import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

OPERATOR = "migration 0003"
volunteer = sa.table(
    'volunteer', sa.column('id', sa.Integer), sa.column('station_id', sa.Integer),
    sa.column('number', sa.String), sa.column('active', sa.Boolean), sa.column('birth_date', sa.Date),
    sa.column('birth_year', sa.Integer), sa.column('birth_date_cipher', sa.String),
    sa.column('id_number_cipher', sa.String), sa.column('id_number_hash', sa.String),
    sa.column('id_number_masked', sa.String), sa.column('merged_into_id', sa.Integer),
    sa.column('deactivated_at', sqlmodel.sql.sqltypes.UTCDateTime),
    sa.column('deactivation_reason', sa.String), sa.column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime))
keycheck = sa.table('keycheck', sa.column('id', sa.Integer), sa.column('marker', sa.String),
                    sa.column('created_at', sqlmodel.sql.sqltypes.UTCDateTime))
servicerecord = sa.table('servicerecord', sa.column('volunteer_id', sa.Integer))
volunteerpost = sa.table('volunteerpost', sa.column('volunteer_id', sa.Integer), sa.column('post_id', sa.Integer))
auditevent = sa.table(
    'auditevent', sa.column('station_id', sa.Integer), sa.column('at', sqlmodel.sql.sqltypes.UTCDateTime),
    sa.column('operator', sa.String), sa.column('action', sa.String), sa.column('entity', sa.String),
    sa.column('entity_id', sa.Integer), sa.column('detail', sa.String))


def _last4_mask(number: str) -> str:
    return "*" * (len(number) - 4) + number[-4:] if len(number) > 4 else "*" * len(number)


def _first6_mask(number: str) -> str:
    if len(number) >= 12:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    return _last4_mask(number)


def _vault(connection):
    """The configured key's vault, refused unless it opens the stored ID numbers."""
    from station_kit.services.context import vault_opening

    sample = connection.execute(sa.select(volunteer.c.id_number_cipher).limit(1)).scalar()
    return None if sample is None else vault_opening(sample)


def upgrade() -> None:
    op.create_table('keycheck',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('marker', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('birth_date_cipher', sqlmodel.sql.sqltypes.AutoString(), nullable=True))

    connection = op.get_bind()
    vault = _vault(connection)
    if vault is not None:
        rows = connection.execute(sa.select(volunteer.c.id, volunteer.c.birth_date,
                                            volunteer.c.id_number_cipher)).all()
        for row in rows:
            connection.execute(volunteer.update().where(volunteer.c.id == row.id).values(
                birth_year=row.birth_date.year, birth_date_cipher=vault.encrypt_date(row.birth_date),
                id_number_masked=_last4_mask(vault.decrypt(row.id_number_cipher))))
        connection.execute(keycheck.insert().values(id=1, marker=vault.key_marker(),
                                                    created_at=dt.datetime.now(dt.UTC)))
        _merge_duplicate_registrations(connection)

    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.alter_column('birth_year', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('birth_date_cipher', existing_type=sqlmodel.sql.sqltypes.AutoString(),
                              nullable=False)
        batch_op.drop_column('birth_date')
    op.create_index('ux_volunteer_station_id_number_active', 'volunteer', ['station_id', 'id_number_hash'],
                    unique=True, sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))


def _merge_duplicate_registrations(connection) -> None:
    """Fold each later active registration of an ID number into the first one, as 志愿者 → 合并 does."""
    groups = connection.execute(
        sa.select(volunteer.c.station_id, volunteer.c.id_number_hash, sa.func.min(volunteer.c.id))
        .where(volunteer.c.active).group_by(volunteer.c.station_id, volunteer.c.id_number_hash)
        .having(sa.func.count() > 1)).all()
    now = dt.datetime.now(dt.UTC)
    for station_id, id_hash, keep_id in groups:
        keep_number = connection.execute(sa.select(volunteer.c.number).where(volunteer.c.id == keep_id)).scalar()
        drops = connection.execute(sa.select(volunteer.c.id, volunteer.c.number).where(
            volunteer.c.station_id == station_id, volunteer.c.id_number_hash == id_hash,
            volunteer.c.active, volunteer.c.id != keep_id)).all()
        for drop_id, drop_number in drops:
            moved = connection.execute(servicerecord.update().where(servicerecord.c.volunteer_id == drop_id)
                                       .values(volunteer_id=keep_id)).rowcount
            kept_posts = sa.select(volunteerpost.c.post_id).where(volunteerpost.c.volunteer_id == keep_id)
            connection.execute(volunteerpost.delete().where(volunteerpost.c.volunteer_id == drop_id,
                                                            volunteerpost.c.post_id.in_(kept_posts)))
            connection.execute(volunteerpost.update().where(volunteerpost.c.volunteer_id == drop_id)
                               .values(volunteer_id=keep_id))
            connection.execute(volunteer.update().where(volunteer.c.id == drop_id).values(
                active=False, merged_into_id=keep_id, deactivated_at=now, updated_at=now,
                deactivation_reason=f"merged into {keep_number}"))
            connection.execute(auditevent.insert().values(
                station_id=station_id, at=now, operator=OPERATOR, action="volunteer.merge", entity="volunteer",
                entity_id=keep_id, detail=json.dumps({"kept": keep_number, "merged": drop_number,
                                                      "moved": {"servicerecord.volunteer_id": moved},
                                                      "reason": "same ID number"}, ensure_ascii=False)))


def downgrade() -> None:
    op.drop_index('ux_volunteer_station_id_number_active', table_name='volunteer',
                  sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_date', sa.Date(), nullable=True))
    connection = op.get_bind()
    vault = _vault(connection)
    if vault is not None:
        rows = connection.execute(sa.select(volunteer.c.id, volunteer.c.birth_date_cipher,
                                            volunteer.c.id_number_cipher)).all()
        for row in rows:
            connection.execute(volunteer.update().where(volunteer.c.id == row.id).values(
                birth_date=vault.decrypt_date(row.birth_date_cipher),
                id_number_masked=_first6_mask(vault.decrypt(row.id_number_cipher))))
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.alter_column('birth_date', existing_type=sa.Date(), nullable=False)
        batch_op.drop_column('birth_date_cipher')
        batch_op.drop_column('birth_year')
    op.drop_table('keycheck')
