"""A street of stations for the roll-up notebook and its tests: the reference station 兴神路社区 first
(so that apps and ``station-kit tally`` keep serving it: services.org.current_station takes the
first station unless STATION_KIT_STATION names another), then smaller 社区 of 麟州街道.

The other stations are fictitious but plausible: from a few dozen to a few hundred volunteers, all
adults (no guardian rules to follow), registered from 2020 on, serving since 2021 in their posts'
weekly activities and a few lecture halls held with partner units. Organisation and people go
through the services staff use; activities and records are inserted in bulk, as the reference
history is, so that each station takes a second or two.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlmodel import Session

from station_kit import clock
from station_kit.clock import CHINA
from station_kit.demo import people
from station_kit.demo.activities import HALL_TASK, HALL_TOPICS, POST_TASK, SLOTS
from station_kit.demo.station import (
    DEMO_SEED,
    POSTS,
    REGISTERED_AT,
    build_reference_station,
    demo_scope,
    unit_name,
)
from station_kit.models import (
    Post,
    Project,
    Room,
    Squad,
    Team,
    VolunteerCreate,
)
from station_kit.models.org import PartnerKind, RoomKind
from station_kit.models.work import LectureHall, RecordStatus
from station_kit.services.history import PastActivity, PastRecord, import_history
from station_kit.services.org import add_partner_unit, add_unit, create_station
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer

# Real-sounding 社区 of 麟州街道 (the names are the demo's own), with their codes.
STATIONS = (("DXJ", "东兴街社区"), ("BHL", "滨河路社区"), ("ELS", "二郎山社区"), ("XCS", "新村社区"),
            ("BGS", "北关社区"), ("NGS", "南关社区"), ("XSS", "西沙社区"), ("LZL", "麟州路社区"),
            ("HSL", "铧山路社区"), ("YJC", "杨家城社区"), ("GCL", "广场路社区"))
SQUAD_FIELDS = ("理论宣讲", "助老扶幼", "环境美化", "文体活动", "平安建设", "卫生健康")
PARTNERS = (("神木市税务局", PartnerKind.co_building), ("神木市人民医院", PartnerKind.dual_report),
            ("神木市图书馆", PartnerKind.civilised), ("神木市爱心超市", PartnerKind.caring_enterprise),
            ("神木市第三中学", PartnerKind.co_building), ("麟州街道卫生院", PartnerKind.dual_report))
FIRST_REGISTRATION = dt.date(2020, 1, 1)
FIRST_DAY = dt.date(2021, 1, 1)
LAST_DAY = dt.date(2022, 8, 31)
FEWEST, MOST = 40, 400  # volunteers per station


def build_street(*, session: Session, stations: int, seed: int = DEMO_SEED) -> list[int]:
    """The reference station and ``stations - 1`` others of 麟州街道, from fixed seeds; their ids."""
    if not 1 <= stations <= len(STATIONS) + 1:
        raise ValueError(f"stations must be between 1 and {len(STATIONS) + 1}")
    scope = demo_scope(session)
    ids = [build_reference_station(scope=scope, seed=seed)]
    rng = random.Random(seed + 1)
    sizes = [rng.randint(FEWEST, MOST) for _ in range(stations - 1)]
    for (code, name), size in zip(STATIONS, sizes):
        ids.append(build_small_station(scope=scope, code=code, name=name, volunteers=size,
                                       rng=random.Random(f"{seed}-{code}")))
    return ids


def build_small_station(*, scope: Scope, code: str, name: str, volunteers: int, rng: random.Random) -> int:
    station = create_station(scope=scope, code=code, name=name, city="神木市", street="麟州街道",
                             address=f"陕西省榆林市神木市麟州街道{name}")
    sid = station.id

    def unit(model, unit_name_, **fields):
        return add_unit(scope=scope, model=model, station_id=sid, name=unit_name_, **fields)

    rooms = [unit(Room, room, kind=RoomKind.room).id for room in ("活动室", "培训室")]
    posts = [unit(Post, post) for post in rng.sample(POSTS, rng.randint(5, 9))]
    team = unit(Team, f"{name}新时代文明实践志愿服务队")
    squads = [unit(Squad, unit_name(field, "服务分队"), team_id=team.id)
              for field in SQUAD_FIELDS[:max(2, min(len(SQUAD_FIELDS), volunteers // 60))]]
    projects = {post.id: unit(Project, f"{post.name}·{name.removesuffix('社区')}", post_id=post.id,
                              is_brand=index < 2).id for index, post in enumerate(posts)}
    partners = [add_partner_unit(scope=scope, station_id=sid, name=partner, kind=kind,
                                 credit_code=None).id for partner, kind in rng.sample(PARTNERS, rng.randint(2, 4))]
    people_ids = _volunteers(scope, sid, name, volunteers, rng, team.id, squads)
    activities = _activities(rng, name, rooms, posts, projects, partners)
    import_history(scope=scope, station_id=sid, activities=activities, records=_records(rng, people_ids, activities))
    return sid


def _volunteers(scope, station_id, station_name, count, rng, team_id, squads) -> list[tuple[int, dt.date]]:
    """Register ``count`` adults; returns (id, registration day) each."""
    taken: set[str] = set()
    registered = []
    for _ in range(count):
        male = rng.random() < 0.42
        birth_date = people.birth_date_for_age(rng.randint(20, 72), rng, LAST_DAY)
        day = FIRST_REGISTRATION + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_REGISTRATION).days))
        data = VolunteerCreate(name=people.chinese_name(male=male, rng=rng),
                               id_number=people.resident_id(birth_date, male=male, rng=rng),
                               phone=people.mobile_phone(rng, taken), residence_area=station_name,
                               is_party_member=rng.random() < 0.3, team_id=team_id,
                               squad_id=rng.choice(squads).id, consent=True, consent_date=day)
        with clock.at(dt.datetime.combine(day, REGISTERED_AT, tzinfo=CHINA)):
            volunteer = register_volunteer(scope=scope, station_id=station_id, data=data,
                                           allow_similar=True)
        registered.append((volunteer.id, day))
    return registered


def _activities(rng, station_name, rooms, posts, projects, partners) -> list[PastActivity]:
    """Each post meets about weekly, and two or three halls monthly with a partner unit (one activity
    per room and slot a day, so no room is double-booked)."""
    halls = rng.sample(list(LectureHall), rng.randint(2, 3))
    planned = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        slots = iter(rng.sample([(room, slot) for room in rooms for slot in range(len(SLOTS))],
                                len(rooms) * len(SLOTS)))
        held = [(post, None) for post in posts if rng.random() < 1 / 7]
        if day.day == 10:
            held += [(None, hall) for hall in halls]
        for post, hall in held:
            room, slot = next(slots, (None, None))
            if room is None:
                break
            start, end = SLOTS[slot]
            topic = rng.choice(HALL_TOPICS[hall]) if hall else post.name
            category = HALL_TASK[hall] if hall else POST_TASK[post.name]
            beneficiaries = rng.randint(10, 60)
            speaker = people.chinese_name(male=rng.random() < 0.5, rng=rng) if hall else ""
            partner = rng.choice(partners) if hall else None
            planned.append(PastActivity(
                title=topic, category=category, hall=hall, project_id=projects[post.id] if post else None,
                post_id=post.id if post else None, organiser=f"{station_name}新时代文明实践站", room_id=room,
                starts_at=dt.datetime.combine(day, start, tzinfo=CHINA),
                ends_at=dt.datetime.combine(day, end, tzinfo=CHINA), content=f"{topic}志愿服务",
                beneficiaries=beneficiaries, speaker=speaker, partner_ids=(partner,) if partner else ()))
        day += dt.timedelta(days=1)
    return planned


def _records(rng, volunteers, activities: list[PastActivity]) -> list[PastRecord]:
    """A handful of registered volunteers serve each activity, no one twice in one slot; most records
    approved, those of the last fortnight still pending."""
    busy: set[tuple[int, dt.datetime]] = set()
    pending_from = dt.datetime.combine(LAST_DAY - dt.timedelta(days=14), dt.time(0), tzinfo=CHINA)
    rows = []
    for index, activity in enumerate(activities):
        starts, ends = activity.starts_at, activity.ends_at
        eligible = [vid for vid, day in volunteers if day <= starts.date()]
        for volunteer_id in rng.sample(eligible, min(len(eligible), rng.randint(2, 8))):
            if (volunteer_id, starts) in busy:
                continue
            busy.add((volunteer_id, starts))
            entered = ends + dt.timedelta(hours=rng.randint(1, 30))
            approved = starts < pending_from
            rows.append(PastRecord(
                activity=index, volunteer_id=volunteer_id, started_at=starts, ended_at=ends,
                minutes=int((ends - starts).total_seconds() // 60),
                status=RecordStatus.approved if approved else RecordStatus.pending, entered_at=entered,
                entered_by="社区工作人员", decided_by="站长" if approved else "",
                decided_at=entered + dt.timedelta(hours=6) if approved else None))
    return rows
