"""志愿者 app, in process: widgets are set and buttons clicked as a worker would, on SQLite and
PostgreSQL; the assertions are what the worker would see, and what the database then holds."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlmodel import select

from station_kit import clock
from station_kit.analytics import headline_figures
from station_kit.config import get_settings
from station_kit.db import read_session, write_session
from station_kit.i18n import t
from station_kit.models import AuditEvent, Squad, Team, Volunteer
from station_kit.models.people import IdType
from station_kit.services.actor import Actor
from station_kit.services.org import add_unit
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from station_kit.ui import volunteers
from station_kit.ui.kit import actions
from station_kit.ui.kit.format import esc
from station_kit.ui.kit.forms import NOT_CHOSEN
from station_kit.ui.volunteers import register as register_module
from tests.factories import id_number, unique_phone, volunteer_data, with_bad_check_digit
from tests.widgets import find, find_all


@pytest.fixture(autouse=True)
def clicks_settle_at_once(monkeypatch):
    """A test clicks faster than any person; only the double-click test keeps the real interval."""
    monkeypatch.setattr(actions, "CLICK_SETTLE_SECONDS", 0)


@pytest.fixture
def app(engine, station):
    return volunteers.app(engine=engine)


def widget(app, name):
    return find(app, f"sk-volunteers-{name}")


SEARCH_TAB, CHECK_TAB = 1, 3


def open_tab(app, index: int) -> None:
    """Click a tab's title: its content is built when first opened (kit.layout.lazy_tabs)."""
    widget(app, "tabs").selected_index = index


def fill(app, **values) -> None:
    for name, value in values.items():
        widget(app, name.replace("_", "-")).value = value


def register(app, **values) -> None:
    fill(app, **values)
    widget(app, "submit").click()


def beside(app, field: str) -> str:
    """The message under one field."""
    return widget(app, f"{field}-error").value


def message(app) -> str:
    return widget(app, "message").value


def active_volunteers(engine, station) -> int:
    return headline_figures(engine, station=station.id)["volunteers"]


def valid(**overrides) -> dict:
    values = dict(name="李明", id_number=id_number(), phone=unique_phone(), consent=True)
    values.update(overrides)
    return values


def test_a_valid_form_registers_and_clears(app, engine, station):
    register(app, **valid(residence_area="兴神路小区", team=station.team_id, squad=station.squad_ids[0],
                          posts=station.post_ids[:2]))
    assert esc(t("volunteers.registered", name="李明", number="TST000001")) in message(app)
    assert "sk-msg-success" in message(app)
    assert widget(app, "name").value == "" and widget(app, "consent").value is False
    assert widget(app, "posts").value == ()
    assert active_volunteers(engine, station) == 1


@pytest.mark.parametrize(("values", "field", "key"), [
    (valid(id_number=with_bad_check_digit(id_number())), "id-number", "id_number.checksum"),
    (valid(phone="1380013"), "phone", "phone.invalid"),
    (valid(consent=False), "consent", "consent.required"),
    (valid(name="  "), "name", "name.required"),
])
def test_a_wrong_field_is_explained_beside_it_and_nothing_is_written(app, engine, station, values, field, key):
    register(app, **values)
    assert esc(t(key)) in beside(app, field)
    assert esc(t("form.fix_fields", count=1)) in message(app)
    assert active_volunteers(engine, station) == 0


def test_every_problem_is_shown_at_once(app, engine, station):
    register(app, **valid(id_number=with_bad_check_digit(id_number()), phone="12", consent=False))
    assert esc(t("id_number.checksum")) in beside(app, "id-number")
    assert esc(t("phone.invalid")) in beside(app, "phone")
    assert esc(t("consent.required")) in beside(app, "consent")
    assert esc(t("form.fix_fields", count=3)) in message(app)
    assert active_volunteers(engine, station) == 0


def test_a_registered_id_number_is_refused(app, engine, station):
    number = id_number()
    register(app, **valid(id_number=number))
    register(app, **valid(name="王芳", id_number=number))
    assert esc(t("id_number.duplicate", name="李明", number="TST000001")) in beside(app, "id-number")
    assert active_volunteers(engine, station) == 1


def test_a_fixed_form_goes_through_and_its_old_messages_go(app, engine, station):
    register(app, **valid(phone="123"))
    fill(app, phone=unique_phone())
    widget(app, "submit").click()
    assert beside(app, "phone") == ""
    assert "sk-msg-success" in message(app)
    assert active_volunteers(engine, station) == 1


def test_a_resident_id_gives_gender_and_birth_date(app):
    assert row_of(app, "gender").layout.display == "none"
    fill(app, id_number=id_number(birth_date=dt.date(1985, 6, 15), male=False))
    derived = widget(app, "id-derived").value
    assert t("enum.gender.female") in derived and "1985" in derived
    fill(app, id_type=IdType.passport)
    assert row_of(app, "gender").layout.display is None


def test_another_id_type_needs_gender_and_birth_date(app, engine, station):
    register(app, **valid(id_type=IdType.passport, id_number="E12345678"))
    assert esc(t("gender.required")) in beside(app, "gender")
    assert esc(t("birth_date.required")) in beside(app, "birth-date")
    fill(app, gender="male", birth_date=dt.date(1990, 1, 2))
    widget(app, "submit").click()
    assert "sk-msg-success" in message(app)
    assert active_volunteers(engine, station) == 1


def test_a_child_needs_a_guardian(app, engine, station):
    child_birth = clock.today().replace(year=clock.today().year - 10, day=1)
    assert row_of(app, "guardian-name").layout.display == "none"
    fill(app, id_number=id_number(birth_date=child_birth))
    assert row_of(app, "guardian-name").layout.display is None
    register(app, **valid(id_number=id_number(birth_date=child_birth)))
    assert esc(t("guardian.name_required")) in beside(app, "guardian-name")
    assert esc(t("guardian.consent_required")) in beside(app, "guardian-consent")
    assert active_volunteers(engine, station) == 0


def test_same_name_and_phone_asks_for_confirmation(app, engine, station):
    phone = unique_phone()
    register(app, **valid(name="张伟", phone=phone))
    confirm_row = row_of(app, "allow-similar")
    assert confirm_row.layout.display == "none"
    register(app, **valid(name="张伟", phone=phone))
    assert esc(t("volunteer.possible_duplicate", name="张伟", number="TST000001")) in beside(app, "name")
    assert confirm_row.layout.display is None
    assert active_volunteers(engine, station) == 1
    fill(app, allow_similar=True)
    widget(app, "submit").click()
    assert "sk-msg-success" in message(app)
    assert active_volunteers(engine, station) == 2


def row_of(app, name):
    """The row (label, input, message) that holds one input: hiding it hides all three."""
    target = widget(app, name)
    return next(row for row in find_all(app, "sk-row") if target in actions.walk(row))


def test_search_finds_by_initials_and_phone_tail_with_masked_data(app, engine, station):
    values = valid(name="张伟", phone="13912345678")
    register(app, **values)
    open_tab(app, SEARCH_TAB)
    for query in ("zw", "5678", "张"):
        fill(app, search=query)
        results = widget(app, "results")
        rows = find_all(results, "sk-volunteers-result")
        assert len(rows) == 1, query
        shown = rows[0].children[0].value
        assert "139****5678" in shown and "13912345678" not in shown
        assert values["id_number"] not in shown and values["id_number"][-4:] in shown
    fill(app, search="zzz")
    assert esc(t("volunteers.found_none")) in widget(app, "search-message").value


def test_edit_saves_through_the_service(app, engine, station):
    register(app, **valid(name="张伟", phone="13912345678"))
    open_tab(app, SEARCH_TAB)
    fill(app, search="zw")
    widget(app, "edit").click()
    assert widget(app, "editor").layout.display is None
    assert widget(app, "edit-name").value == "张伟"
    assert widget(app, "edit-phone").value == ""  # never shown, even to edit
    fill(app, edit_phone="13700001111", edit_residence_area="神木小区", edit_team=station.team_id)
    widget(app, "save").click()
    assert esc(t("volunteers.updated", name="张伟", number="TST000001")) in widget(app, "search-message").value
    assert widget(app, "editor").layout.display == "none"
    assert "137****1111" in find_all(app, "sk-volunteers-result")[0].children[0].value


@pytest.fixture
def admin(monkeypatch):
    """This server's worker is the station's admin, 王站长 (STATION_KIT_ROLE=admin)."""
    monkeypatch.setenv("STATION_KIT_ROLE", "admin")
    monkeypatch.setenv("STATION_KIT_OPERATOR", "王站长")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def unmask_looks(engine) -> list[AuditEvent]:
    with read_session(engine) as session:
        return session.exec(select(AuditEvent).where(AuditEvent.action == "volunteer.unmask")).all()


def test_staff_cannot_unmask(app, engine, station):
    register(app, **valid(name="张伟"))
    open_tab(app, SEARCH_TAB)
    fill(app, search="zw")
    widget(app, "edit").click()
    assert widget(app, "unmask-panel").layout.display == "none"


def test_an_admin_unmasks_one_volunteer_with_a_reason_and_the_look_is_logged(admin, engine, station):
    app = volunteers.app(engine=engine)
    values = valid(name="张伟", phone="13912345678")
    register(app, **values)
    open_tab(app, SEARCH_TAB)
    fill(app, search="zw")
    widget(app, "edit").click()
    assert widget(app, "unmask-panel").layout.display is None
    widget(app, "unmask").click()
    assert esc(t("reason.required")) in beside(app, "unmask-reason")
    assert values["id_number"] not in widget(app, "unmasked").value and unmask_looks(engine) == []

    fill(app, unmask_reason="出具志愿服务记录证明")
    widget(app, "unmask").click()
    shown = widget(app, "unmasked").value
    assert values["id_number"] in shown and "13912345678" in shown
    [look] = unmask_looks(engine)
    assert look.operator == "王站长" and "出具志愿服务记录证明" in look.detail
    widget(app, "cancel").click()
    assert widget(app, "unmasked").value == ""  # gone once the editor closes


def test_edit_refuses_a_bad_phone_beside_it(app, engine, station):
    register(app, **valid(name="张伟"))
    open_tab(app, SEARCH_TAB)
    fill(app, search="zw")
    widget(app, "edit").click()
    fill(app, edit_phone="12")
    widget(app, "save").click()
    assert esc(t("phone.invalid")) in beside(app, "edit-phone")


def test_edit_says_beside_a_field_that_its_text_is_too_long_and_saves_nothing(app, engine, station):
    register(app, **valid(name="张伟", residence_area="兴神路小区"))
    open_tab(app, SEARCH_TAB)
    fill(app, search="zw")
    widget(app, "edit").click()
    fill(app, edit_residence_area="区" * 101)
    widget(app, "save").click()
    assert esc(t("form.too_long", max_length=100)) in beside(app, "edit-residence-area")
    with read_session(engine) as session:
        assert session.exec(select(Volunteer.residence_area)).one() == "兴神路小区"


def test_a_name_with_control_characters_is_explained_beside_it(app, engine, station):
    register(app, **valid(name="张\x07伟"))
    assert esc(t("text.control_characters")) in beside(app, "name")
    assert active_volunteers(engine, station) == 0


def test_squads_follow_the_team(engine, station):
    with write_session(engine) as session:
        other = add_unit(scope=Scope(session, Actor("t")), model=Team, station_id=station.id, name="第二服务队")
        add_unit(scope=Scope(session, Actor("t")), model=Squad, station_id=station.id, name="第二队分队", team_id=other.id)
    app = volunteers.app(engine=engine)
    assert len(widget(app, "squad").options) == 4  # 不选 and every squad
    fill(app, team=station.team_id)
    assert [value for _, value in widget(app, "squad").options][1:] == list(station.squad_ids)
    fill(app, team=NOT_CHOSEN, squad=station.squad_ids[1])
    assert widget(app, "team").value == station.team_id


def test_duplicates_are_merged_into_the_chosen_record(app, engine, station):
    phone = unique_phone()
    register(app, **valid(name="张伟", phone=phone))
    register(app, **valid(name="张伟", phone=phone, allow_similar=True))
    assert active_volunteers(engine, station) == 2
    widget(app, "tabs").selected_index = 2
    assert esc(t("volunteers.duplicates_found", count=1)) in widget(app, "duplicates-message").value
    keep = widget(app, "keep")
    keep.value = keep.options[1][1]
    widget(app, "merge").click()
    assert esc(t("volunteers.merged", kept="TST000002", merged="TST000001")) in widget(
        app, "duplicates-message").value
    assert active_volunteers(engine, station) == 1
    assert find_all(app, "sk-volunteers-merge") == []


def test_a_double_click_registers_once(app, engine, station, monkeypatch):
    monkeypatch.setattr(actions, "CLICK_SETTLE_SECONDS", 5)
    fill(app, **valid())
    widget(app, "submit").click()
    widget(app, "submit").click()  # queued while the first ran: lands on the cleared form
    assert "sk-msg-success" in message(app)
    assert active_volunteers(engine, station) == 1


def test_a_quick_click_after_fixing_a_field_is_heard(app, engine, station, monkeypatch):
    monkeypatch.setattr(actions, "CLICK_SETTLE_SECONDS", 5)
    register(app, **valid(phone="123"))
    register(app, phone=unique_phone())
    assert "sk-msg-success" in message(app)
    assert active_volunteers(engine, station) == 1


def test_an_unexpected_error_is_logged_and_explained_calmly(app, engine, station, monkeypatch, caplog):
    def broken(**_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(register_module, "register_volunteer", broken)
    with caplog.at_level(logging.ERROR, logger="station_kit.ui"):
        register(app, **valid())
    assert esc(t("error.unexpected")) in message(app)
    assert "database went away" not in message(app)
    assert "database went away" in caplog.text
    assert widget(app, "submit").disabled is False


def test_what_a_person_typed_is_escaped(app, engine, station):
    register(app, **valid(name="<b>王</b>"))
    assert "<b>" not in message(app) and "&lt;b&gt;" in message(app)
    open_tab(app, SEARCH_TAB)
    fill(app, search="王")
    shown = find_all(app, "sk-volunteers-result")[0].children[0].value
    assert "<b>" not in shown


def test_too_long_a_value_is_explained(app, engine, station):
    register(app, **valid(id_number="1" * 40))
    assert esc(t("form.too_long", max_length=30)) in beside(app, "id-number")
    assert active_volunteers(engine, station) == 0


def test_without_a_station_the_app_says_what_to_do(engine):
    app = volunteers.app(engine=engine)
    assert esc(t("station.none")) in "".join(getattr(w, "value", "") for w in actions.walk(app)
                                               if isinstance(getattr(w, "value", None), str))


def test_registered_by_the_service_is_found_by_the_app(app, engine, station):
    with write_session(engine) as session:
        register_volunteer(scope=Scope(session, Actor("test")), station_id=station.id, data=volunteer_data(name="赵敏"))
    open_tab(app, SEARCH_TAB)
    fill(app, search="zm")
    assert len(find_all(app, "sk-volunteers-result")) == 1


def test_the_service_certificate_is_issued_for_approved_hours_and_offered_as_a_pdf(app, engine, station):
    import base64
    import re

    from station_kit.models import IssuedCertificate
    from station_kit.services import activities, records
    from station_kit.services.records import Attendance
    from tests.factories import activity_data
    from tests.pdfs import pdf_text

    values = valid(name="张伟")
    register(app, **values)
    open_tab(app, SEARCH_TAB)
    fill(app, search="zw")
    widget(app, "edit").click()
    widget(app, "certificate").click()
    assert esc(t("certificate.no_approved_hours", name="张伟", number="TST000001")) in widget(
        app, "certificate-message").value
    assert widget(app, "certificate-link").value == ""

    starts = dt.datetime(2022, 8, 5, 9, tzinfo=clock.CHINA)
    with write_session(engine) as session:
        volunteer_id = session.exec(select(Volunteer.id)).one()
        activity = activities.plan_activity(scope=Scope(session, Actor("t")), station_id=station.id,
                                             data=activity_data(starts_at=starts, hours=3)).id
        [record] = records.record_attendance(scope=Scope(session, Actor("t")), activity_id=activity,
                                             entries=[Attendance(volunteer_id, 150)],
                                             entered_at=starts + dt.timedelta(hours=4))
        records.approve_records(scope=Scope(session, Actor("t")), record_ids=[record.id])
    widget(app, "certificate").click()
    link = widget(app, "certificate-link").value
    href = re.search(r'href="data:application/pdf;base64,([^"]+)"', link)
    assert href and 'download="' in link
    text = pdf_text(base64.b64decode(href.group(1)))
    assert "张伟" in text and "2.5" in text and values["id_number"] not in text
    with read_session(engine) as session:
        [issued] = session.exec(select(IssuedCertificate)).all()
    assert issued.number in text and issued.number in widget(app, "certificate-message").value
    widget(app, "cancel").click()
    assert widget(app, "certificate-link").value == ""  # no link left for the next volunteer opened


def test_a_certificate_number_is_checked_in_its_own_tab(app, engine, station):
    from station_kit.services import activities, records
    from station_kit.services.certificates import issue_service_certificate
    from station_kit.services.records import Attendance
    from tests.factories import activity_data

    starts = dt.datetime(2022, 8, 5, 9, tzinfo=clock.CHINA)
    with write_session(engine) as session:
        volunteer = register_volunteer(scope=Scope(session, Actor("t")), station_id=station.id,
                                       data=volunteer_data(name="张伟"))
        activity = activities.plan_activity(scope=Scope(session, Actor("t")), station_id=station.id,
                                             data=activity_data(starts_at=starts, hours=3)).id
        [record] = records.record_attendance(scope=Scope(session, Actor("t")), activity_id=activity,
                                             entries=[Attendance(volunteer.id, 150)],
                                             entered_at=starts + dt.timedelta(hours=4))
        records.approve_records(scope=Scope(session, Actor("t")), record_ids=[record.id])
        number = issue_service_certificate(scope=Scope(session, Actor("李经办")),
                                           volunteer_id=volunteer.id).certificate_number
    open_tab(app, CHECK_TAB)
    widget(app, "check-number").value = f" {number.lower()} "  # Enter in the box checks
    shown = widget(app, "check-result").value
    assert esc(t("certificate_check.found", number=number)) in widget(app, "check-message").value
    assert "张**" in shown and "张伟" not in shown and "2.5" in shown and "李经办" in shown
    widget(app, "check-number").value = "TST-ZM-1999-99999"
    assert esc(t("certificate_check.unknown", number="TST-ZM-1999-99999")) in widget(app, "check-message").value
    assert widget(app, "check-result").value == ""
    widget(app, "check-number").value = "证明一号"
    widget(app, "check").click()
    assert esc(t("certificate_check.number_format")) in beside(app, "check-number")
