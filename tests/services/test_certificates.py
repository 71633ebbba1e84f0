"""志愿服务记录证明: approved records only, a number that is kept and can be checked, nothing issued
for a volunteer with no approved hours, the ID number masked on the printed page."""

import datetime as dt

import pytest
from sqlmodel import select

from station_kit.clock import CHINA
from station_kit.db import read_session, write_session
from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.io.pdf import service_certificate_pdf
from station_kit.models import AuditEvent, IssuedCertificate, Volunteer
from station_kit.models.org import StationDetailsUpdate
from station_kit.services import activities, records
from station_kit.services.actor import Actor, Role
from station_kit.services.certificates import check_certificate, find_volunteer, issue_service_certificate
from station_kit.services.org import update_station_details
from station_kit.services.records import Attendance
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from tests.factories import READER, activity_data, id_number, volunteer_data
from tests.pdfs import page_texts, pdf_text

FRIDAY_9 = dt.datetime(2022, 8, 5, 9, 0, tzinfo=CHINA)
STAFF = Actor("李经办")


@pytest.fixture
def served(engine, station):
    """张伟 with two approved weekly cleanings (90 + 120 min), one approved lecture (60 min), one
    pending and one rejected record; 李娜 registered with nothing approved."""
    number = id_number()
    with write_session(engine) as session:
        zhang = register_volunteer(scope=Scope(session, STAFF), station_id=station.id,
                                   data=volunteer_data(name="张伟", id_number=number)).id
        li = register_volunteer(scope=Scope(session, STAFF), station_id=station.id,
                                data=volunteer_data(name="李娜")).id

    def serve(starts_at, minutes, *, title="周五爱国卫生大扫除", decide=records.approve_records):
        with write_session(engine) as session:
            activity = activities.plan_activity(scope=Scope(session, STAFF), station_id=station.id,
                                                data=activity_data(starts_at=starts_at, hours=3, title=title)).id
            [record] = records.record_attendance(scope=Scope(session, STAFF), activity_id=activity,
                                                 entries=[Attendance(zhang, minutes)],
                                                 entered_at=starts_at + dt.timedelta(hours=4))
            if decide is records.reject_records:
                decide(scope=Scope(session, STAFF), record_ids=[record.id], reason="未到场")
            elif decide:
                decide(scope=Scope(session, STAFF), record_ids=[record.id])

    serve(FRIDAY_9, 90)
    serve(FRIDAY_9 + dt.timedelta(days=7), 120)
    serve(FRIDAY_9 + dt.timedelta(days=10), 60, title="互助友善道德讲堂")
    serve(FRIDAY_9 + dt.timedelta(days=14), 150, decide=None)
    serve(FRIDAY_9 + dt.timedelta(days=21), 45, decide=records.reject_records)
    return {"zhang": zhang, "li": li, "id_number": number}


def issue(engine, volunteer_id, **period):
    with write_session(engine) as session:
        return issue_service_certificate(scope=Scope(session, STAFF), volunteer_id=volunteer_id, **period)


def test_a_certificate_counts_approved_records_only_and_keeps_its_number(engine, station, served):
    certificate = issue(engine, served["zhang"])
    assert certificate.approved_minutes == 270  # 90 + 120 + 60; the pending and rejected records do not count
    assert certificate.service_content == (
        "2022-08-05 至 2022-08-12　周五爱国卫生大扫除　2 次　3.5 小时",
        "2022-08-15　互助友善道德讲堂　1 次　1.0 小时",
    )
    assert (certificate.period_from, certificate.period_until) == (dt.date(2022, 8, 5), dt.date(2022, 8, 15))
    assert certificate.handler == "李经办" and certificate.name == "张伟"
    assert certificate.masked_id_number == "*" * 14 + served["id_number"][-4:]
    assert certificate.certificate_number.startswith("TST-ZM-")
    with read_session(engine) as session:
        checked = check_certificate(scope=Scope(session, READER), station_id=station.id,
                                    number=certificate.certificate_number)
        assert checked.masked_name == "张**" and checked.approved_minutes == 270 and checked.handler == "李经办"
        assert check_certificate(scope=Scope(session, READER), station_id=station.id,
                                 number="TST-ZM-1999-99999") is None
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "certificate.issue")).one()
        assert event.operator == "李经办" and certificate.certificate_number in event.detail
        assert served["id_number"] not in event.detail
    second = issue(engine, served["zhang"], period_until=dt.date(2022, 8, 5))
    assert second.certificate_number != certificate.certificate_number
    assert second.approved_minutes == 90 and len(second.service_content) == 1


def test_no_approved_hours_issues_nothing(engine, station, served):
    with pytest.raises(DomainError) as refused:
        issue(engine, served["li"])
    assert refused.value.keys() == ["certificate.no_approved_hours"]
    with pytest.raises(DomainError) as empty_period:
        issue(engine, served["zhang"], period_from=dt.date(2023, 1, 1), period_until=dt.date(2023, 3, 31))
    # The message names the dates: 张伟 has hours, just not in them.
    [error] = empty_period.value.errors
    assert error.key == "certificate.no_approved_hours_in_period"
    assert "2023-01-01 至 2023-03-31" in t(error.key, **error.params)
    with pytest.raises(DomainError) as reversed_period:
        issue(engine, served["zhang"], period_from=dt.date(2022, 9, 1), period_until=dt.date(2022, 8, 1))
    assert reversed_period.value.keys() == ["certificate.period_order"]
    with pytest.raises(DomainError):
        with write_session(engine) as session:
            issue_service_certificate(scope=Scope(session, Actor("分析员", Role.analyst)), volunteer_id=served["zhang"])
    with read_session(engine) as session:
        assert session.exec(select(IssuedCertificate)).all() == []


def test_a_volunteer_is_found_by_number_or_by_a_name_only_one_carries(engine, station, served):
    with write_session(engine) as session:
        register_volunteer(scope=Scope(session, STAFF), station_id=station.id, data=volunteer_data(name="李娜"))
    with read_session(engine) as session:
        def find(who):
            return find_volunteer(scope=Scope(session, READER), station_id=station.id, who=who)

        zhang_number = session.get(Volunteer, served["zhang"]).number
        assert find(zhang_number) == served["zhang"]
        assert find(f" {zhang_number.lower()} ") == served["zhang"]
        assert find("张伟") == served["zhang"]
        for who, key in (("李娜", "certificate.name_ambiguous"), ("无此人", "certificate.volunteer_unknown")):
            with pytest.raises(DomainError) as refused:
                find(who)
            assert refused.value.keys() == [key]


def test_the_printed_certificate_shows_the_mask_and_never_the_number(engine, station, served):
    certificate = issue(engine, served["zhang"])
    text = pdf_text(service_certificate_pdf(certificate))
    assert "张伟" in text and certificate.certificate_number in text and "4.5" in text
    assert served["id_number"][-4:] in text and served["id_number"] not in text
    assert served["id_number"][:6] not in text


def test_a_number_is_checked_as_typed_off_the_paper_and_nothing_is_logged(engine, station, served):
    number = issue(engine, served["zhang"]).certificate_number  # TST-ZM-<year>-00001
    typed = "　" + number.lower().replace("-", "－") + " "  # full-width dashes and space of a Chinese IME
    with read_session(engine) as session:
        checked = check_certificate(scope=Scope(session, READER), station_id=station.id, number=typed)
        assert checked.number == number and checked.masked_name == "张**"
        assert checked.masked_id_number.endswith(served["id_number"][-4:]) and served["id_number"] not in str(checked)
        assert "张伟" not in str(checked)
        assert check_certificate(scope=Scope(session, READER), station_id=station.id + 1, number=number) is None
        for bad, key in (("", "certificate_check.number_required"), ("TST—ZM", "certificate_check.number_format"),
                         ("<script>", "certificate_check.number_format")):
            with pytest.raises(DomainError) as refused:
                check_certificate(scope=Scope(session, READER), station_id=station.id, number=bad)
            assert [(e.field, e.key) for e in refused.value.errors] == [("number", key)]
        assert session.exec(select(AuditEvent).where(AuditEvent.action.like("certificate.check%"))).all() == []


def test_corrected_issuer_details_print_on_the_next_certificate_only(engine, station, served):
    before = issue(engine, served["zhang"])
    with write_session(engine) as session:
        update_station_details(scope=Scope(session, Actor("高站长", Role.admin)), station_id=station.id,
                               data=StationDetailsUpdate(name="兴神路社区", person_in_charge="高文明",
                                                         contact="兴神路社区办公室 0912-1234567"))
    after = issue(engine, served["zhang"])
    [page] = page_texts(service_certificate_pdf(after))
    assert "兴神路社区" in page and "高文明" in page and "0912-1234567" in page
    assert "高文明" not in pdf_text(service_certificate_pdf(before))
    with read_session(engine) as session:
        assert check_certificate(scope=Scope(session, READER), station_id=station.id,
                                 number=before.certificate_number).person_in_charge == ""
        assert check_certificate(scope=Scope(session, READER), station_id=station.id,
                                 number=after.certificate_number).person_in_charge == "高文明"


def test_an_unnamed_operator_leaves_the_handler_line_for_a_hand_signature(engine, station, served):
    """On a PC where nobody set STATION_KIT_OPERATOR the log says "system"; the paper prints a blank
    经办人 line to sign by hand, not "system"."""
    with write_session(engine) as session:
        certificate = issue_service_certificate(scope=Scope(session, Actor("system")), volunteer_id=served["zhang"])
    assert certificate.handler == ""
    text = pdf_text(service_certificate_pdf(certificate))
    assert "system" not in text and t("documents.service.fields.handler") in text
