"""Scoring and ranking an award round (DESIGN.md §4 "Points for 时尚达人").

The sums come from the database in one GROUP BY per round (per volunteer, and per team and squad
for 先进集体); Python only orders the few hundred summed rows. Points are kept in tenths as whole
numbers, so the same data ranks the same on SQLite and PostgreSQL, run after run.

A volunteer's points in a period: approved minutes × points per hour / 60, an hour given to one of
the three themes weighted by its theme weight; plus a bonus per activity led, minus a deduction per
no-show. Only approved records count. The order is points, then the rules' tie-break (by default
more minutes, more activities, earlier registration, lower id). Eligible candidates come first, so
the winners are ranks 1 … quota and "the next candidate" is the next rank.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from sqlalchemy import and_, case, distinct, func, or_
from sqlmodel import Session, select

from station_kit import clock
from station_kit.models import Activity, ServiceRecord, Squad, Team, Volunteer
from station_kit.models.awards import SubjectKind
from station_kit.models.work import RecordRole, activity_of, approved_sql, served_sql
from station_kit.rules.awards import THEMES, TIE_BREAKS, AwardRules, LevelRules, Period


class Candidate(NamedTuple):  # a tuple: a city's round makes a hundred thousand of them
    kind: SubjectKind
    subject_id: int
    name: str
    unit: str
    points_tenths: int
    eligible: bool
    ineligible_reason: str
    order: tuple  # the sort key: lower ranks first
    breakdown: dict


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (both whole, denominator positive)."""
    return (2 * numerator + denominator) // (2 * denominator)


def period_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the period in China time."""
    start = dt.datetime.combine(period.first_day, dt.time(0), tzinfo=clock.CHINA)
    end = dt.datetime.combine(period.last_day + dt.timedelta(days=1), dt.time(0), tzinfo=clock.CHINA)
    return start, end


def volunteer_sums(session: Session, station_ids: Sequence[int], period: Period, rules: AwardRules):
    """A subquery: one row per volunteer of the stations with approved records in the period, and their sums."""
    start, end = period_bounds(period)
    record = ServiceRecord
    served = served_sql(record)
    minutes = case((served, record.minutes), else_=0)
    weight = case(*[(Activity.theme == theme, rules.theme_weight_percent[theme]) for theme in THEMES],
                  else_=100)
    themes = [func.sum(case((Activity.theme == theme, minutes), else_=0)).label(f"theme_{theme}")
              for theme in THEMES]
    return (
        select(record.station_id, record.volunteer_id,
               func.sum(minutes).label("minutes"),
               func.count(distinct(case((served, record.activity_id)))).label("activities"),
               func.sum(case((and_(served, record.role == RecordRole.leader), 1), else_=0)).label("led"),
               func.sum(case((record.no_show, 1), else_=0)).label("no_shows"),
               func.sum(minutes * weight).label("weighted"),
               *themes)
        .join(Activity, activity_of(record))
        .where(record.station_id.in_(station_ids), approved_sql(record),
               record.started_at >= start, record.started_at < end)
        .group_by(record.station_id, record.volunteer_id)
        .subquery()
    )


def points_tenths(rules: AwardRules, level: LevelRules, *, weighted: int, led: int, no_shows: int) -> dict:
    """The points of summed figures, in tenths: hours (theme-weighted), bonus, deduction, total."""
    hour_points = _half_up(int(weighted) * rules.points_per_hour * 10, 60 * 100)
    bonus = int(led) * level.bonus_per_activity_led * 10
    deduction = int(no_shows) * level.deduction_per_no_show * 10
    return {"hour_points": hour_points, "bonus_points": bonus, "deduction_points": deduction,
            "points": hour_points + bonus - deduction}


# What rank_volunteers reads of each candidate, in its select's order (the theme sums follow).
_RANKED_COLUMNS = ("id", "number", "name", "registered_at", "squad", "team", "station_id", "volunteer_id", "minutes",
                   "activities", "led", "no_shows", "weighted")


def rank_volunteers(session: Session, station_ids: Sequence[int], period: Period, rules: AwardRules,
                    level: LevelRules, *, cooled_down: Mapping[int, set[int]]) -> dict[int, list[Candidate]]:
    """Every active volunteer with approved records in the period, ranked, for each station: one pass over
    the stations' records (a street's or a city's rounds at once). ``cooled_down``: each station's
    volunteers who sit this round out."""
    sums = volunteer_sums(session, station_ids, period, rules)
    # Core rows, not ORM ones: a city's round ranks a hundred thousand candidates.
    result = session.connection().execute(
        select(Volunteer.id, Volunteer.number, Volunteer.name, Volunteer.registered_at,
               Squad.name.label("squad"), Team.name.label("team"), sums)
        .join(sums, sums.c.volunteer_id == Volunteer.id)
        .outerjoin(Squad, Squad.id == Volunteer.squad_id)
        .outerjoin(Team, Team.id == Volunteer.team_id)
        .where(Volunteer.active))
    # Each row unpacked once, as a tuple: a city's round ranks a hundred thousand candidates.
    assert list(result.keys()) == [*_RANKED_COLUMNS, *(f"theme_{theme}" for theme in THEMES)]
    ties = operator.itemgetter(*(TIE_BREAKS.index(key) for key in rules.tie_break))  # of the values below
    candidates: dict[int, list[Candidate]] = {station_id: [] for station_id in station_ids}
    for (volunteer_id, number, name, registered_at, squad, team, station_id, _, minutes, activities, led, no_shows,
         weighted, *themes) in result.all():
        minutes, activities = int(minutes), int(activities)
        points = points_tenths(rules, level, weighted=weighted, led=led, no_shows=no_shows)
        reason = ""
        if minutes < level.min_minutes:
            reason = "awards.ineligible.hours"
        elif activities < level.min_activities:
            reason = "awards.ineligible.activities"
        elif volunteer_id in cooled_down.get(station_id, ()):
            reason = "awards.ineligible.cooldown"
        registered = clock.local(_aware(registered_at))
        breakdown = {
            "number": number, "minutes": minutes, "activities": activities, "led": int(led),
            "no_shows": int(no_shows), "theme_minutes": dict(zip(THEMES, map(int, themes))),
            "registered_on": registered.date().isoformat(),
            "hour_points": points["hour_points"] / 10, "bonus_points": points["bonus_points"] / 10,
            "deduction_points": points["deduction_points"] / 10, "points": points["points"] / 10,
        }
        candidates[station_id].append(Candidate(
            SubjectKind.volunteer, volunteer_id, name, squad or team or "", points["points"], not reason, reason,
            (not reason, points["points"], *ties((-minutes, -activities, registered.isoformat(), volunteer_id))),
            breakdown))
    return {station_id: _ordered(ranked) for station_id, ranked in candidates.items()}


def rank_collectives(session: Session, station_id: int, period: Period, rules: AwardRules,
                     level: LevelRules) -> list[Candidate]:
    """Squads, and teams for their members in no squad, by points per member, then participation
    rate, then members.

    Each person counts once: in their squad, or in their team when they belong to no squad (a team
    whose members are all in squads is represented by its squads, not ranked beside them over the
    same people). Members are those on the roll at the end of the period: registered by then and not
    deactivated or merged away before it; someone who joined afterwards does not count."""
    sums = volunteer_sums(session, [station_id], period, rules)
    _, end = period_bounds(period)
    on_the_roll = and_(Volunteer.registered_at < end, Volunteer.merged_into_id.is_(None),
                       or_(Volunteer.active, Volunteer.deactivated_at >= end))
    candidates = []
    for kind, unit_model, membership in ((SubjectKind.team, Team, and_(Volunteer.team_id == Team.id,
                                                                       Volunteer.squad_id.is_(None))),
                                         (SubjectKind.squad, Squad, Volunteer.squad_id == Squad.id)):
        rows = session.exec(
            select(unit_model.id, unit_model.name,
                   func.count(Volunteer.id).label("members"),
                   func.count(case((sums.c.minutes > 0, Volunteer.id))).label("participants"),
                   func.coalesce(func.sum(sums.c.minutes), 0).label("minutes"),
                   func.coalesce(func.sum(sums.c.activities), 0).label("activities"),
                   func.coalesce(func.sum(sums.c.led), 0).label("led"),
                   func.coalesce(func.sum(sums.c.no_shows), 0).label("no_shows"),
                   func.coalesce(func.sum(sums.c.weighted), 0).label("weighted"))
            .outerjoin(Volunteer, and_(membership, on_the_roll))
            .outerjoin(sums, sums.c.volunteer_id == Volunteer.id)
            .where(unit_model.station_id == station_id)
            .group_by(unit_model.id, unit_model.name)
        ).all()
        for row in rows:
            members = int(row.members)
            if kind == SubjectKind.team and not members:
                continue  # all its people are in its squads, which are ranked
            points = points_tenths(rules, level, weighted=row.weighted, led=row.led, no_shows=row.no_shows)
            per_member = _half_up(points["points"], members) if members else 0
            participation = _half_up(1000 * int(row.participants), members) if members else 0  # per mille
            reason = ""
            if members < level.min_members:
                reason = "awards.ineligible.members"
            elif participation < level.min_participation_percent * 10:
                reason = "awards.ineligible.participation"
            breakdown = {
                "members": members, "participants": int(row.participants),
                "participation_percent": participation / 10, "minutes": int(row.minutes),
                "activities": int(row.activities), "led": int(row.led), "no_shows": int(row.no_shows),
                **{key: value / 10 for key, value in points.items()},
                "points_per_member": per_member / 10,
            }
            candidates.append(Candidate(
                kind=kind, subject_id=row.id, name=row.name, unit="", points_tenths=per_member,
                eligible=not reason, ineligible_reason=reason,
                order=(not reason, per_member, participation, members, kind == SubjectKind.team, -row.id),
                breakdown=breakdown))
    # Collectives order the other way round for ids: higher is better in every key of the tuple.
    return sorted(candidates, key=lambda candidate: candidate.order, reverse=True)


def _ordered(candidates: list[Candidate]) -> list[Candidate]:
    """Eligible first, more points first, then the tie-break keys ascending (already signed so)."""
    return sorted(candidates, key=lambda c: (not c.order[0], -c.order[1], *c.order[2:]))


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive UTC from a raw column in a joined select."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
