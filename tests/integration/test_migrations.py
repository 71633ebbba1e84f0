"""The schema is what the migrations build, from the first one on, on SQLite and PostgreSQL."""

import datetime as dt
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, insert, inspect
from sqlmodel import SQLModel, select

from station_kit.config import get_settings
from station_kit.db import alembic_config, get_engine, migrate, read_session
from station_kit.models import AuditEvent, KeyCheck, ServiceRecord, Volunteer, VolunteerPost
from station_kit.privacy import Vault
from tests.factories import id_number


def _differences(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def test_migrations_build_exactly_the_models(db_url):
    migrate(db_url)
    assert _differences(get_engine(db_url)) == []


def test_downgrade_to_nothing_and_back(db_url):
    migrate(db_url)
    command.downgrade(alembic_config(db_url), "base")
    assert set(inspect(get_engine(db_url)).get_table_names()) <= {"alembic_version"}
    migrate(db_url)
    assert "volunteer" in inspect(get_engine(db_url)).get_table_names()


def test_migrating_twice_changes_nothing(db_url):
    migrate(db_url)
    migrate(db_url)
    assert _differences(get_engine(db_url)) == []


def test_0003_keeps_every_record_and_leaves_nothing_plain_that_rebuilds_a_number(db_url):
    """A database at 0002 with volunteers, posts and records, two of them one person registered twice
    by racing writers: after the upgrade every record is still there, on the first registration;
    birth dates are encrypted, masks keep the last 4, and no old plain value is left in the file."""
    migrate(db_url, "0002")
    engine = get_engine(db_url)
    vault = Vault(get_settings().secret_key.encode())
    tables = MetaData()
    tables.reflect(engine)
    born = [dt.date(1961, 3, 7), dt.date(1975, 10, 21), dt.date(1988, 12, 30)]
    numbers = [id_number(birth_date=day) for day in born]
    people = [(1, numbers[0], born[0]), (2, numbers[1], born[1]), (3, numbers[2], born[2]),
              (4, numbers[0], born[0])]  # 4 is 1 again, stored by a lost race
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        connection.execute(insert(tables.tables["station"]).values(
            id=1, code="OLD", name="老数据社区", city="", street="", address="", created_at=now))
        connection.execute(insert(tables.tables["post"]), [dict(id=p, station_id=1, name=f"岗位{p}") for p in (1, 2)])
        connection.execute(insert(tables.tables["volunteer"]), [dict(
            id=vid, station_id=1, number=f"OLD{vid:06d}", name=f"志愿者{vid}", id_type="resident_id",
            residence_area="", phone=f"1390000000{vid}", skills="", service_categories="", is_party_member=False,
            guardian_name="", gender="male", birth_date=day, id_number_cipher=vault.encrypt(number),
            id_number_hash=vault.lookup_hash(number), id_number_masked=number[:6] + "********" + number[-4:],
            id_number_note="", name_pinyin="", name_initials="", consent_at=dt.date(2021, 5, 1),
            registered_at=now, updated_at=now, active=True, deactivation_reason="") for vid, number, day in people])
        connection.execute(insert(tables.tables["volunteerpost"]),
                           [dict(volunteer_id=1, post_id=1), dict(volunteer_id=4, post_id=1),
                            dict(volunteer_id=4, post_id=2)])
        connection.execute(insert(tables.tables["activity"]).values(
            id=1, station_id=1, title="周五爱国卫生大扫除", category="customs", organiser="", person_in_charge="",
            place="", starts_at=now, ends_at=now + dt.timedelta(hours=2), content="", beneficiaries=0,
            speaker="", attendance_mode="marked", status="done", created_at=now, updated_at=now))
        connection.execute(insert(tables.tables["servicerecord"]), [dict(
            station_id=1, volunteer_id=vid, activity_id=1, role="participant", started_at=now,
            ended_at=now + dt.timedelta(hours=1), minutes=60, status="approved", no_show=False, is_backfill=False,
            backfill_reason="", entered_at=now, entered_by="t", decided_by="t", decision_reason="")
            for vid in (2, 4)])

    migrate(db_url)

    with read_session(engine) as session:
        rows = {v.id: v for v in session.exec(select(Volunteer)).all()}
        assert [(rows[vid].birth_year, vault.decrypt_date(rows[vid].birth_date_cipher)) for vid, _, _ in people] == [
            (day.year, day) for _, _, day in people]
        assert [rows[vid].id_number_masked for vid, _, _ in people] == ["*" * 14 + n[-4:] for _, n, _ in people]
        assert (rows[4].active, rows[4].merged_into_id, rows[1].active) == (False, 1, True)
        assert sorted(session.exec(select(ServiceRecord.volunteer_id)).all()) == [1, 2]
        assert sorted(session.exec(select(VolunteerPost.post_id).where(VolunteerPost.volunteer_id == 1)).all()) == [1,
                                                                                                                    2]
        assert session.get(KeyCheck, 1).marker == vault.key_marker()
        merge = session.exec(select(AuditEvent).where(AuditEvent.action == "volunteer.merge")).one()
        assert merge.operator == "migration 0003" and merge.entity_id == 1
    assert "birth_date" not in {c["name"] for c in inspect(engine).get_columns("volunteer")}
    if db_url.startswith("sqlite"):
        stored = b"".join(path.read_bytes() for path in Path(engine.url.database).parent.glob("station.db*"))
        for _, number, day in people:
            assert (number[:6] + "********").encode() not in stored
            assert day.isoformat().encode() not in stored
