"""Award rounds: points from approved records only, the documented tie-break, quota and eligibility,
draft → 公示 → final with objections, refusals of every illegal move, and the operation log."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import select

from station_kit import clock
from station_kit.db import read_session, write_session
from station_kit.errors import DomainError
from station_kit.models import Activity, AuditEvent, AwardRound, ServiceRecord
from station_kit.models.work import ActivityTheme, RecordRole, RecordStatus, WorkTask
from station_kit.services import awards
from station_kit.services.actor import Actor, Role
from station_kit.services.scope import Scope
from station_kit.services.volunteers import deactivate_volunteer, register_volunteer
from tests.factories import READER, volunteer_data

STAFF = Actor("王干事")
ADMIN = Actor("李站长", Role.admin)
AUGUST = dt.date(2022, 8, 1)


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2022, 8, day, hour, tzinfo=clock.CHINA)


def add_activity(session, station_id, day, *, theme=None) -> int:
    activity = Activity(station_id=station_id, title="测试活动", category=WorkTask.customs, starts_at=at(day),
                        ends_at=at(day, 17), theme=theme)
    session.add(activity)
    session.flush()
    return activity.id


def serve(session, station_id, volunteer_id, activity_id, minutes, *, status=RecordStatus.approved,
          role=RecordRole.participant, no_show=False):
    activity = session.get(Activity, activity_id)
    session.add(ServiceRecord(station_id=station_id, volunteer_id=volunteer_id, activity_id=activity_id,
                              started_at=activity.starts_at, minutes=0 if no_show else minutes,
                              status=status, role=role, no_show=no_show))


@pytest.fixture
def team(engine, station):
    """Seven volunteers registered a day apart, in this order."""
    ids = []
    with write_session(engine) as session:
        for n, name in enumerate(("张伟", "李娜", "王芳", "刘洋", "陈静", "杨帆", "赵磊")):
            with clock.at(dt.datetime(2021, 1, 1 + n, 9, tzinfo=clock.CHINA)):
                volunteer = register_volunteer(scope=Scope(session, STAFF), station_id=station.id,
                                               data=volunteer_data(name=name, squad_id=station.squad_ids[0],
                                                                   team_id=station.team_id))
            ids.append(volunteer.id)
    return ids


@pytest.fixture
def august(engine, station, team):
    """An August in which the ranking is known by hand (10 points an hour, themes × 1.2, +5 per activity
    led, −10 per no-show; a month's winners need 10 h in 2 activities)."""
    with write_session(engine) as session:
        plain = [add_activity(session, station.id, day) for day in (1, 2, 3, 4)]
        themed = add_activity(session, station.id, 5, theme=ActivityTheme.neighbourly)
        zhang, li, wang, liu, chen, yang, zhao = team
        # 张伟: 6 h + 6 h = 120 points, led one (+5) = 125.
        serve(session, station.id, zhang, plain[0], 360, role=RecordRole.leader)
        serve(session, station.id, zhang, plain[1], 360)
        # 李娜: 10 h themed (×1.2 = 120) + 2 h = 140, one no-show (−10) = 130; a pending 5 h does not count.
        serve(session, station.id, li, themed, 600)
        serve(session, station.id, li, plain[0], 120)
        serve(session, station.id, li, plain[2], 0, no_show=True)
        serve(session, station.id, li, plain[3], 300, status=RecordStatus.pending)
        # 王芳 and 刘洋: 12.5 h each in 2 activities = 125 points without a bonus: they tie with 张伟 on
        # points and have more minutes (750 > 720).
        for person in (wang, liu):
            serve(session, station.id, person, plain[0], 375)
            serve(session, station.id, person, plain[1], 375)
        # 陈静: 20 h in one activity: enough hours, too few activities; rejected hours never count.
        serve(session, station.id, chen, plain[2], 1200)
        serve(session, station.id, chen, plain[3], 600, status=RecordStatus.rejected)
        # 杨帆: 3 h in 3 activities: too few hours.
        for activity in plain[:3]:
            serve(session, station.id, yang, activity, 60)
        # 赵磊: 10 h, 2 activities = 100 points, just eligible.
        serve(session, station.id, zhao, plain[0], 300)
        serve(session, station.id, zhao, plain[1], 300)
    return team


def run(engine, station, level="month", period="2022-08", actor=STAFF):
    with write_session(engine) as session:
        return awards.run_award_round(scope=Scope(session, actor), station_id=station.id, level=level, period=period).id


def entries(engine, round_id):
    with read_session(engine) as session:
        return awards.round_entries(scope=Scope(session, READER), round_id=round_id)


def test_a_round_ranks_every_candidate_by_points_then_the_documented_tie_break(engine, station, august):
    ranking = entries(engine, run(engine, station))
    assert [(e.name, e.points, e.winner) for e in ranking] == [
        ("李娜", 130.0, True),
        ("王芳", 125.0, True),  # 王芳 and 刘洋 tie with 张伟 on points and have more minutes;
        ("刘洋", 125.0, True),  # between themselves they tie on everything but registration (王芳 first)
        ("张伟", 125.0, True),
        ("赵磊", 100.0, True),
        ("陈静", 200.0, False),  # ineligible candidates come after the eligible ones, with the reason
        ("杨帆", 30.0, False),
    ]
    li = ranking[0].breakdown
    assert (li["minutes"], li["activities"], li["no_shows"], li["theme_minutes"]["neighbourly"]) == (720, 2, 1, 600)
    assert (li["hour_points"], li["deduction_points"]) == (140.0, 10.0)
    assert ranking[3].breakdown["bonus_points"] == 5.0
    assert [e.ineligible_reason for e in ranking[5:]] == ["awards.ineligible.activities", "awards.ineligible.hours"]


def test_analysts_get_every_candidate_of_a_round_with_pinned_columns(engine, station, august):
    from station_kit import analytics

    run(engine, station)
    frame = analytics.awards(engine)
    assert list(frame.columns) == list(analytics.COLUMNS["awards"])
    assert {column: frame[column].dtype for column in frame.columns} == analytics.COLUMNS["awards"]
    assert list(zip(frame["name"], frame["points"], frame["winner"])) == [
        ("李娜", 130.0, True), ("王芳", 125.0, True), ("刘洋", 125.0, True), ("张伟", 125.0, True),
        ("赵磊", 100.0, True), ("陈静", 200.0, False), ("杨帆", 30.0, False)]
    assert set(frame["round_status"]) == {"draft"} and frame["finalised_at"].isna().all()
    chinese = analytics.awards(engine, headers="zh")
    assert chinese["评选类别"].iloc[0] == "月度时尚达人" and chinese["积分"].iloc[0] == 130.0


def test_the_quota_caps_the_winners(engine, station, august, tmp_path, monkeypatch):
    from station_kit.rules import load_rules

    (tmp_path / "award_rules.toml").write_text("[levels.month]\nquota = 2\n")
    monkeypatch.setenv("STATION_KIT_RULES_DIR", str(tmp_path))
    load_rules.cache_clear()
    try:
        round_id = run(engine, station)
        assert [e.name for e in entries(engine, round_id) if e.winner] == ["李娜", "王芳"]
        with read_session(engine) as session:
            stored = session.get(AwardRound, round_id)
            assert stored.quota == 2 and json.loads(stored.rules_json)["levels"]["month"]["quota"] == 2
    finally:
        monkeypatch.delenv("STATION_KIT_RULES_DIR")
        load_rules.cache_clear()
    with read_session(engine) as session:
        assert session.get(AwardRound, round_id).rules_hash != awards.award_rules().hash


def test_a_draft_re_run_on_the_same_data_ranks_the_same(engine, station, august):
    round_id = run(engine, station)
    with read_session(engine) as session:
        first = awards.ranking_document(scope=Scope(session, READER), round_id=round_id)
    assert run(engine, station) == round_id
    with read_session(engine) as session:
        assert awards.ranking_document(scope=Scope(session, READER), round_id=round_id) == first


def test_a_collective_ranks_teams_and_squads_by_points_per_member(engine, station, august):
    ranking = entries(engine, run(engine, station, level="collective", period="2022"))
    by_name = {e.name: e for e in ranking}
    squad = by_name["第1分队"]
    assert squad.breakdown["members"] == 7 and squad.breakdown["participants"] == 7
    # Everyone's points: 130 + 125 × 3 + 100 + 200 + 30 = 835, over 7 members.
    assert squad.points == 119.3 and squad.eligible
    assert not by_name["第2分队"].eligible  # no members
    # Everyone of the team is in its squad: the team is not ranked beside it over the same people.
    assert "测试服务队" not in by_name
    lines = dict(awards.breakdown_lines(squad))
    assert lines["参加活动（人次）"] == f"{squad.breakdown['activities']:,}"


def test_a_collective_counts_each_person_once_and_its_roll_at_the_period_s_end(engine, station, august, team):
    """A team member in no squad counts for the team alone; someone who joined after the period, or
    left before its end, is not a member of that period's collective."""
    with write_session(engine) as session:
        with clock.at(dt.datetime(2021, 3, 1, 9, tzinfo=clock.CHINA)):
            register_volunteer(scope=Scope(session, STAFF), station_id=station.id,
                               data=volunteer_data(name="周敏", team_id=station.team_id))
            gone = register_volunteer(scope=Scope(session, STAFF), station_id=station.id,
                                      data=volunteer_data(name="郑洁", squad_id=station.squad_ids[0],
                                                          team_id=station.team_id))
        with clock.at(dt.datetime(2023, 1, 5, 9, tzinfo=clock.CHINA)):  # after the year 2022
            register_volunteer(scope=Scope(session, STAFF), station_id=station.id,
                               data=volunteer_data(name="吴昊", squad_id=station.squad_ids[0],
                                                   team_id=station.team_id))
        with clock.at(dt.datetime(2022, 6, 30, 9, tzinfo=clock.CHINA)):
            deactivate_volunteer(scope=Scope(session, STAFF), volunteer_id=gone.id, reason="搬离本社区")
    by_name = {e.name: e for e in entries(engine, run(engine, station, level="collective", period="2022"))}
    assert by_name["第1分队"].breakdown["members"] == 7  # 吴昊 joined later, 郑洁 left in June
    assert by_name["测试服务队"].breakdown["members"] == 1  # 周敏, in no squad
    assert by_name["测试服务队"].breakdown["participants"] == 0


def publish(engine, round_id, on: dt.date, monkeypatch, actor=STAFF):
    monkeypatch.setattr(clock, "today", lambda: on)
    with write_session(engine) as session:
        return awards.publish_round(scope=Scope(session, actor), round_id=round_id)


def refused(engine, call, **kwargs) -> list[str]:
    with pytest.raises(DomainError) as error:
        with write_session(engine) as session:
            call(scope=Scope(session, kwargs.pop("actor")), **kwargs)
    return error.value.keys()


def test_publicity_objection_upheld_promotes_the_next_candidate_and_only_an_admin_finalises(
        engine, station, august, monkeypatch):
    round_id = run(engine, station)
    monkeypatch.setattr(clock, "today", lambda: dt.date(2022, 8, 31))
    assert refused(engine, awards.publish_round, round_id=round_id, actor=STAFF) == ["awards.period_not_over"]
    published = publish(engine, round_id, dt.date(2022, 9, 1), monkeypatch)
    # Thursday 1 September 2022: five working days are 1, 2, 5, 6 and 7 September.
    assert (published.published_on, published.publicity_ends_on) == (dt.date(2022, 9, 1), dt.date(2022, 9, 7))
    ranking = entries(engine, round_id)
    zhao = next(e for e in ranking if e.name == "赵磊")
    chen = next(e for e in ranking if e.name == "陈静")
    assert refused(engine, awards.lodge_objection, round_id=round_id, entry_id=chen.id, objector="居民",
                   content="x", actor=STAFF) == ["awards.objection_needs_winner"]
    with write_session(engine) as session:
        upheld = awards.lodge_objection(scope=Scope(session, STAFF), round_id=round_id, entry_id=zhao.id,
                                        objector="居民甲",
                                        content="8月2日的活动他没有到场").id
        dismissed = awards.lodge_objection(scope=Scope(session, STAFF), round_id=round_id, entry_id=ranking[0].id,
                                           objector="居民乙", content="时长太多").id
    assert refused(engine, awards.resolve_objection, objection_id=upheld, upheld=True, reason=" ",
                   actor=STAFF) == ["reason.required"]
    with write_session(engine) as session:
        awards.resolve_objection(scope=Scope(session, STAFF), objection_id=upheld, upheld=True,
                                 reason="核对签到表，8月2日未签到")
    monkeypatch.setattr(clock, "today", lambda: dt.date(2022, 9, 8))
    assert refused(engine, awards.finalize_round, round_id=round_id, actor=ADMIN) == ["awards.open_objections"]
    with write_session(engine) as session:
        awards.resolve_objection(scope=Scope(session, STAFF), objection_id=dismissed, upheld=False,
                                 reason="时长均有签到记录")
    assert refused(engine, awards.finalize_round, round_id=round_id, actor=STAFF) == ["actor.needs_admin"]
    monkeypatch.setattr(clock, "today", lambda: dt.date(2022, 9, 7))
    assert refused(engine, awards.finalize_round, round_id=round_id, actor=ADMIN) == ["awards.publicity_not_over"]
    monkeypatch.setattr(clock, "today", lambda: dt.date(2022, 9, 8))
    with write_session(engine) as session:
        final = awards.finalize_round(scope=Scope(session, ADMIN), round_id=round_id)
        assert final.status == "final" and final.finalised_by == "李站长"
    ranking = entries(engine, round_id)
    assert [e.name for e in ranking if e.winner] == ["李娜", "王芳", "刘洋", "张伟"]
    assert next(e for e in ranking if e.name == "赵磊").removed
    with read_session(engine) as session:
        objections = awards.round_objections(scope=Scope(session, READER), round_id=round_id)
        log = session.exec(select(AuditEvent.action, AuditEvent.operator).where(
            AuditEvent.action.startswith("award")).order_by(AuditEvent.id)).all()
    assert [(o.entry_name, o.status, o.resolved_by) for o in objections] == [
        ("赵磊", "upheld", "王干事"), ("李娜", "rejected", "王干事")]
    assert log == [("award_round.run", "王干事"), ("award_round.publish", "王干事"),
                   ("award_objection.lodge", "王干事"), ("award_objection.lodge", "王干事"),
                   ("award_objection.uphold", "王干事"), ("award_objection.dismiss", "王干事"),
                   ("award_round.finalize", "李站长")]


def test_an_upheld_objection_promotes_the_next_eligible_candidate(engine, station, august, tmp_path,
                                                                   monkeypatch):
    from station_kit.rules import load_rules

    (tmp_path / "award_rules.toml").write_text("[levels.month]\nquota = 3\n")
    monkeypatch.setenv("STATION_KIT_RULES_DIR", str(tmp_path))
    load_rules.cache_clear()
    try:
        round_id = run(engine, station)
    finally:
        monkeypatch.delenv("STATION_KIT_RULES_DIR")
        load_rules.cache_clear()
    publish(engine, round_id, dt.date(2022, 9, 1), monkeypatch)
    first = entries(engine, round_id)[0]
    with write_session(engine) as session:
        objections = [awards.lodge_objection(scope=Scope(session, STAFF), round_id=round_id, entry_id=first.id,
                                             objector=who,
                                             content="不实").id for who in ("居民甲", "居民乙")]
    for objection in objections:  # the second, upheld too, removes no one more and promotes no one more
        with write_session(engine) as session:
            awards.resolve_objection(scope=Scope(session, STAFF), objection_id=objection, upheld=True, reason="属实")
    ranking = entries(engine, round_id)
    assert [e.name for e in ranking if e.winner] == ["王芳", "刘洋", "张伟"]
    assert [e.name for e in ranking if e.promoted] == ["张伟"]


def test_a_final_round_never_changes_and_every_illegal_move_is_refused(engine, station, august, monkeypatch):
    round_id = run(engine, station)
    assert refused(engine, awards.finalize_round, round_id=round_id, actor=ADMIN) == ["workflow.not_allowed"]
    winner = entries(engine, round_id)[0]
    assert refused(engine, awards.lodge_objection, round_id=round_id, entry_id=winner.id, objector="甲",
                   content="乙", actor=STAFF) == ["awards.objection_outside_publicity"]
    publish(engine, round_id, dt.date(2022, 9, 1), monkeypatch)
    assert refused(engine, awards.publish_round, round_id=round_id, actor=STAFF) == ["workflow.not_allowed"]
    assert refused(engine, awards.run_award_round, station_id=station.id, level="month", period="2022-08",
                   actor=STAFF) == ["awards.round_not_draft"]
    with write_session(engine) as session:
        objection = awards.lodge_objection(scope=Scope(session, STAFF), round_id=round_id, entry_id=winner.id,
                                           objector="甲",
                                           content="乙").id
        awards.resolve_objection(scope=Scope(session, STAFF), objection_id=objection, upheld=False, reason="不成立")
    assert refused(engine, awards.resolve_objection, objection_id=objection, upheld=True, reason="再议",
                   actor=STAFF) == ["workflow.not_allowed"]
    monkeypatch.setattr(clock, "today", lambda: dt.date(2022, 9, 8))
    assert refused(engine, awards.lodge_objection, round_id=round_id, entry_id=winner.id, objector="甲",
                   content="乙", actor=STAFF) == ["awards.publicity_over"]
    with write_session(engine) as session:
        awards.finalize_round(scope=Scope(session, ADMIN), round_id=round_id)
    with read_session(engine) as session:
        before = awards.ranking_document(scope=Scope(session, READER), round_id=round_id)
    assert refused(engine, awards.finalize_round, round_id=round_id, actor=ADMIN) == ["workflow.not_allowed"]
    assert refused(engine, awards.publish_round, round_id=round_id, actor=ADMIN) == ["workflow.not_allowed"]
    assert refused(engine, awards.run_award_round, station_id=station.id, level="month", period="2022-08",
                   actor=ADMIN) == ["awards.round_not_draft"]
    assert refused(engine, awards.resolve_objection, objection_id=objection, upheld=True, reason="再议",
                   actor=ADMIN) == ["awards.objection_outside_publicity"]
    with read_session(engine) as session:
        assert awards.ranking_document(scope=Scope(session, READER), round_id=round_id) == before
    assert refused(engine, awards.run_award_round, station_id=station.id, level="month", period="2022-13",
                   actor=STAFF) == ["awards.period_format.month"]
    assert refused(engine, awards.run_award_round, station_id=station.id, level="month", period="2022-07",
                   actor=Actor("分析员", Role.analyst)) == ["actor.needs_staff"]


def test_the_notice_and_certificates_carry_the_winners(engine, station, august, monkeypatch):
    round_id = run(engine, station)
    with read_session(engine) as session:
        with pytest.raises(DomainError):
            awards.award_notice(scope=Scope(session, READER), round_id=round_id)
    publish(engine, round_id, dt.date(2022, 9, 1), monkeypatch)
    with read_session(engine) as session:
        notice = awards.award_notice(scope=Scope(session, READER), round_id=round_id)
    assert notice.title == "测试社区2022年8月 月度“时尚达人”评选结果公示"
    assert [entry.name for entry in notice.entries] == ["李娜", "王芳", "刘洋", "张伟", "赵磊"]
    assert ("邻里互助", "10.0 小时") in notice.entries[0].breakdown
    assert notice.publicity_until == dt.date(2022, 9, 7)
    monkeypatch.setattr(clock, "today", lambda: dt.date(2022, 9, 8))
    with write_session(engine) as session:
        awards.finalize_round(scope=Scope(session, ADMIN), round_id=round_id)
    with read_session(engine) as session:
        certificates = awards.award_certificates(scope=Scope(session, READER), round_id=round_id)
    assert [c.recipient for c in certificates][:1] == ["李娜"]
    assert certificates[0].certificate_number == "TST-2022-08-month-001"


@pytest.fixture
def second_station(engine):
    """Another station of the street: 孙丽 serves 11 h in two activities in August, 周强 3 h."""
    from tests.factories import make_station

    with write_session(engine) as session:
        other = make_station(session, code="TWO", name="第二社区")
        people = [register_volunteer(scope=Scope(session, STAFF), station_id=other.id,
                                     data=volunteer_data(name=name)).id for name in ("孙丽", "周强")]
        days = [add_activity(session, other.id, day) for day in (6, 7)]
        serve(session, other.id, people[0], days[0], 360)
        serve(session, other.id, people[0], days[1], 300)
        serve(session, other.id, people[1], days[0], 180)
    return other


def _ranking(engine, round_id):
    return [(e.rank, e.name, e.points, e.winner, e.eligible, e.breakdown) for e in entries(engine, round_id)]


def test_a_street_s_rounds_computed_at_once_rank_each_station_as_its_own_round(engine, station, august,
                                                                                second_station):
    with write_session(engine) as session:
        together = awards.run_award_rounds(scope=Scope(session, STAFF), station_ids=[station.id, second_station.id],
                                           level="month", period="2022-08")
    with read_session(engine) as session:
        assert [r.id for r in together] == [
            awards.find_round(scope=Scope(session, READER), station_id=place.id, level="month", period="2022-08").id
            for place in (station, second_station)]
    at_once = [_ranking(engine, r.id) for r in together]
    assert [name for _, name, *_ in at_once[0]][:3] == ["李娜", "王芳", "刘洋"]
    assert [row[:5] for row in at_once[1]] == [(1, "孙丽", 110.0, True, True), (2, "周强", 30.0, False, False)]
    alone = [_ranking(engine, run(engine, place)) for place in (station, second_station)]
    assert alone == at_once
    with read_session(engine) as session:
        logged = session.exec(select(AuditEvent.station_id).where(AuditEvent.action == "award_round.run")).all()
    assert sorted(logged) == sorted([station.id, second_station.id] * 2)


def test_one_station_s_round_in_publicity_refuses_the_street_s_and_writes_nothing(engine, station, august,
                                                                                 second_station, monkeypatch):
    publish(engine, run(engine, station), dt.date(2022, 9, 1), monkeypatch)
    assert refused(engine, awards.run_award_rounds, station_ids=[second_station.id, station.id], level="month",
                   period="2022-08", actor=STAFF) == ["awards.round_not_draft"]
    with read_session(engine) as session:
        assert session.exec(select(AwardRound).where(AwardRound.station_id == second_station.id)).all() == []
