"""A city of practice stations on PostgreSQL, for `make bench-city` (DESIGN.md §10, §12): 麟州街道 first
(the reference station and its eleven neighbours, as `demo --stations 12` builds them), then the
stations of 神木市's other streets and towns, about 100,000 service records a station in all, so that 200
stations hold about 20 million.

Each city station differs: from a few dozen to a thousand volunteers, all adults, serving since a year
between 2014 and 2020, in the posts it chose and their projects under the names a station writes. Its
organisation goes through the services staff use; its register and its years of history come in
through the bulk use cases a station moving from another system would use (services.history), which
load by COPY on PostgreSQL, one transaction per station. A few people give most of the hours, as
everywhere; the records of the last fortnight are still pending, a few were refused or no-shows.
Each station also has grids in proportion to its people and a year of residents, wishes, orders and grid
cases as the reference station has them a grid, brought in as its old ledgers (demo.community); then
the reference station's award calendar runs at every station, each round computed for all at once and
put to 公示 and made final on its days.

SQLite serves one station or a street, not a city: the command refuses more than a street there.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from station_kit import clock
from station_kit.clock import CHINA
from station_kit.db import read_session, write_session
from station_kit.demo import people
from station_kit.demo.activities import HALL_TASK, HALL_TOPICS, POST_TASK, SLOTS
from station_kit.demo.awards import award_calendar, run_calendar_rounds
from station_kit.demo.community import ORDERS, WISHES, import_community
from station_kit.demo.station import (
    DEMO_SEED,
    GRID_COUNT,
    POST_PROJECTS,
    POSTS,
    REGISTERED_AT,
    add_grids,
    demo_scope,
    unit_name,
)
from station_kit.demo.street import PARTNERS, SQUAD_FIELDS, STATIONS, build_street
from station_kit.models import Post, Project, Room, ServiceRecord, Squad, Station, Team, Volunteer, VolunteerCreate
from station_kit.models.org import RoomKind
from station_kit.models.work import LectureHall, RecordRole, RecordStatus
from station_kit.rules.awards import parse_period
from station_kit.services.history import PastActivity, PastRecord, PastVolunteer, import_history, import_volunteers
from station_kit.services.org import add_partner_unit, add_unit, create_station
from station_kit.services.scope import Scope

STREET_STATIONS = len(STATIONS) + 1  # 麟州街道, built as `demo --stations 12`
RECORDS_PER_STATION = 100_000
FEWEST, MOST = 30, 1_000  # volunteers per city station
FIRST_YEARS = range(2014, 2021)
LAST_DAY = dt.date(2022, 8, 31)
PENDING_DAYS = 14  # the last fortnight's records are not yet approved
GROUP = (3, 12)  # volunteers at one activity
HEAVIEST = 8.0  # the most one person's share of a station's activities may be, times the average
VOLUNTEERS_PER_GRID = 58  # as at the reference station: 755 volunteers in 13 grids
# 神木市's other streets and towns; a town's stations are villages as often as 社区.
STREETS = ("滨河新区街道", "西沙街道", "迎宾路街道", "永兴街道", "大柳塔镇", "店塔镇", "孙家岔镇", "锦界镇",
           "高家堡镇", "中鸡镇", "尔林兔镇", "沙峁镇", "贺家川镇", "万镇", "马镇", "花石崖镇", "栏杆堡镇",
           "太和寨镇", "大保当镇")
NAME_FIRST = "东西南北新康福瑞锦金盛兴安泰宏华阳青丽佳润祥文和丰永长乐昌明"
NAME_SECOND = "华苑园湾兴安丰泰盛和平康宁阳光明乐泉峰"
ROOMS = ("活动室", "培训室", "会议室", "图书室", "多功能厅")
OUTDOORS = ("小区广场", "社区文化广场", "居民楼院", "社区服务大厅门前")


class CityStation(NamedTuple):
    code: str
    name: str
    street: str
    volunteers: int
    first_year: int


@dataclass(frozen=True)
class CityProgress:
    stations: int  # built so far, the street's included
    of_stations: int
    records: int  # service records written so far by the city's own stations
    of_records: int  # written so far and planned for the stations still to come
    seconds: float


def plan_city(stations: int, seed: int = DEMO_SEED) -> list[CityStation]:
    """The stations after the street, up to ``stations`` in all: names, sizes and first years."""
    rng = random.Random(f"{seed}-city")
    taken = {name for _, name in STATIONS} | {"兴神路社区"}
    planned = []
    for index in range(STREET_STATIONS + 1, stations + 1):
        street = STREETS[(index - STREET_STATIONS - 1) % len(STREETS)]
        while True:
            first, second = rng.choice(NAME_FIRST), rng.choice(NAME_SECOND)
            kind = "村" if street.endswith("镇") and rng.random() < 0.5 else "社区"
            name = f"{first}{second}{kind}"
            if first != second and name not in taken:
                break
        taken.add(name)
        volunteers = rng.randint(FEWEST, MOST)
        planned.append(CityStation(f"SM{index:03d}", name, street, volunteers, rng.choice(FIRST_YEARS)))
    return planned


def build_city(*, engine: Engine, stations: int, seed: int = DEMO_SEED,
               records_per_station: int = RECORDS_PER_STATION,
               on_progress: Callable[[CityProgress], None] = lambda progress: None,
               on_award_round: Callable[[int, int], None] = lambda done, of: None) -> list[int]:
    """The street (one transaction), then each city station in its own, then the award calendar at every
    station but the reference one (which ran its own); the stations' ids."""
    started = time.monotonic()
    with write_session(engine) as session:
        ids = build_street(session=session, stations=min(stations, STREET_STATIONS), seed=seed)
        street_records = session.exec(select(func.count()).select_from(ServiceRecord)).one()
    for station_id in ids[1:]:  # the street's other stations, which `demo --stations 12` leaves without
        with write_session(engine) as session:
            scope = demo_scope(session)
            code = session.get(Station, station_id).code
            volunteers = session.exec(select(func.count()).where(Volunteer.station_id == station_id)).one()
            build_community_of(scope=scope, station_id=station_id, volunteers=volunteers,
                               rng=random.Random(f"{seed}-{code}-community"))
    planned = plan_city(stations, seed)
    rate = _records_per_volunteer_year(planned, records_per_station * stations - street_records)
    ids += build_city_stations(engine=engine, planned=planned, rate=rate, seed=seed, built=len(ids),
                               started=started, on_progress=on_progress)
    award_city(engine=engine, station_ids=ids[1:], on_round=on_award_round)
    _analyze(engine, "awardround", "awardentry")
    return ids


def build_city_stations(*, engine: Engine, planned: list[CityStation], rate: float, seed: int = DEMO_SEED,
                        built: int = 0, started: float | None = None,
                        on_progress: Callable[[CityProgress], None] = lambda progress: None) -> list[int]:
    """The city's own stations at ``rate`` records a volunteer-year, each in its transaction, after
    ``built`` others; their ids."""
    started = time.monotonic() if started is None else started
    expected = [round(rate * _volunteer_years(station)) for station in planned]
    ids: list[int] = []
    records = 0
    on_progress(CityProgress(built, built + len(planned), records, sum(expected), time.monotonic() - started))
    for number, station in enumerate(planned, start=1):
        with write_session(engine) as session:
            station_id, written = build_city_station(scope=demo_scope(session), station=station, rate=rate,
                                                     rng=random.Random(f"{seed}-{station.code}"))
        ids.append(station_id)
        records += written
        # what is written so far and what the stations still to come should write: the end is exact
        on_progress(CityProgress(built + len(ids), built + len(planned), records, records + sum(expected[number:]),
                                 time.monotonic() - started))
    _analyze(engine)  # the planner's statistics, for tables that grew a hundredfold
    return ids


def _analyze(engine: Engine, *tables: str) -> None:
    with engine.connect() as connection:
        connection.execute(text(f"ANALYZE {', '.join(tables)}"))
        connection.commit()


def _volunteer_years(station: CityStation) -> float:
    """Years of registered service the station's people have between them by LAST_DAY (registrations
    fall evenly from its first year on, so on average half its years each)."""
    years = (LAST_DAY - dt.date(station.first_year, 1, 1)).days / 365.25
    return station.volunteers * years / 2


def _records_per_volunteer_year(planned: list[CityStation], records: int) -> float:
    """The rate that gives the city's stations ``records`` between them."""
    volunteer_years = sum(_volunteer_years(station) for station in planned)
    return max(records, 0) / volunteer_years if volunteer_years else 0.0


def build_city_station(*, scope: Scope, station: CityStation, rate: float, rng: random.Random) -> tuple[int, int]:
    """One city station with its people and history at about ``rate`` records a volunteer-year; its id and
    how many service records it holds."""
    sid = create_station(scope=scope, code=station.code, name=station.name, city="神木市", street=station.street,
                         address=f"陕西省榆林市神木市{station.street}{station.name}").id

    def unit(model, name, **fields):
        return add_unit(scope=scope, model=model, station_id=sid, name=name, **fields)

    rooms = [unit(Room, room, kind=RoomKind.room).id for room in rng.sample(ROOMS, rng.randint(2, len(ROOMS)))]
    posts = [unit(Post, post) for post in rng.sample(POSTS, rng.randint(5, len(POSTS)))]
    projects = {post.id: [unit(Project, name, post_id=post.id, is_brand=rng.random() < 0.15).id
                          for name in rng.sample(POST_PROJECTS[post.name], rng.randint(2, 5))] for post in posts}
    teams = [unit(Team, name) for name in (f"{station.name}新时代文明实践志愿服务队", f"{station.name}党员先锋志愿服务队")
             [:1 + (station.volunteers > 200)]]
    fields = rng.sample(SQUAD_FIELDS, rng.randint(2 * len(teams), len(SQUAD_FIELDS)))
    squads = [(team.id, unit(Squad, unit_name(field, "服务分队"), team_id=team.id).id)
              for field, team in zip(fields, itertools.cycle(teams))]
    partners = [add_partner_unit(scope=scope, station_id=sid, name=partner, kind=kind, credit_code=None).id
                for partner, kind in rng.sample(PARTNERS, rng.randint(2, len(PARTNERS)))]
    volunteers = _register(scope, sid, station, rng, squads, posts)
    written = 0
    for year in range(station.first_year, LAST_DAY.year + 1):
        activities, records = _year(rng, station, year, rate, volunteers, rooms, posts, projects, partners)
        if activities:
            written += import_history(scope=scope, station_id=sid, activities=activities, records=records).records
    build_community_of(scope=scope, station_id=sid, volunteers=station.volunteers, rng=rng)
    return sid, written


def build_community_of(*, scope: Scope, station_id: int, volunteers: int, rng: random.Random) -> None:
    """Grids in proportion to the station's volunteers, as the reference station has them, each with a
    小管家 of every role; and its year of residents, wishes, orders and grid cases, so many a grid as the
    reference station's (demo.community)."""
    grids = max(1, round(volunteers / VOLUNTEERS_PER_GRID))
    add_grids(scope, lambda model, name, **fields: add_unit(scope=scope, model=model, station_id=station_id,
                                                            name=name, **fields), station_id, rng, grids)
    import_community(scope=scope, station_id=station_id, rng=rng, wishes=round(WISHES * grids / GRID_COUNT),
                     orders=round(ORDERS * grids / GRID_COUNT))


def award_city(*, engine: Engine, station_ids: list[int],
               on_round: Callable[[int, int], None] = lambda done, of: None) -> int:
    """The award calendar (demo.awards) at every station given, round by round: each round computed for
    all of them at once, then put to 公示 and finalised on its days, one transaction a round. A station
    takes part in each period in which it had begun to serve. Returns how many rounds were made final."""
    with read_session(engine) as session:
        first_served = dict(session.exec(
            select(ServiceRecord.station_id, func.min(ServiceRecord.started_at))
            .where(ServiceRecord.station_id.in_(station_ids)).group_by(ServiceRecord.station_id)).all())
    calendar = [(level, period) for level, periods in award_calendar().items() for period in sorted(periods)]
    finals = 0
    for done, (level, period) in enumerate(calendar, start=1):
        last_day = parse_period(level, period).last_day
        taking_part = [station_id for station_id in station_ids
                       if station_id in first_served and clock.local(first_served[station_id]).date() <= last_day]
        if taking_part:
            with write_session(engine) as session:
                finals += len(run_calendar_rounds(scope=demo_scope(session), station_ids=taking_part,
                                                  level=level, period=period))
        on_round(done, len(calendar))
    return finals


class Registered(NamedTuple):
    ids: list[int]  # by registration
    days: list[dt.date]
    weights: list[float]  # cumulative: how much more some people serve than others


def _register(scope, station_id, station: CityStation, rng, squads, posts) -> Registered:
    first_day = dt.date(station.first_year, 1, 1)
    days = sorted(first_day + dt.timedelta(days=rng.randrange((LAST_DAY - first_day).days - 30))
                  for _ in range(station.volunteers))
    phones: set[str] = set()
    numbers: set[str] = set()
    past = []
    for day in days:
        male = rng.random() < 0.42
        birth_date = people.birth_date_for_age(rng.randint(20, 72), rng, LAST_DAY)
        while (id_number := people.resident_id(birth_date, male=male, rng=rng)) in numbers:
            pass
        numbers.add(id_number)
        team_id, squad_id = rng.choice(squads)
        past.append(PastVolunteer(VolunteerCreate(
            name=people.chinese_name(male=male, rng=rng), id_number=id_number, phone=people.mobile_phone(rng, phones),
            residence_area=station.name, is_party_member=rng.random() < 0.3, team_id=team_id,
            squad_id=squad_id, post_ids=[rng.choice(posts).id], consent=True, consent_date=day),
            dt.datetime.combine(day, REGISTERED_AT, tzinfo=CHINA)))
    with clock.at(dt.datetime.combine(LAST_DAY, REGISTERED_AT, tzinfo=CHINA)):
        ids = import_volunteers(scope=scope, station_id=station_id, volunteers=past)
    weights = list(itertools.accumulate(min(rng.paretovariate(1.5), HEAVIEST) for _ in ids))
    return Registered(ids, days, weights)


def _year(rng, station, year, rate, volunteers: Registered, rooms, posts, projects, partners):
    """The station's activities of ``year`` and who served at each: each day, activities of its posts
    (in its rooms' slots, then outdoors) until that day's share of records is planned; a lecture hall
    on the 10th of each month, held with a partner unit."""
    halls = rng.sample(list(LectureHall), 2)
    activities: list[PastActivity] = []
    records: list[PastRecord] = []
    pending_from = LAST_DAY - dt.timedelta(days=PENDING_DAYS)
    day = dt.date(year, 1, 1)
    while day <= min(LAST_DAY, dt.date(year, 12, 31)):
        registered = bisect.bisect_right(volunteers.days, day - dt.timedelta(days=1))
        due = rng.random() + rate * registered / 365.25
        slots = rng.sample([(room, slot) for room in rooms for slot in range(len(SLOTS))], len(rooms) * len(SLOTS))
        held: list = list(halls) if day.day == 10 and registered else []  # a hall, or a post's activity
        while registered and due >= 1:
            held.append(rng.choice(posts))
            due -= sum(GROUP) / 2
        busy: set[tuple[int, dt.datetime]] = set()  # no one serves at two activities at once
        for number, held_for in enumerate(held):
            hall, post = (held_for, None) if isinstance(held_for, LectureHall) else (None, held_for)
            hall = halls[number] if post is None else None
            room, slot = slots[number] if number < len(slots) else (None, rng.randrange(len(SLOTS)))
            start, end = SLOTS[slot]
            topic = rng.choice(HALL_TOPICS[hall]) if hall else rng.choice(POST_PROJECTS[post.name])
            activity = PastActivity(
                title=topic, category=HALL_TASK[hall] if hall else POST_TASK[post.name], hall=hall,
                post_id=post.id if post else None, project_id=rng.choice(projects[post.id]) if post else None,
                room_id=room, place="" if room else rng.choice(OUTDOORS), organiser=f"{station.name}新时代文明实践站",
                starts_at=dt.datetime.combine(day, start, tzinfo=CHINA),
                ends_at=dt.datetime.combine(day, end, tzinfo=CHINA), content=f"{topic}志愿服务",
                beneficiaries=rng.randint(10, 80), partner_ids=(rng.choice(partners),) if hall else ())
            records += _served(rng, len(activities), activity, volunteers, registered, busy, day >= pending_from)
            activities.append(activity)
        day += dt.timedelta(days=1)
    return activities, records


def _served(rng, index: int, activity: PastActivity, volunteers: Registered, registered: int,
            busy: set[tuple[int, dt.datetime]], pending: bool) -> list[PastRecord]:
    """The records of one activity: a group drawn from those registered before its day and free at its
    time, the ones who serve more drawn more often."""
    total = volunteers.weights[registered - 1]
    drawn = {volunteers.ids[bisect.bisect_left(volunteers.weights, rng.random() * total)]
             for _ in range(rng.randint(*GROUP))}
    chosen = [volunteer_id for volunteer_id in sorted(drawn) if (volunteer_id, activity.starts_at) not in busy]
    busy.update((volunteer_id, activity.starts_at) for volunteer_id in chosen)
    length = int((activity.ends_at - activity.starts_at).total_seconds() // 60)
    rows = []
    for volunteer_id in chosen:
        entered = activity.ends_at + dt.timedelta(hours=rng.randint(1, 30))
        fate = rng.random()
        status = (RecordStatus.pending if pending else RecordStatus.rejected if fate < 0.01
                  else RecordStatus.approved)
        no_show = status == RecordStatus.approved and fate > 0.985
        minutes = 0 if no_show else length - rng.choice((0, 0, 0, 15, 30))
        decided = status != RecordStatus.pending
        rows.append(PastRecord(
            activity=index, volunteer_id=volunteer_id, started_at=activity.starts_at,
            ended_at=activity.starts_at + dt.timedelta(minutes=minutes), minutes=minutes, status=status,
            entered_at=entered, entered_by="社区工作人员", no_show=no_show,
            role=RecordRole.leader if rng.random() < 0.06 else RecordRole.participant,
            decided_by="站长" if decided else "", decided_at=entered + dt.timedelta(hours=6) if decided else None,
            decision_reason="签到记录与活动名单不符" if status == RecordStatus.rejected else ""))
    return rows
