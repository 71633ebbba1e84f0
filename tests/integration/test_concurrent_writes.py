"""Several kernels registering volunteers at once on one SQLite file: nobody sees "database is locked"."""

import multiprocessing

from sqlmodel import select

from station_kit.db import get_engine, migrate, read_session, write_session
from station_kit.models import Volunteer
from tests.factories import make_station

WRITERS = 4
REGISTRATIONS_EACH = 15


def _writer(url: str, station_id: int, writer: int, results) -> None:
    import datetime as dt

    from station_kit.services.volunteers import register_volunteer
    from tests.factories import id_number, volunteer_data

    engine = get_engine(url)
    try:
        for n in range(REGISTRATIONS_EACH):
            birth = dt.date(1950 + writer, 1, 1) + dt.timedelta(days=n)
            with write_session(engine) as session:
                register_volunteer(session=session, station_id=station_id, operator=f"kernel-{writer}",
                                   data=volunteer_data(id_number=id_number(birth_date=birth),
                                                       phone=f"139{writer:04d}{n:04d}"))
        results.put("ok")
    except Exception as error:  # reported to the parent, which fails the test with it
        results.put(repr(error))


def test_parallel_registrations_all_land_with_distinct_numbers(sqlite_url):
    migrate(sqlite_url)
    with write_session(get_engine(sqlite_url)) as session:
        station = make_station(session)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [context.Process(target=_writer, args=(sqlite_url, station.id, w, results))
               for w in range(WRITERS)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert outcomes == ["ok"] * WRITERS
    with read_session(get_engine(sqlite_url)) as session:
        numbers = session.exec(select(Volunteer.number)).all()
    assert len(numbers) == len(set(numbers)) == WRITERS * REGISTRATIONS_EACH
