"""The demo station's service history: activities and service records from 2019-01 to 2022-08 whose
approved minutes total exactly 19,404,960 (the article's 323,416.0 hours), spread as real volunteering
is — a few people give most of the hours — plus pending, rejected, no-show and back-filled records.
Who may take which shift, and how many hours a day or a year, follows the volunteer's age (demo.ages).

The history (about a hundred thousand records) comes in through ``services.history.import_history``,
in bulk and as one line of the operation log, as a station's old ledger would.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from typing import NamedTuple

from sqlmodel import select

from station_kit import clock
from station_kit.demo import ages
from station_kit.demo.activities import FIRST_DAY, LAST_DAY, PlannedActivity, plan_history
from station_kit.models import (
    PartnerUnit,
    Post,
    Project,
    Room,
    Volunteer,
)
from station_kit.models.org import PartnerKind
from station_kit.models.work import RecordRole, RecordStatus
from station_kit.rules.calendar import is_backfill
from station_kit.services.context import vault_for
from station_kit.services.history import HistoryImported, PastActivity, PastRecord, import_history
from station_kit.services.rosters import activity_choices
from station_kit.services.scope import Scope
from station_kit.validation import age_on

APPROVED_MINUTES = 323_416 * 60  # the article's 323,416.0 hours
IDLE_SHARE = 0.06  # registered, but no approved service yet
PARETO_ALPHA = 0.9  # the 80/20 shape of who gives the hours
APPROVER = "站长"
EXTRA = {"pending": 320, "rejected": 140, "no_show": 110, "backfill": 180}
REJECT_REASONS = ("签到记录与活动名单不符", "重复申报", "时长超出活动实际时间")
BACKFILL_REASONS = ("纸质签到表事后录入", "系统维护期间未能及时录入", "活动负责人外出，返回后补录")


class Person(NamedTuple):
    id: int
    registered_at: dt.datetime
    birth_date: dt.date


def build_history(*, scope: Scope, station_id: int, rng: random.Random) -> HistoryImported:
    """Plan the history and bring it in through ``import_history`` (one line in the operation log)."""
    planned = plan_history(rng=rng, **_station_names(scope, station_id))
    session = scope.session
    vault = vault_for(session)
    volunteers = [Person(volunteer_id, registered_at, vault.decrypt_date(birth_cipher))
                  for volunteer_id, registered_at, birth_cipher in session.exec(
                      select(Volunteer.id, Volunteer.registered_at, Volunteer.birth_date_cipher)
                      .where(Volunteer.station_id == station_id).order_by(Volunteer.id)).all()]
    schedule = Schedule(_timetable(planned), {person.id: person.birth_date for person in volunteers})
    rows = _approved_records(rng, schedule, volunteers)
    _mark_backfills(rng, rows)
    rows += _extra_records(rng, schedule, volunteers)
    return import_history(scope=scope, station_id=station_id,
                          activities=_past_activities(scope, station_id, planned),
                          records=[PastRecord(**row) for row in rows])


def _station_names(scope: Scope, station_id: int) -> dict:
    session = scope.session
    posts = session.exec(select(Post).where(Post.station_id == station_id).order_by(Post.id)).all()
    post_names = {post.id: post.name for post in posts}
    projects_by_post: dict[str, list[str]] = defaultdict(list)
    for project in session.exec(select(Project).where(Project.station_id == station_id,
                                                      ~Project.is_brand).order_by(Project.id)).all():
        projects_by_post[post_names[project.post_id]].append(project.name)
    partners = session.exec(select(PartnerUnit.name).where(
        PartnerUnit.station_id == station_id,
        PartnerUnit.kind.in_([PartnerKind.co_building, PartnerKind.dual_report])).order_by(PartnerUnit.id)).all()
    enterprises = session.exec(select(PartnerUnit.name).where(
        PartnerUnit.station_id == station_id,
        PartnerUnit.kind == PartnerKind.caring_enterprise).order_by(PartnerUnit.id)).all()
    rooms = session.exec(select(Room.name).where(Room.station_id == station_id).order_by(Room.id)).all()
    return {"rooms": list(rooms), "posts": [post.name for post in posts], "partners": list(partners),
            "enterprises": list(enterprises), "projects_by_post": dict(projects_by_post)}


def _past_activities(scope: Scope, station_id: int, planned: list[PlannedActivity]) -> list[PastActivity]:
    """The planned activities with the ids of the station's rooms, posts, projects and partners."""
    choices = activity_choices(scope=scope, station_id=station_id)
    rooms, projects, posts, partners = (dict(named) for named in (choices.rooms, choices.projects, choices.posts,
                                                                  choices.partners))
    return [PastActivity(
        title=a.title, category=a.category, starts_at=a.starts_at, ends_at=a.ends_at, post_id=posts[a.post],
        project_id=projects.get(a.project), hall=a.hall, room_id=rooms.get(a.room), place=a.place,
        speaker=a.speaker, content=a.content, beneficiaries=a.beneficiaries, theme=a.theme,
        organiser="兴神路社区新时代文明实践站", person_in_charge="王秀英", series=a.series,
        partner_ids=tuple(partners[name] for name in a.partners)) for a in planned]


def _timetable(planned: list[PlannedActivity]) -> list[dict]:
    """Each activity by its place in the batch, with its times and the youngest who may serve at it."""
    school_days = ages.SchoolCalendar(range(FIRST_DAY.year, LAST_DAY.year + 1))
    return [{"index": index, "starts_at": a.starts_at, "ends_at": a.ends_at, "day": a.day, "minutes": a.minutes,
             "youngest": ages.youngest_for(post=a.post, day=a.day, ends=a.end, school_days=school_days)}
            for index, a in enumerate(planned)]


def _old_enough(age: int, activity: dict) -> bool:
    return age >= activity["youngest"]


class Schedule:
    """Each volunteer's booked time, so that no two records of one person overlap, and no one serves
    what their age keeps them from or more than their age allows in a day or a year (demo.ages)."""

    def __init__(self, activities: list[dict], birth_dates: dict[int, dt.date]):
        self.activities = activities
        self.birth_dates = birth_dates
        self.starts = [a["starts_at"] for a in activities]
        self.busy: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
        self.day_minutes: dict[tuple[int, dt.date], int] = defaultdict(int)
        self.year_minutes: dict[tuple[int, int], int] = defaultdict(int)
        self.year_most: dict[tuple[int, int], int] = {}  # ages.planned_minutes_a_year, once per person and year

    def first_index_after(self, moment: dt.datetime) -> int:
        return bisect.bisect_left(self.starts, moment)

    def may_serve(self, volunteer_id: int, activity: dict) -> bool:
        return _old_enough(age_on(self.birth_dates[volunteer_id], activity["day"]), activity)

    def try_book(self, volunteer_id: int, activity: dict, minutes: int) -> bool:
        """Book the volunteer at the activity if they may serve there for ``minutes``. Called a few hundred
        thousand times for the demo's history: the age is worked out once, and the year's most once a year."""
        birth_date, day = self.birth_dates[volunteer_id], activity["day"]
        age = age_on(birth_date, day)
        if not _old_enough(age, activity):
            return False
        key, year_key = (volunteer_id, day), (volunteer_id, day.year)
        if self.day_minutes[key] + minutes > ages.minutes_a_day_at(age):
            return False
        year_most = self.year_most.get(year_key)
        if year_most is None:
            year_most = self.year_most[year_key] = ages.planned_minutes_a_year(birth_date, day.year, volunteer_id)
        if self.year_minutes[year_key] + minutes > year_most:
            return False
        end = activity["starts_at"] + dt.timedelta(minutes=minutes)
        if any(start < end and activity["starts_at"] < stop for start, stop in self.busy[key]):
            return False
        self.busy[key].append((activity["starts_at"], end))
        self.day_minutes[key] += minutes
        self.year_minutes[year_key] += minutes
        return True


def most_minutes(person: Person) -> int:
    """The most a volunteer can have given by LAST_DAY: 4 h a day registered, within what each year of
    their age allows them (ages.planned_minutes_a_year)."""
    registered = clock.local(person.registered_at).date()
    total = 0
    for year in range(registered.year, LAST_DAY.year + 1):
        first, last = max(registered, dt.date(year, 1, 1)), min(LAST_DAY, dt.date(year, 12, 31))
        year_most = max((last - first).days, 0) * 4 * 60
        total += min(year_most, ages.planned_minutes_a_year(person.birth_date, year, person.id))
    return total


def _targets(rng: random.Random, volunteers: list[Person]) -> dict[int, int]:
    """Whole minutes per volunteer summing exactly to APPROVED_MINUTES: Pareto weights scaled by how long
    each has been registered, capped (most_minutes), the remainder shared by largest remainders."""
    end = dt.datetime.combine(LAST_DAY, dt.time(23, 59), tzinfo=clock.CHINA)
    weights = {}
    for person in volunteers:
        tenure_days = max((end - person.registered_at).days, 0)
        idle = rng.random() < IDLE_SHARE or tenure_days < 30
        weights[person.id] = 0.0 if idle else rng.paretovariate(PARETO_ALPHA) * tenure_days
    caps = {person.id: most_minutes(person) for person in volunteers}
    targets: dict[int, float] = {}
    remaining, open_ids = float(APPROVED_MINUTES), [v for v, w in weights.items() if w > 0]
    while remaining > 0.5 and open_ids:  # water-filling: whoever hits the cap passes the rest on
        total_weight = sum(weights[v] for v in open_ids)
        share = {v: remaining * weights[v] / total_weight for v in open_ids}
        capped = [v for v in open_ids if targets.get(v, 0) + share[v] >= caps[v]]
        if not capped:
            for v in open_ids:
                targets[v] = targets.get(v, 0) + share[v]
            break
        for v in capped:
            remaining -= caps[v] - targets.get(v, 0)
            targets[v] = caps[v]
        open_ids = [v for v in open_ids if v not in capped]
    whole = {v: int(m) for v, m in targets.items()}
    short = APPROVED_MINUTES - sum(whole.values())
    for v in sorted(targets, key=lambda v: targets[v] - whole[v], reverse=True)[:short]:
        whole[v] += 1
    return whole


def _approved_records(rng: random.Random, schedule: Schedule, volunteers: list[Person]) -> list[dict]:
    registered = {person.id: person.registered_at for person in volunteers}
    rows: list[dict] = []
    shortfall = 0
    targets = _targets(rng, volunteers)
    for volunteer_id, target in sorted(targets.items()):
        filled = _fill(rng, schedule, rows, volunteer_id, registered[volunteer_id], target)
        shortfall += target - filled
    # Whoever could not be fully booked: others who serve give the rest, each within what their age
    # allows (Schedule.try_book), so the total lands exactly without anyone passing their year's most.
    busy_people = sorted(volunteer_id for volunteer_id, target in targets.items() if target > 0)
    while shortfall > 0:
        volunteer_id = rng.choice(busy_people)
        shortfall -= _fill(rng, schedule, rows, volunteer_id, registered[volunteer_id], min(shortfall, 240))
    return rows


def _fill(rng, schedule: Schedule, rows: list[dict], volunteer_id: int, registered_at, target: int) -> int:
    """Book random activities after registration until ``target`` minutes; the last one is trimmed."""
    first = schedule.first_index_after(registered_at)
    if first >= len(schedule.activities) or target <= 0:
        return 0
    filled, attempts = 0, 0
    while filled < target and attempts < 40 * (target // 120 + 10):
        attempts += 1
        activity = schedule.activities[rng.randrange(first, len(schedule.activities))]
        minutes = min(activity["minutes"] - rng.choice((0, 0, 0, 0, 15, 30)), target - filled)
        if minutes > 0 and schedule.try_book(volunteer_id, activity, minutes):
            rows.append(_row(rng, volunteer_id, activity, minutes, RecordStatus.approved))
            filled += minutes
    return filled


def _row(rng, volunteer_id: int, activity: dict, minutes: int, status: RecordStatus, **fields) -> dict:
    entered_at = activity["ends_at"] + dt.timedelta(hours=rng.randint(1, 40))
    decided = status != RecordStatus.pending
    row = {
        "volunteer_id": volunteer_id, "activity": activity["index"],
        "role": RecordRole.leader if rng.random() < 0.06 else RecordRole.participant,
        "started_at": activity["starts_at"], "ended_at": activity["starts_at"] + dt.timedelta(minutes=minutes),
        "minutes": minutes, "status": status, "no_show": False, "is_backfill": False, "backfill_reason": "",
        "entered_at": entered_at, "entered_by": "社区工作人员",
        "decided_by": APPROVER if decided else "", "decision_reason": "",
        "decided_at": entered_at + dt.timedelta(hours=rng.randint(2, 30)) if decided else None,
    }
    row.update(fields)
    return row


def _extra_records(rng: random.Random, schedule: Schedule, volunteers: list[Person]) -> list[dict]:
    """Pending records (entered in late August 2022), rejected ones with the approver's reason, and
    no-shows (zero minutes). None of them counts towards the approved total."""
    rows: list[dict] = []
    kinds = (("pending", RecordStatus.pending, dt.datetime(2022, 8, 20, tzinfo=clock.CHINA), {}),
             ("rejected", RecordStatus.rejected, None, {}),
             ("no_show", RecordStatus.approved, None, {"no_show": True}))
    for kind, status, since, fields in kinds:
        made = 0
        while made < EXTRA[kind]:
            volunteer_id, registered_at, _ = rng.choice(volunteers)
            first = schedule.first_index_after(max(registered_at, since) if since else registered_at)
            if first >= len(schedule.activities):
                continue
            activity = schedule.activities[rng.randrange(first, len(schedule.activities))]
            minutes = 0 if fields.get("no_show") else activity["minutes"]
            if not (schedule.try_book(volunteer_id, activity, minutes) if minutes
                    else schedule.may_serve(volunteer_id, activity)):
                continue
            row = _row(rng, volunteer_id, activity, minutes, status, **fields)
            if kind == "rejected":
                row["decision_reason"] = rng.choice(REJECT_REASONS)
            rows.append(row)
            made += 1
    return rows


def _mark_backfills(rng: random.Random, approved: list[dict]) -> None:
    """Some approved records were entered weeks late (补录): flagged, with the enterer's and the
    approver's reasons. They still count: a back-fill is allowed, only flagged."""
    for row in rng.sample(approved, EXTRA["backfill"]):
        activity_day = clock.local(row["started_at"]).date()
        entered_day = activity_day + dt.timedelta(days=rng.randint(20, 45))
        row["entered_at"] = dt.datetime.combine(entered_day, dt.time(16, 30), tzinfo=clock.CHINA)
        row["decided_at"] = row["entered_at"] + dt.timedelta(days=1)
        row["is_backfill"] = is_backfill(activity_day, entered_day)
        row["backfill_reason"] = rng.choice(BACKFILL_REASONS)
        row["decision_reason"] = "已核对纸质签到表，情况属实"
