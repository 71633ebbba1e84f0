"""Several kernels writing at once, on SQLite and on PostgreSQL: every registration lands once with
its own number, and a writer that loses a race on a rule (one ID number, one name and phone, no
overlapping records) gets the same message a user gets without a race — never a database error,
never a duplicate stored. Writers start together at a barrier, once each has its imports and a
connection, so their transactions interleave."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections import Counter

from sqlalchemy import func
from sqlmodel import select

from station_kit import clock
from station_kit.db import get_engine, migrate, read_session, write_session
from station_kit.errors import DomainError
from station_kit.models import ServiceRecord, Volunteer
from station_kit.services.actor import Actor
from station_kit.services.scope import Scope
from tests.factories import activity_data, id_number, make_station, volunteer_data

WRITERS = 4
# Yesterday morning: recent enough that entering its hours is no back-fill.
START = (clock.now() - dt.timedelta(days=1)).replace(hour=9, minute=0, second=0)


def _writer(url: str, job: str, station_id: int, writer: int, work: list, go, results) -> None:
    from station_kit.services.records import Attendance, record_attendance
    from station_kit.services.volunteers import register_volunteer

    engine = get_engine(url)
    engine.connect().close()
    outcomes: Counter[str] = Counter()
    go.wait(120)
    for n, item in enumerate(work):
        try:
            with write_session(engine) as session:
                if job == "register":
                    register_volunteer(scope=Scope(session, Actor(f"kernel-{writer}")), station_id=station_id,
                                       data=volunteer_data(**item))
                else:
                    activity_id, volunteer_id = item
                    record_attendance(scope=Scope(session, Actor(f"kernel-{writer}")), activity_id=activity_id,
                                      entries=[Attendance(volunteer_id)])
            outcomes["ok"] += 1
        except DomainError as refused:
            outcomes[",".join(refused.keys())] += 1
        except Exception as error:  # anything else is what this test exists to catch
            outcomes[f"crash: {type(error).__name__}: {str(error)[:120]}"] += 1
    results.put(dict(outcomes))


def _race(url: str, job: str, station_id: int, work_of) -> Counter[str]:
    """Run WRITERS processes, writer ``w`` doing ``work_of(w)``; the outcomes of every call, summed."""
    context = multiprocessing.get_context("spawn")
    go, results = context.Barrier(WRITERS), context.Queue()
    workers = [context.Process(target=_writer, args=(url, job, station_id, w, work_of(w), go, results))
               for w in range(WRITERS)]
    for worker in workers:
        worker.start()
    total: Counter[str] = Counter()
    for _ in workers:
        total.update(results.get(timeout=300))
    for worker in workers:
        worker.join(timeout=30)
    return total


def _station(url: str):
    migrate(url)
    with write_session(get_engine(url)) as session:
        return make_station(session)


def _count(url: str, statement) -> int:
    with read_session(get_engine(url)) as session:
        return session.exec(statement).one()


def test_parallel_registrations_all_land_with_distinct_numbers(db_url):
    station = _station(db_url)
    each = 25
    outcomes = _race(db_url, "register", station.id, lambda w: [
        dict(id_number=id_number(birth_date=dt.date(1950 + w, 1, 1) + dt.timedelta(days=n)),
             phone=f"139{w:04d}{n:04d}", name=f"张{w}{n}") for n in range(each)])
    assert outcomes == {"ok": WRITERS * each}
    with read_session(get_engine(db_url)) as session:
        numbers = session.exec(select(Volunteer.number)).all()
    assert len(numbers) == len(set(numbers)) == WRITERS * each


def test_racing_on_one_id_number_stores_it_once(db_url):
    station = _station(db_url)
    numbers = [id_number(birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=n)) for n in range(15)]
    outcomes = _race(db_url, "register", station.id, lambda w: [
        dict(id_number=number, phone=f"137{w:04d}{n:04d}", name=f"李{w}{n}") for n, number in enumerate(numbers)])
    assert outcomes == {"ok": len(numbers), "id_number.duplicate": (WRITERS - 1) * len(numbers)}
    assert _count(db_url, select(func.count(func.distinct(Volunteer.id_number_hash)))) == len(numbers)
    assert _count(db_url, select(func.count()).select_from(Volunteer)) == len(numbers)


def test_racing_on_one_name_and_phone_stores_it_once(db_url):
    station = _station(db_url)
    pairs = [(f"王{n}", f"136{n:08d}") for n in range(15)]
    outcomes = _race(db_url, "register", station.id, lambda w: [
        dict(name=name, phone=phone, id_number=id_number(birth_date=dt.date(1970 + w, 1, 1) + dt.timedelta(days=n)))
        for n, (name, phone) in enumerate(pairs)])
    assert outcomes == {"ok": len(pairs), "volunteer.possible_duplicate": (WRITERS - 1) * len(pairs)}
    assert _count(db_url, select(func.count()).select_from(Volunteer)) == len(pairs)


def test_racing_attendance_never_stores_overlapping_records(db_url):
    from station_kit.services.activities import plan_activity
    from station_kit.services.volunteers import register_volunteer

    station = _station(db_url)
    with write_session(get_engine(db_url)) as session:
        # Four activities at the same hour, in no room: only the volunteer can be double-booked.
        activities = [plan_activity(scope=Scope(session, Actor("t")), station_id=station.id,
                                    data=activity_data(starts_at=START, title=f"活动{w}")).id
                      for w in range(WRITERS)]
        people = [register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id,
                                     data=volunteer_data(id_number=id_number(birth_date=dt.date(1980, 1, 1 + n)))).id
                  for n in range(12)]
    outcomes = _race(db_url, "attend", station.id, lambda w: [(activities[w], person) for person in people])
    assert outcomes == {"ok": len(people), "record.overlaps": (WRITERS - 1) * len(people)}
    assert _count(db_url, select(func.count(func.distinct(ServiceRecord.volunteer_id)))) == len(people)
    assert _count(db_url, select(func.count()).select_from(ServiceRecord)) == len(people)
