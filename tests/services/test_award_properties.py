"""Properties of every award round, on random small stations (hypothesis): the quota is never
exceeded, no ineligible candidate wins, a previous period's winner sits out under cooldown, ties
break in the documented order (checked against points worked out here from the raw records), and
the same data ranks the same. Each example is built in a transaction that is rolled back."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from station_kit import clock
from station_kit.db import get_engine, migrate
from station_kit.models import Activity, AwardRound, ServiceRecord, Station, Volunteer
from station_kit.models.awards import RoundStatus
from station_kit.models.work import ActivityTheme, RecordRole, RecordStatus, WorkTask
from station_kit.rules.awards import award_rules
from station_kit.services import awards
from station_kit.services.actor import Actor
from station_kit.services.scope import Scope
from tests.factories import READER

STAFF = Actor("测试")
THEMES = [None, *ActivityTheme]

records = st.lists(st.tuples(
    st.integers(0, 7),  # volunteer
    st.integers(0, 5),  # activity
    st.sampled_from([0, 30, 60, 120, 240, 360, 600]),  # minutes
    st.sampled_from([RecordStatus.approved] * 3 + [RecordStatus.pending, RecordStatus.rejected]),
    st.booleans(),  # leader
    st.integers(0, 9),  # 0 → a no-show
), max_size=40)
station_data = st.fixed_dictionaries({
    "registered": st.lists(st.integers(0, 3), min_size=8, max_size=8),  # days after 2021-01-01: ties happen
    "themes": st.lists(st.sampled_from(THEMES), min_size=6, max_size=6),
    "july": records,
    "august": records,
})


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('award-properties') / 'station.db'}"
    migrate(url)
    yield get_engine(url)
    get_engine.cache_clear()


def _build(session: Session, data: dict) -> tuple[int, list[int]]:
    station = Station(code=uuid.uuid4().hex[:8], name="性质测试社区")
    session.add(station)
    session.flush()
    people = []
    for n, days in enumerate(data["registered"]):
        volunteer = Volunteer(station_id=station.id, number=f"P{n}", name=f"志愿者{n}", gender="female",
                              birth_year=1980, birth_date_cipher="-", id_number_cipher="-",
                              id_number_hash=uuid.uuid4().hex, id_number_masked="****", consent_at=dt.date(2021, 1, 1),
                              registered_at=dt.datetime(2021, 1, 1 + days, 9, tzinfo=clock.CHINA))
        session.add(volunteer)
        session.flush()
        people.append(volunteer.id)
    for month, key in ((7, "july"), (8, "august")):
        activities = []
        for n, theme in enumerate(data["themes"]):
            start = dt.datetime(2022, month, 1 + n, 8, tzinfo=clock.CHINA)
            activity = Activity(station_id=station.id, title="活动", category=WorkTask.customs, starts_at=start,
                                ends_at=start + dt.timedelta(hours=10), theme=theme)
            session.add(activity)
            session.flush()
            activities.append(activity)
        for person, activity, minutes, status, leader, show in data[key]:
            no_show = show == 0
            session.add(ServiceRecord(
                station_id=station.id, volunteer_id=people[person], activity_id=activities[activity].id,
                started_at=activities[activity].starts_at, minutes=0 if no_show else minutes, status=status,
                role=RecordRole.leader if leader else RecordRole.participant, no_show=no_show))
    session.flush()
    return station.id, people


def _expected_order(data: dict, people: list[int], key: str, cooled: set[int]) -> list[tuple]:
    """The ranking worked out from the raw records with the default rules, independently of SQL."""
    rules = award_rules()
    level = rules.level("month")
    sums: dict[int, dict] = {}
    for person, activity, minutes, status, leader, show in data[key]:
        if status != RecordStatus.approved:
            continue
        figures = sums.setdefault(person, {"minutes": 0, "activities": set(), "led": 0, "no_shows": 0,
                                           "weighted": Decimal(0)})
        if show == 0:
            figures["no_shows"] += 1
            continue
        if minutes == 0:
            continue  # approved, yet no time served: not an activity taken part in, nor one led
        theme = data["themes"][activity]
        weight = Decimal(rules.theme_weight_percent[theme]) / 100 if theme else Decimal(1)
        figures["minutes"] += minutes
        figures["activities"].add(activity)
        figures["led"] += leader
        figures["weighted"] += minutes * weight
    order = []
    for person, figures in sums.items():
        hour_points = (figures["weighted"] * rules.points_per_hour / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)
        points = hour_points + figures["led"] * level.bonus_per_activity_led \
            - figures["no_shows"] * level.deduction_per_no_show
        eligible = (figures["minutes"] >= level.min_minutes and len(figures["activities"]) >= level.min_activities
                    and people[person] not in cooled)
        order.append((not eligible, -points, -figures["minutes"], -len(figures["activities"]),
                      data["registered"][person], people[person]))
    return sorted(order)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=station_data)
def test_every_round_respects_quota_eligibility_cooldown_and_tie_break(engine, data):
    rules = award_rules()
    level = rules.level("month")
    with Session(engine) as session:
        try:
            station_id, people = _build(session, data)
            july = awards.run_award_round(scope=Scope(session, STAFF), station_id=station_id, level="month",
                                          period="2022-07")
            final = session.get(AwardRound, july.id)  # made final as the workflow would, days later
            final.status = RoundStatus.final
            session.add(final)
            session.flush()
            july_winners = {e.name for e in awards.round_entries(scope=Scope(session, READER),
                                                                 round_id=july.id) if e.winner}
            august = awards.run_award_round(scope=Scope(session, STAFF), station_id=station_id, level="month",
                                            period="2022-08")
            session.flush()
            first = awards.ranking_document(scope=Scope(session, READER), round_id=august.id)
            ranking = awards.round_entries(scope=Scope(session, READER), round_id=august.id)
            winners = [e for e in ranking if e.winner]

            assert len(winners) <= level.quota
            assert all(e.eligible and e.breakdown["minutes"] >= level.min_minutes
                       and e.breakdown["activities"] >= level.min_activities for e in winners)
            assert not {e.name for e in winners} & july_winners  # cooldown: nobody wins two months running
            assert winners == [e for e in ranking if e.eligible][:level.quota]
            cooled = {people[int(name.removeprefix("志愿者"))] for name in july_winners}
            expected = _expected_order(data, people, "august", cooled)
            assert [f"志愿者{people.index(row[-1])}" for row in expected] == [e.name for e in ranking]
            assert [float(-row[1]) for row in expected] == [e.points for e in ranking]

            awards.run_award_round(scope=Scope(session, STAFF), station_id=station_id, level="month", period="2022-08")
            session.flush()
            assert awards.ranking_document(scope=Scope(session, READER), round_id=august.id) == first
            assert session.get(AwardRound, august.id).status == RoundStatus.draft
        finally:
            session.rollback()
