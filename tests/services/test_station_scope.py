"""Two stations on one database (DESIGN.md §5, "the application boundary"): a worker of one station
reaches none of the other's rows, whichever ids a page, a command or a notebook sends.

Every writing service that takes a row id or a station id is called as a worker of station A with
station B's ids, on SQLite and on PostgreSQL: each is refused as "another station's", and nothing is
written. A completeness test fails when a new writing service is added without a line here.
"""

from __future__ import annotations

import datetime as dt
import inspect
import pkgutil
from importlib import import_module

import pytest
from sqlmodel import func, select

from station_kit import clock
from station_kit.db import get_engine, migrate, read_session, write_session
from station_kit.errors import DomainError
from station_kit.models import ActivityUpdate, AuditEvent, AwardEntry, AwardObjection, Room
from station_kit.models.community import (
    CaseChannel,
    CaseKind,
    ClaimerKind,
    GridCaseCreate,
    RequestCreate,
    RequestKind,
    ResidentCreate,
    WorksItemCreate,
)
from station_kit.models.org import PartnerKind, StationDetailsUpdate, StewardRole
from station_kit.models.people import VolunteerUpdate
from station_kit.models.work import ActivityStatus, LectureHall, WorkTask
from station_kit.services import (
    activities,
    analysts,
    audit,
    awards,
    cases,
    certificates,
    duplicates,
    exports,
    history,
    imports,
    org,
    records,
    requests,
    residents,
    rosters,
    volunteers,
)
from station_kit.services.actor import Actor, Role
from station_kit.services.history import PastActivity, PastVolunteer
from station_kit.services.records import Attendance
from station_kit.services.requests import Claimer
from station_kit.services.scope import Scope
from tests.conftest import _postgres_url
from tests.factories import activity_data, make_community, make_station, unique_phone, volunteer_data

BUILDER = Actor("测试数据")  # works for every station: builds both


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_stations(request, tmp_path_factory):
    """Stations A and B, each with its people, an activity under way with a finished and an open
    record, a wish, a grid case, a weekly series and a draft award round with an objection."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('scope') / 'station.db'}"
    else:
        url = _postgres_url(request.getfixturevalue("postgres_server"))
    migrate(url)
    engine = get_engine(url)
    places = {}
    with write_session(engine) as session:
        for code in ("A", "B"):
            places[code] = _station(session, code)
    yield engine, places["A"], places["B"]
    engine.dispose()
    get_engine.cache_clear()


def _station(session, code: str) -> dict:
    station = make_station(session, code=code, name=f"{code}社区")
    place = make_community(session, station)
    now = clock.now()
    activity = activities.plan_activity(scope=Scope(session, BUILDER), station_id=station.id,
                                        data=activity_data(starts_at=now - dt.timedelta(hours=1), hours=3))
    third = volunteers.register_volunteer(scope=Scope(session, BUILDER), station_id=station.id,
                                          data=volunteer_data(name="王芳"))
    [finished] = records.record_attendance(scope=Scope(session, BUILDER), activity_id=activity.id,
                                           entries=[Attendance(place["volunteers"][0], minutes=30)])
    started = records.check_in(scope=Scope(session, BUILDER), activity_id=activity.id, volunteer_id=third.id)
    series = activities.plan_weekly_series(scope=Scope(session, BUILDER), station_id=station.id,
                                           data=activity_data(starts_at=now + dt.timedelta(days=2)),
                                           until=(now + dt.timedelta(days=30)).date())
    wish = requests.post_request(scope=Scope(session, BUILDER), station_id=station.id, data=RequestCreate(
        kind=RequestKind.wish, resident_id=place["resident"], title="想要一套儿童绘本", content=""))
    case = cases.receive_case(scope=Scope(session, BUILDER), station_id=station.id, data=GridCaseCreate(
        grid_id=place["grids"][0], kind=CaseKind.dispute, channel=CaseChannel.visit, title="楼上漏水", content=""))
    award_round = awards.run_award_round(scope=Scope(session, BUILDER), station_id=station.id, level="month",
                                         period="2022-08")
    entry = AwardEntry(station_id=station.id, round_id=award_round.id, rank=1, subject_kind="volunteer",
                       subject_id=place["volunteers"][0], name="张伟", points_tenths=100, eligible=True,
                       winner=True, breakdown_json="{}")
    session.add(entry)
    session.flush()
    objection = AwardObjection(station_id=station.id, round_id=award_round.id, entry_id=entry.id, objector="居民",
                               content="时长不实", lodged_by="测试")
    session.add(objection)
    session.flush()
    return dict(place, station=station.id, activity=activity.id, finished=finished.id, started=started.id,
                third=third.id, series=series.id, wish=wish.id, case=case.id, round=award_round.id,
                entry=entry.id, objection=objection.id)


# Each line: a writing service called with station B's ids (``b``) by ``actor``, a worker of A.
CALLS = {
    "volunteers.register_volunteer": lambda s, b, actor: volunteers.register_volunteer(
        scope=Scope(s, actor), station_id=b["station"], data=volunteer_data(name="赵敏")),
    "volunteers.update_volunteer": lambda s, b, actor: volunteers.update_volunteer(
        scope=Scope(s, actor), volunteer_id=b["volunteers"][0], data=VolunteerUpdate(skills="理发")),
    "volunteers.deactivate_volunteer": lambda s, b, actor: volunteers.deactivate_volunteer(
        scope=Scope(s, actor), volunteer_id=b["volunteers"][0], reason="搬走了"),
    "volunteers.reveal_personal_data": lambda s, b, actor: volunteers.reveal_personal_data(
        scope=Scope(s, actor), volunteer_id=b["volunteers"][0], reason="出具证明"),
    "duplicates.merge_volunteers": lambda s, b, actor: duplicates.merge_volunteers(
        scope=Scope(s, actor), keep_id=b["volunteers"][0], drop_id=b["volunteers"][1]),
    "duplicates.merge_group": lambda s, b, actor: duplicates.merge_group(
        scope=Scope(s, actor), keep_id=b["volunteers"][0], drop_ids=[b["volunteers"][1]]),
    "certificates.issue_service_certificate": lambda s, b, actor: certificates.issue_service_certificate(
        scope=Scope(s, actor), volunteer_id=b["volunteers"][0]),
    "activities.plan_activity": lambda s, b, actor: activities.plan_activity(
        scope=Scope(s, actor), station_id=b["station"], data=activity_data(starts_at=clock.now())),
    "activities.plan_weekly_series": lambda s, b, actor: activities.plan_weekly_series(
        scope=Scope(s, actor), station_id=b["station"], data=activity_data(starts_at=clock.now()),
        until=clock.today() + dt.timedelta(days=14)),
    "activities.update_series": lambda s, b, actor: activities.update_series(
        scope=Scope(s, actor), series_id=b["series"], data=ActivityUpdate(title="改名")),
    "activities.set_activity_status": lambda s, b, actor: activities.set_activity_status(
        scope=Scope(s, actor), activity_id=b["activity"], status=ActivityStatus.cancelled),
    "records.record_attendance": lambda s, b, actor: records.record_attendance(
        scope=Scope(s, actor), activity_id=b["activity"], entries=[Attendance(b["volunteers"][1], minutes=30)]),
    "records.check_in": lambda s, b, actor: records.check_in(
        scope=Scope(s, actor), activity_id=b["activity"], volunteer_id=b["volunteers"][1]),
    "records.check_in_many": lambda s, b, actor: records.check_in_many(
        scope=Scope(s, actor), activity_id=b["activity"], volunteer_ids=[b["volunteers"][1]]),
    "records.check_out": lambda s, b, actor: records.check_out(scope=Scope(s, actor), record_id=b["started"]),
    "records.approve_records": lambda s, b, actor: records.approve_records(
        scope=Scope(s, actor), record_ids=[b["finished"]]),
    "records.reject_records": lambda s, b, actor: records.reject_records(
        scope=Scope(s, actor), record_ids=[b["finished"]], reason="没来"),
    "awards.run_award_round": lambda s, b, actor: awards.run_award_round(
        scope=Scope(s, actor), station_id=b["station"], level="month", period="2022-07"),
    "awards.run_award_rounds": lambda s, b, actor: awards.run_award_rounds(
        scope=Scope(s, actor), station_ids=[b["station"]], level="month", period="2022-07"),
    "awards.publish_round": lambda s, b, actor: awards.publish_round(scope=Scope(s, actor), round_id=b["round"]),
    "awards.lodge_objection": lambda s, b, actor: awards.lodge_objection(
        scope=Scope(s, actor), round_id=b["round"], entry_id=b["entry"], objector="居民", content="不实"),
    "awards.resolve_objection": lambda s, b, actor: awards.resolve_objection(
        scope=Scope(s, actor), objection_id=b["objection"], upheld=False, reason="核实无误"),
    "awards.finalize_round": lambda s, b, actor: awards.finalize_round(scope=Scope(s, actor), round_id=b["round"]),
    "cases.receive_case": lambda s, b, actor: cases.receive_case(
        scope=Scope(s, actor), station_id=b["station"], data=GridCaseCreate(
            grid_id=b["grids"][0], kind=CaseKind.request, channel=CaseChannel.phone, title="路灯不亮", content="")),
    "cases.accept_case": lambda s, b, actor: cases.accept_case(
        scope=Scope(s, actor), case_id=b["case"], steward_id=b["steward"]),
    "cases.whistle_case": lambda s, b, actor: cases.whistle_case(
        scope=Scope(s, actor), case_id=b["case"], department_id=b["department"], note="请来处置"),
    "cases.report_case": lambda s, b, actor: cases.report_case(scope=Scope(s, actor), case_id=b["case"], note="已处置"),
    "cases.resolve_case": lambda s, b, actor: cases.resolve_case(scope=Scope(s, actor), case_id=b["case"], note="已修好"),
    "cases.rate_case": lambda s, b, actor: cases.rate_case(scope=Scope(s, actor), case_id=b["case"], rating=5),
    "requests.post_request": lambda s, b, actor: requests.post_request(
        scope=Scope(s, actor), station_id=b["station"], data=RequestCreate(
            kind=RequestKind.order, resident_id=b["resident"], title="上门理发", content="")),
    "requests.claim_request": lambda s, b, actor: requests.claim_request(
        scope=Scope(s, actor), request_id=b["wish"], claimers=[Claimer(ClaimerKind.volunteer, b["volunteers"][0])]),
    "requests.dispatch_request": lambda s, b, actor: requests.dispatch_request(
        scope=Scope(s, actor), request_id=b["wish"], claimers=[Claimer(ClaimerKind.squad, b["squad"])]),
    "requests.take_request": lambda s, b, actor: requests.take_request(scope=Scope(s, actor), request_id=b["wish"]),
    "requests.refuse_request": lambda s, b, actor: requests.refuse_request(
        scope=Scope(s, actor), request_id=b["wish"], reason="人手不够"),
    "requests.fulfil_request": lambda s, b, actor: requests.fulfil_request(
        scope=Scope(s, actor), request_id=b["wish"], note="已送到"),
    "requests.rate_request": lambda s, b, actor: requests.rate_request(
        scope=Scope(s, actor), request_id=b["wish"], rating=5),
    "requests.cancel_request": lambda s, b, actor: requests.cancel_request(
        scope=Scope(s, actor), request_id=b["wish"], reason="居民已搬走"),
    "requests.record_wish_hours": lambda s, b, actor: requests.record_wish_hours(
        scope=Scope(s, actor), request_id=b["wish"], minutes_by_volunteer={b["volunteers"][0]: 60}),
    "requests.record_claimers_hours": lambda s, b, actor: requests.record_claimers_hours(
        scope=Scope(s, actor), request_id=b["wish"], minutes=60),
    "residents.register_resident": lambda s, b, actor: residents.register_resident(
        scope=Scope(s, actor), station_id=b["station"], data=ResidentCreate(
            name="李大爷", building="1号楼", unit="1单元", grid_id=b["grids"][0], phone="", consent=True)),
    "residents.add_department": lambda s, b, actor: residents.add_department(
        scope=Scope(s, actor), station_id=b["station"], name="神木市民政局"),
    "residents.record_works_item": lambda s, b, actor: residents.record_works_item(
        scope=Scope(s, actor), station_id=b["station"], data=WorksItemCreate(item="楼道", quantity=3, unit="个")),
    "org.add_unit": lambda s, b, actor: org.add_unit(
        scope=Scope(s, actor), model=Room, station_id=b["station"], name="会议室"),
    "org.add_partner_unit": lambda s, b, actor: org.add_partner_unit(
        scope=Scope(s, actor), station_id=b["station"], name="神木市第一中学", kind=PartnerKind.civilised, credit_code=None),
    "org.add_steward": lambda s, b, actor: org.add_steward(
        scope=Scope(s, actor), station_id=b["station"], grid_id=b["grids"][1], name="钱管家", role=StewardRole.volunteer,
        phone=unique_phone()),
    "org.update_station_details": lambda s, b, actor: org.update_station_details(
        scope=Scope(s, actor), station_id=b["station"], data=StationDetailsUpdate(name="B社区", person_in_charge="钱站长",
                                                                       contact="0912-8888888")),
    "imports.import_file": lambda s, b, actor: imports.import_file(
        scope=Scope(s, actor), station_id=b["station"], kind="volunteers", content="姓名\n".encode(), filename="名单.csv",
        consent_on_file=True),
}

# A reader, but an admin's: it checks the role, so it is tried with the writers.
CALLS["audit.person_actions"] = lambda s, b, actor: audit.person_actions(
    scope=Scope(s, actor), station_id=b["station"], person="乙站站长")
CALLS["audit.operators"] = lambda s, b, actor: audit.operators(scope=Scope(s, actor), station_id=b["station"])
CALLS["analysts.grant_analyst"] = lambda s, b, actor: analysts.grant_analyst(
    scope=Scope(s, actor), name="yifenxi", station_ids=[b["station"]])
CALLS["history.import_history"] = lambda s, b, actor: history.import_history(
    scope=Scope(s, actor), station_id=b["station"], records=[], activities=[PastActivity(
        title="清扫楼道", category=WorkTask.customs, starts_at=clock.now() - dt.timedelta(days=9),
        ends_at=clock.now() - dt.timedelta(days=9, hours=-2))])
CALLS["history.import_volunteers"] = lambda s, b, actor: history.import_volunteers(
    scope=Scope(s, actor), station_id=b["station"], volunteers=[PastVolunteer(volunteer_data(), clock.now())])
CALLS["residents.import_residents"] = lambda s, b, actor: residents.import_residents(
    scope=Scope(s, actor), station_id=b["station"], residents=[(ResidentCreate(
        name="刘奶奶", grid_id=b["grids"][0], consent=True), clock.now())])
CALLS["requests.import_requests"] = lambda s, b, actor: requests.import_requests(
    scope=Scope(s, actor), station_id=b["station"], requests=[(RequestCreate(
        kind=RequestKind.wish, resident_id=b["resident"], title="想要一台收音机"), clock.now(), [])])
CALLS["cases.import_cases"] = lambda s, b, actor: cases.import_cases(
    scope=Scope(s, actor), station_id=b["station"], cases=[(GridCaseCreate(
        grid_id=b["grids"][0], kind=CaseKind.request, channel=CaseChannel.phone, title="路灯不亮"), clock.now(), [])])

# Each line: a service that reads, asked by a worker of A for station B's rows.
READS = {
    "org.street_stations": lambda s, b: org.street_stations(scope=s, station_id=b["station"]),
    "org.stations_named": lambda s, b: org.stations_named(scope=s, station_ids=[b["station"]]),
    "activities.activity_public": lambda s, b: activities.activity_public(scope=s, activity_id=b["activity"]),
    "activities.list_activities": lambda s, b: activities.list_activities(scope=s, station_id=b["station"]),
    "awards.round_entries": lambda s, b: awards.round_entries(scope=s, round_id=b["round"]),
    "awards.round_objections": lambda s, b: awards.round_objections(scope=s, round_id=b["round"]),
    "awards.ranking_document": lambda s, b: awards.ranking_document(scope=s, round_id=b["round"]),
    "awards.award_notice": lambda s, b: awards.award_notice(scope=s, round_id=b["round"]),
    "awards.award_certificates": lambda s, b: awards.award_certificates(scope=s, round_id=b["round"]),
    "awards.find_round": lambda s, b: awards.find_round(scope=s, station_id=b["station"], level="month",
                                                        period="2022-08"),
    "awards.final_winners": lambda s, b: awards.final_winners(scope=s, station_id=b["station"], level="month",
                                                              period="2022-08"),
    "awards.latest_final_winners": lambda s, b: awards.latest_final_winners(scope=s, station_id=b["station"],
                                                                            level="month"),
    "cases.list_cases": lambda s, b: cases.list_cases(scope=s, station_id=b["station"]),
    "certificates.check_certificate": lambda s, b: certificates.check_certificate(scope=s, station_id=b["station"],
                                                                                  number="XSL-2022-0001"),
    "certificates.find_volunteer": lambda s, b: certificates.find_volunteer(scope=s, station_id=b["station"],
                                                                            who="王芳"),
    "duplicates.find_duplicates": lambda s, b: duplicates.find_duplicates(scope=s, station_id=b["station"]),
    "exports.volunteers_sheet": lambda s, b: exports.volunteers_sheet(scope=s, station_id=b["station"]),
    "exports.hours_sheet": lambda s, b: exports.hours_sheet(scope=s, station_id=b["station"]),
    "exports.month_sheet": lambda s, b: exports.month_sheet(scope=s, station_id=b["station"], month="2022-08"),
    "imports.preview_import": lambda s, b: imports.preview_import(
        scope=s, station_id=b["station"], kind="volunteers", content="姓名\n".encode(), filename="名单.csv"),
    "org.station_choices": lambda s, b: org.station_choices(scope=s, station_id=b["station"]),
    "requests.wish_wall": lambda s, b: requests.wish_wall(scope=s, station_id=b["station"]),
    "requests.claimer_choices": lambda s, b: requests.claimer_choices(scope=s, station_id=b["station"]),
    "residents.list_residents": lambda s, b: residents.list_residents(scope=s, station_id=b["station"]),
    "residents.resident_choices": lambda s, b: residents.resident_choices(scope=s, station_id=b["station"]),
    "residents.grid_choices": lambda s, b: residents.grid_choices(scope=s, station_id=b["station"]),
    "residents.steward_choices": lambda s, b: residents.steward_choices(scope=s, station_id=b["station"]),
    "residents.list_departments": lambda s, b: residents.list_departments(scope=s, station_id=b["station"]),
    "residents.works_items": lambda s, b: residents.works_items(scope=s, station_id=b["station"]),
    "rosters.activity_choices": lambda s, b: rosters.activity_choices(scope=s, station_id=b["station"]),
    "rosters.roster": lambda s, b: rosters.roster(scope=s, activity_id=b["activity"]),
    "rosters.pending_queue": lambda s, b: rosters.pending_queue(scope=s, station_id=b["station"]),
    "rosters.lecture_sessions": lambda s, b: rosters.lecture_sessions(scope=s, station_id=b["station"],
                                                                      hall=LectureHall.theory),
    "volunteers.search_volunteers": lambda s, b: volunteers.search_volunteers(scope=s, station_id=b["station"]),
    "volunteers.editable_volunteer": lambda s, b: volunteers.editable_volunteer(scope=s,
                                                                                volunteer_id=b["volunteers"][0]),
}

# Writing services that take no row or station id of a station's own.
NO_STATION_IDS = {"org.create_station", "backup.restore", "workflow.transition", "workflow.transition_many",
                  "workflow.transition_along",
                  "workflow.rate"}


def _worker_of(station_id: int) -> Actor:
    # An admin, so that no service refuses for the role before it looks at the station.
    return Actor("甲站站长", Role.admin, frozenset({station_id}))


def _audit_lines(engine) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditEvent)).one()


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_worker_of_one_station_is_refused_every_row_of_another(two_stations, name):
    engine, a, b = two_stations
    before = _audit_lines(engine)
    with pytest.raises(DomainError) as refused, write_session(engine) as session:
        CALLS[name](session, b, _worker_of(a["station"]))
    assert "scope.other_station" in refused.value.keys()
    assert _audit_lines(engine) == before


@pytest.mark.parametrize("name", sorted(READS))
def test_a_worker_of_one_station_reads_nothing_of_another(two_stations, name):
    """What a page or a command reads is refused for another station's ids too: a street's database
    holds every 社区's people, and a worker of one sees their own."""
    engine, a, b = two_stations
    with pytest.raises(DomainError) as refused, read_session(engine) as session:
        READS[name](Scope(session, _worker_of(a["station"])), b)
    assert "scope.other_station" in refused.value.keys()


def test_the_same_reads_go_through_for_the_station_s_own_worker(two_stations):
    engine, _a, b = two_stations
    with read_session(engine) as session:
        scope = Scope(session, _worker_of(b["station"]))
        assert [line.volunteer_id for line in READS["rosters.roster"](scope, b)] == [b["volunteers"][0], b["third"]]
        assert READS["volunteers.editable_volunteer"](scope, b).name == "张伟"
        assert {row.id for row in READS["volunteers.search_volunteers"](scope, b)} >= set(b["volunteers"])
        assert len(READS["awards.round_entries"](scope, b)) == 1


@pytest.mark.parametrize("name", ["records.check_in", "records.record_attendance"])
def test_a_street_admin_cannot_put_one_station_s_volunteer_into_another_s_activity(two_stations, name):
    """A person who works for both stations still writes into one at a time."""
    engine, a, b = two_stations
    both = Actor("街道管理员", Role.admin, frozenset({a["station"], b["station"]}))
    crossed = dict(b, activity=a["activity"])
    with pytest.raises(DomainError) as refused, write_session(engine) as session:
        CALLS[name](session, crossed, both)
    assert "scope.other_station" in refused.value.keys()


def test_the_same_calls_go_through_for_the_station_s_own_worker(two_stations):
    """The refusals above are the station's, not a broken call: station B's own worker checks in,
    claims the wish, accepts the case (in a transaction that is rolled back afterwards)."""
    engine, _a, b = two_stations
    own = _worker_of(b["station"])
    with write_session(engine) as session:
        for name in ("records.check_in", "requests.claim_request", "cases.accept_case", "records.approve_records",
                     "org.add_unit", "volunteers.update_volunteer"):
            CALLS[name](session, b, own)
        session.rollback()


def _services_taking_a_scope(keep) -> set[str]:
    """``module.name`` of each public service whose first parameter is the keyword ``scope`` and for
    which ``keep(function, parameters)`` holds."""
    import station_kit.services as package

    found = set()
    for module in pkgutil.iter_modules(package.__path__):
        loaded = import_module(f"station_kit.services.{module.name}")
        for name, function in inspect.getmembers(loaded, inspect.isfunction):
            parameters = inspect.signature(function).parameters
            if (function.__module__ == loaded.__name__ and not name.startswith("_") and "scope" in parameters
                    and next(iter(parameters.values())).kind is inspect.Parameter.KEYWORD_ONLY
                    and keep(function, parameters)):
                found.add(f"{module.name}.{name}")
    return found


def test_every_writing_service_with_ids_is_tried():
    """A service that writes and takes any id is in CALLS (or knowingly has no station id)."""
    writing = _services_taking_a_scope(lambda function, _parameters: _writes(function))
    assert writing - set(CALLS) - NO_STATION_IDS == set()
    assert set(CALLS) <= writing


def test_every_reading_service_with_ids_is_tried():
    """A service that takes any id and writes nothing is in READS."""
    reading = _services_taking_a_scope(lambda function, parameters: (
        any(p.endswith(("_id", "_ids")) for p in parameters) and not _writes(function)))
    assert reading == set(READS)


def _writes(function, seen=None) -> bool:
    """A use case writes when it (or a service helper it calls) checks the person's role, logs
    an operation, or moves something through a workflow."""
    seen = set() if seen is None else seen
    names = set(function.__code__.co_names)
    if names & {"require", "log_event", "transition", "transition_many"}:
        return True
    helpers = [function.__globals__.get(name) for name in names - seen]
    seen |= names
    return any(inspect.isfunction(helper) and helper.__module__.startswith("station_kit.services.")
               and _writes(helper, seen)
               for helper in helpers)


def test_ids_beyond_32_bits_name_no_row(two_stations):
    """PostgreSQL's ids are 32-bit: a larger id from a form says 'not found' instead of a database error."""
    engine, a, _b = two_stations
    with pytest.raises(DomainError) as refused, write_session(engine) as session:
        records.check_out(scope=Scope(session, _worker_of(a["station"])), record_id=2**31)
    assert refused.value.keys() == ["record.not_found"]
    with pytest.raises(DomainError) as refused, write_session(engine) as session:
        cases.accept_case(scope=Scope(session, _worker_of(a["station"])), case_id=a["case"], steward_id=2**40)
    assert refused.value.keys() == ["case.steward_not_in_grid"]
