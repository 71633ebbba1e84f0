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
from station_kit.models.work import ActivityStatus
from station_kit.services import (
    activities,
    awards,
    cases,
    certificates,
    duplicates,
    imports,
    org,
    records,
    requests,
    residents,
    volunteers,
)
from station_kit.services.actor import Actor, Role
from station_kit.services.records import Attendance
from station_kit.services.requests import Claimer
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
    activity = activities.plan_activity(session=session, station_id=station.id, actor=BUILDER,
                                        data=activity_data(starts_at=now - dt.timedelta(hours=1), hours=3))
    third = volunteers.register_volunteer(session=session, station_id=station.id, actor=BUILDER,
                                          data=volunteer_data(name="王芳"))
    [finished] = records.record_attendance(session=session, activity_id=activity.id, actor=BUILDER,
                                           entries=[Attendance(place["volunteers"][0], minutes=30)])
    started = records.check_in(session=session, activity_id=activity.id, volunteer_id=third.id, actor=BUILDER)
    series = activities.plan_weekly_series(session=session, station_id=station.id, actor=BUILDER,
                                           data=activity_data(starts_at=now + dt.timedelta(days=2)),
                                           until=(now + dt.timedelta(days=30)).date())
    wish = requests.post_request(session=session, station_id=station.id, actor=BUILDER, data=RequestCreate(
        kind=RequestKind.wish, resident_id=place["resident"], title="想要一套儿童绘本", content=""))
    case = cases.receive_case(session=session, station_id=station.id, actor=BUILDER, data=GridCaseCreate(
        grid_id=place["grids"][0], kind=CaseKind.dispute, channel=CaseChannel.visit, title="楼上漏水", content=""))
    award_round = awards.run_award_round(session=session, station_id=station.id, level="month", period="2022-08",
                                         actor=BUILDER)
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
        session=s, station_id=b["station"], data=volunteer_data(name="赵敏"), actor=actor),
    "volunteers.update_volunteer": lambda s, b, actor: volunteers.update_volunteer(
        session=s, volunteer_id=b["volunteers"][0], data=VolunteerUpdate(skills="理发"), actor=actor),
    "volunteers.deactivate_volunteer": lambda s, b, actor: volunteers.deactivate_volunteer(
        session=s, volunteer_id=b["volunteers"][0], reason="搬走了", actor=actor),
    "volunteers.reveal_personal_data": lambda s, b, actor: volunteers.reveal_personal_data(
        session=s, volunteer_id=b["volunteers"][0], reason="出具证明", actor=actor),
    "duplicates.merge_volunteers": lambda s, b, actor: duplicates.merge_volunteers(
        session=s, keep_id=b["volunteers"][0], drop_id=b["volunteers"][1], actor=actor),
    "duplicates.merge_group": lambda s, b, actor: duplicates.merge_group(
        session=s, keep_id=b["volunteers"][0], drop_ids=[b["volunteers"][1]], actor=actor),
    "certificates.issue_service_certificate": lambda s, b, actor: certificates.issue_service_certificate(
        session=s, volunteer_id=b["volunteers"][0], actor=actor),
    "activities.plan_activity": lambda s, b, actor: activities.plan_activity(
        session=s, station_id=b["station"], data=activity_data(starts_at=clock.now()), actor=actor),
    "activities.plan_weekly_series": lambda s, b, actor: activities.plan_weekly_series(
        session=s, station_id=b["station"], data=activity_data(starts_at=clock.now()),
        until=clock.today() + dt.timedelta(days=14), actor=actor),
    "activities.update_series": lambda s, b, actor: activities.update_series(
        session=s, series_id=b["series"], data=ActivityUpdate(title="改名"), actor=actor),
    "activities.set_activity_status": lambda s, b, actor: activities.set_activity_status(
        session=s, activity_id=b["activity"], status=ActivityStatus.cancelled, actor=actor),
    "records.record_attendance": lambda s, b, actor: records.record_attendance(
        session=s, activity_id=b["activity"], entries=[Attendance(b["volunteers"][1], minutes=30)], actor=actor),
    "records.check_in": lambda s, b, actor: records.check_in(
        session=s, activity_id=b["activity"], volunteer_id=b["volunteers"][1], actor=actor),
    "records.check_in_many": lambda s, b, actor: records.check_in_many(
        session=s, activity_id=b["activity"], volunteer_ids=[b["volunteers"][1]], actor=actor),
    "records.check_out": lambda s, b, actor: records.check_out(session=s, record_id=b["started"], actor=actor),
    "records.approve_records": lambda s, b, actor: records.approve_records(
        session=s, record_ids=[b["finished"]], actor=actor),
    "records.reject_records": lambda s, b, actor: records.reject_records(
        session=s, record_ids=[b["finished"]], reason="没来", actor=actor),
    "awards.run_award_round": lambda s, b, actor: awards.run_award_round(
        session=s, station_id=b["station"], level="month", period="2022-07", actor=actor),
    "awards.publish_round": lambda s, b, actor: awards.publish_round(session=s, round_id=b["round"], actor=actor),
    "awards.lodge_objection": lambda s, b, actor: awards.lodge_objection(
        session=s, round_id=b["round"], entry_id=b["entry"], objector="居民", content="不实", actor=actor),
    "awards.resolve_objection": lambda s, b, actor: awards.resolve_objection(
        session=s, objection_id=b["objection"], upheld=False, reason="核实无误", actor=actor),
    "awards.finalize_round": lambda s, b, actor: awards.finalize_round(session=s, round_id=b["round"], actor=actor),
    "cases.receive_case": lambda s, b, actor: cases.receive_case(
        session=s, station_id=b["station"], actor=actor, data=GridCaseCreate(
            grid_id=b["grids"][0], kind=CaseKind.request, channel=CaseChannel.phone, title="路灯不亮", content="")),
    "cases.accept_case": lambda s, b, actor: cases.accept_case(
        session=s, case_id=b["case"], steward_id=b["steward"], actor=actor),
    "cases.whistle_case": lambda s, b, actor: cases.whistle_case(
        session=s, case_id=b["case"], department_id=b["department"], note="请来处置", actor=actor),
    "cases.report_case": lambda s, b, actor: cases.report_case(session=s, case_id=b["case"], note="已处置",
                                                                 actor=actor),
    "cases.resolve_case": lambda s, b, actor: cases.resolve_case(session=s, case_id=b["case"], note="已修好",
                                                                   actor=actor),
    "cases.rate_case": lambda s, b, actor: cases.rate_case(session=s, case_id=b["case"], rating=5, actor=actor),
    "requests.post_request": lambda s, b, actor: requests.post_request(
        session=s, station_id=b["station"], actor=actor, data=RequestCreate(
            kind=RequestKind.order, resident_id=b["resident"], title="上门理发", content="")),
    "requests.claim_request": lambda s, b, actor: requests.claim_request(
        session=s, request_id=b["wish"], claimers=[Claimer(ClaimerKind.volunteer, b["volunteers"][0])], actor=actor),
    "requests.dispatch_request": lambda s, b, actor: requests.dispatch_request(
        session=s, request_id=b["wish"], claimers=[Claimer(ClaimerKind.squad, b["squad"])], actor=actor),
    "requests.take_request": lambda s, b, actor: requests.take_request(session=s, request_id=b["wish"], actor=actor),
    "requests.refuse_request": lambda s, b, actor: requests.refuse_request(
        session=s, request_id=b["wish"], reason="人手不够", actor=actor),
    "requests.fulfil_request": lambda s, b, actor: requests.fulfil_request(
        session=s, request_id=b["wish"], note="已送到", actor=actor),
    "requests.rate_request": lambda s, b, actor: requests.rate_request(
        session=s, request_id=b["wish"], rating=5, actor=actor),
    "requests.cancel_request": lambda s, b, actor: requests.cancel_request(
        session=s, request_id=b["wish"], reason="居民已搬走", actor=actor),
    "requests.record_wish_hours": lambda s, b, actor: requests.record_wish_hours(
        session=s, request_id=b["wish"], minutes_by_volunteer={b["volunteers"][0]: 60}, actor=actor),
    "requests.record_claimers_hours": lambda s, b, actor: requests.record_claimers_hours(
        session=s, request_id=b["wish"], minutes=60, actor=actor),
    "residents.register_resident": lambda s, b, actor: residents.register_resident(
        session=s, station_id=b["station"], actor=actor, data=ResidentCreate(
            name="李大爷", building="1号楼", unit="1单元", grid_id=b["grids"][0], phone="", consent=True)),
    "residents.add_department": lambda s, b, actor: residents.add_department(
        session=s, station_id=b["station"], name="神木市民政局", actor=actor),
    "residents.record_works_item": lambda s, b, actor: residents.record_works_item(
        session=s, station_id=b["station"], actor=actor, data=WorksItemCreate(item="楼道", quantity=3, unit="个")),
    "org.add_unit": lambda s, b, actor: org.add_unit(
        session=s, model=Room, station_id=b["station"], name="会议室", actor=actor),
    "org.add_partner_unit": lambda s, b, actor: org.add_partner_unit(
        session=s, station_id=b["station"], name="神木市第一中学", kind=PartnerKind.civilised, credit_code=None,
        actor=actor),
    "org.add_steward": lambda s, b, actor: org.add_steward(
        session=s, station_id=b["station"], grid_id=b["grids"][1], name="钱管家", role=StewardRole.volunteer,
        phone=unique_phone(), actor=actor),
    "org.update_station_details": lambda s, b, actor: org.update_station_details(
        session=s, station_id=b["station"], data=StationDetailsUpdate(name="B社区", person_in_charge="钱站长",
                                                                       contact="0912-8888888"), actor=actor),
    "imports.import_file": lambda s, b, actor: imports.import_file(
        session=s, station_id=b["station"], kind="volunteers", content="姓名\n".encode(), filename="名单.csv",
        consent_on_file=True, actor=actor),
}

# Writing services that take no row or station id of a station's own.
NO_STATION_IDS = {"org.create_station", "backup.restore", "workflow.transition", "workflow.transition_many",
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


def test_every_writing_service_with_ids_is_tried():
    """A service that takes an actor and any id is in CALLS (or knowingly has no station id)."""
    import station_kit.services as package

    writing = set()
    for module in pkgutil.iter_modules(package.__path__):
        loaded = import_module(f"station_kit.services.{module.name}")
        for name, function in inspect.getmembers(loaded, inspect.isfunction):
            parameters = inspect.signature(function).parameters
            if (function.__module__ == loaded.__name__ and not name.startswith("_")
                    and "actor" in parameters and "session" in parameters
                    and next(iter(parameters.values())).kind is inspect.Parameter.KEYWORD_ONLY):
                writing.add(f"{module.name}.{name}")
    assert writing - set(CALLS) - NO_STATION_IDS == set()
    assert set(CALLS) <= writing


def test_ids_beyond_32_bits_name_no_row(two_stations):
    """PostgreSQL's ids are 32-bit: a larger id from a form says 'not found' instead of a database error."""
    engine, a, _b = two_stations
    with pytest.raises(DomainError) as refused, write_session(engine) as session:
        records.check_out(session=session, record_id=2**31, actor=_worker_of(a["station"]))
    assert refused.value.keys() == ["record.not_found"]
    with pytest.raises(DomainError) as refused, write_session(engine) as session:
        cases.accept_case(session=session, case_id=a["case"], steward_id=2**40, actor=_worker_of(a["station"]))
    assert refused.value.keys() == ["case.steward_not_in_grid"]
