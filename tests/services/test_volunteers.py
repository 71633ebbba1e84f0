"""The volunteer registry, on SQLite and PostgreSQL: what a station worker would notice."""

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlmodel import select

from station_kit import clock
from station_kit.db import read_session, write_session
from station_kit.errors import DomainError
from station_kit.models import AuditEvent, Volunteer, VolunteerPost
from station_kit.models.people import Gender, IdType, VolunteerUpdate
from station_kit.services import duplicates
from station_kit.services import volunteers as service
from station_kit.services.actor import Actor, Role
from station_kit.services.scope import Scope
from tests.factories import (
    READER,
    id_number,
    unique_phone,
    volunteer_data,
    with_bad_check_digit,
    with_check_digit,
)


def register(engine, station, **overrides):
    with write_session(engine) as session:
        return service.register_volunteer(scope=Scope(session, Actor("staff")), station_id=station.id,
                                          data=volunteer_data(**overrides))


def stored(engine, volunteer_id: int) -> Volunteer:
    """The volunteer's row as the database holds it (a service hands back only what may be shown)."""
    with read_session(engine) as session:
        return session.get(Volunteer, volunteer_id)


def count_volunteers(engine) -> int:
    with read_session(engine) as session:
        return len(session.exec(select(Volunteer)).all())


def refused(engine, station, **overrides) -> list[str]:
    with pytest.raises(DomainError) as caught:
        register(engine, station, **overrides)
    return caught.value.keys()


def test_register_derives_gender_and_birth_date_and_numbers_the_volunteer(engine, station):
    number = id_number(birth_date=dt.date(1990, 2, 3), male=False)
    volunteer = register(engine, station, id_number=number, post_ids=list(station.post_ids[:2]))
    assert volunteer.gender == Gender.female
    assert volunteer.age == clock.today().year - 1990 and stored(engine, volunteer.id).birth_year == 1990
    assert volunteer.number == "TST000001"
    assert stored(engine, volunteer.id).consent_at == clock.today()
    with read_session(engine) as session:
        assert len(session.exec(select(VolunteerPost)).all()) == 2


def test_an_id_number_typed_in_full_width_digits_is_the_same_person(engine, station):
    number = id_number()
    register(engine, station, id_number=number)
    wide = number[:2] + "".join(chr(ord(c) + 0xFEE0) for c in number[2:])
    assert refused(engine, station, id_number=wide) == ["id_number.duplicate"]
    assert count_volunteers(engine) == 1


@pytest.mark.parametrize("phone, key", [("138OO138OOO", "phone.characters"),
                                        ("0912-8321234转8001", "phone.extension")])
def test_a_phone_with_letters_or_an_extension_is_refused(engine, station, phone, key):
    assert refused(engine, station, phone=phone) == [key]
    assert count_volunteers(engine) == 0


def test_id_number_is_stored_encrypted_and_shown_masked(engine, station):
    number = id_number()
    phone = unique_phone()
    register(engine, station, id_number=number, phone=phone)
    with read_session(engine) as session:
        row = session.exec(select(Volunteer)).one()
        assert number not in row.id_number_cipher and number != row.id_number_hash
        assert number[6:14] not in row.birth_date_cipher
        shown = service.search_volunteers(scope=Scope(session, READER), station_id=station.id)[0]
    assert shown.id_number == "*" * 14 + number[-4:]
    assert shown.phone == phone[:3] + "****" + phone[-4:]


@pytest.mark.parametrize("overrides, key", [
    ({"id_number": "61272219850615"}, "id_number.length"),
    ({"id_number": with_check_digit("61272219851345001")}, "id_number.birth_date"),
    ({"id_number": with_check_digit("99010119850615001")}, "id_number.province"),
    ({"phone": "12345"}, "phone.invalid"),
    ({"phone": ""}, "phone.required"),
    ({"consent": False}, "consent.required"),
    ({"name": "  "}, "name.required"),
])
def test_bad_input_is_refused_with_its_field_and_nothing_is_written(engine, station, overrides, key):
    assert key in refused(engine, station, **overrides)
    assert count_volunteers(engine) == 0


def test_bad_check_digit_is_refused(engine, station):
    assert refused(engine, station, id_number=with_bad_check_digit(id_number())) == ["id_number.checksum"]
    assert count_volunteers(engine) == 0


def test_every_wrong_field_is_reported_at_once(engine, station):
    keys = refused(engine, station, name="", phone="123", consent=False,
                   id_number=with_bad_check_digit(id_number()))
    assert set(keys) == {"name.required", "phone.invalid", "consent.required", "id_number.checksum"}


def test_unknown_county_code_is_accepted_with_a_note(engine, station):
    # 610821 (神木县, 1999–2017) on a card of someone born in 1970: real cards carry such codes.
    volunteer = register(engine, station, id_number=with_check_digit("610821" + "19700101" + "123"))
    assert volunteer.id_number_note == "id_number.region_unverified"


def test_entered_gender_that_contradicts_the_id_number_is_refused(engine, station):
    keys = refused(engine, station, id_number=id_number(male=True), gender=Gender.female)
    assert keys == ["gender.conflicts_id_number"]


def test_passport_holder_gives_gender_and_birth_date(engine, station):
    assert set(refused(engine, station, id_type=IdType.passport, id_number="E12345678")) == {
        "gender.required", "birth_date.required"}
    volunteer = register(engine, station, id_type=IdType.passport, id_number="e1234 5678",
                         gender=Gender.male, birth_date=dt.date(1980, 1, 1))
    assert volunteer.id_number == "*****5678"


def test_under_fourteen_needs_a_guardian(engine, station):
    child = id_number(birth_date=clock.today().replace(year=clock.today().year - 12) - dt.timedelta(days=3))
    assert set(refused(engine, station, id_number=child)) == {
        "guardian.name_required", "guardian.consent_required"}
    volunteer = register(engine, station, id_number=child, guardian_name="王芳", guardian_consent=True)
    assert stored(engine, volunteer.id).guardian_consent_at == clock.today()


def test_same_id_number_twice_is_refused_naming_the_first(engine, station):
    number = id_number()
    first = register(engine, station, id_number=number)
    with pytest.raises(DomainError) as caught:
        register(engine, station, id_number=number, name="李娜")
    assert caught.value.errors[0].key == "id_number.duplicate"
    assert caught.value.errors[0].params["number"] == first.number
    assert count_volunteers(engine) == 1


def test_same_name_and_phone_needs_confirmation(engine, station):
    phone = unique_phone()
    register(engine, station, phone=phone)
    assert refused(engine, station, phone=phone) == ["volunteer.possible_duplicate"]
    with write_session(engine) as session:
        service.register_volunteer(scope=Scope(session, Actor("staff")), station_id=station.id,
                                   data=volunteer_data(phone=phone),
                                   allow_similar=True)
    assert count_volunteers(engine) == 2


def test_squad_must_belong_to_the_chosen_team(engine, station):
    assert refused(engine, station, team_id=station.team_id, squad_id=10_000) == ["squad.unknown"]


@pytest.mark.parametrize("query", ["张伟", "zw", "zhangwei", "8000"])
def test_search_by_name_pinyin_initials_and_phone_tail(engine, station, query):
    register(engine, station, name="张伟", phone="13900008000")
    register(engine, station, name="李娜", phone="13900001111")
    with read_session(engine) as session:
        found = service.search_volunteers(scope=Scope(session, READER), station_id=station.id, query=query)
    assert [v.name for v in found] == ["张伟"]


def test_search_sorts_by_pinyin_with_surname_readings(engine, station):
    for name in ("曾红", "张伟", "安娜"):
        register(engine, station, name=name)
    with read_session(engine) as session:
        found = service.search_volunteers(scope=Scope(session, READER), station_id=station.id)
    # 曾 as a surname reads zeng, so 曾红 sorts before 张伟 (zhang), not as "ceng" before both.
    assert [v.name for v in found] == ["安娜", "曾红", "张伟"]


def test_update_revalidates_and_audits_field_names_only(engine, station):
    volunteer = register(engine, station)
    with pytest.raises(DomainError), write_session(engine) as session:
        service.update_volunteer(scope=Scope(session, Actor("staff")), volunteer_id=volunteer.id,
                                 data=VolunteerUpdate(phone="999"))
    new_phone = unique_phone()
    with write_session(engine) as session:
        service.update_volunteer(scope=Scope(session, Actor("staff")), volunteer_id=volunteer.id,
                                 data=VolunteerUpdate(phone=new_phone, name="张伟伟"))
    with read_session(engine) as session:
        row = session.get(Volunteer, volunteer.id)
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "volunteer.update")).one()
    assert (row.phone, row.name_initials) == (new_phone, "zww")
    assert new_phone not in event.detail and "phone" in event.detail


def test_every_write_is_audited_in_the_same_transaction(engine, station):
    with pytest.raises(DomainError), write_session(engine) as session:
        service.register_volunteer(scope=Scope(session, Actor("staff")), station_id=station.id,
                                   data=volunteer_data(consent=False))
    register(engine, station)
    with read_session(engine) as session:
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity == "volunteer")).all()
    assert actions == ["volunteer.register"]


def test_merge_keeps_every_record_and_leaves_one_active(engine, station):
    phone = unique_phone()
    keep = register(engine, station, phone=phone, post_ids=[station.post_ids[0]])
    with write_session(engine) as session:
        drop = service.register_volunteer(
            scope=Scope(session, Actor("staff")), station_id=station.id, allow_similar=True,
            data=volunteer_data(phone=phone, skills="理发", post_ids=list(station.post_ids[:2])))
    with read_session(engine) as session:
        groups = duplicates.find_duplicates(scope=Scope(session, READER), station_id=station.id)
    assert [(g.reason, [v.id for v in g.volunteers]) for g in groups] == [
        ("name_phone", [keep.id, drop.id])]
    with write_session(engine) as session:
        duplicates.merge_volunteers(scope=Scope(session, Actor("staff")), keep_id=keep.id, drop_id=drop.id)
    with read_session(engine) as session:
        kept = session.get(Volunteer, keep.id)
        dropped = session.get(Volunteer, drop.id)
        posts = session.exec(select(VolunteerPost.post_id).where(VolunteerPost.volunteer_id == keep.id)).all()
        assert duplicates.find_duplicates(scope=Scope(session, READER), station_id=station.id) == []
    assert kept.skills == "理发" and kept.active
    assert not dropped.active and dropped.merged_into_id == keep.id
    assert (dropped.status, dropped.deactivation_reason) == ("merged", f"merged into {kept.number}")
    assert dropped.deactivated_at is not None
    assert sorted(posts) == sorted(station.post_ids[:2])


def test_merging_an_inactive_volunteer_is_refused(engine, station):
    first, second = register(engine, station), register(engine, station, name="李娜")
    with write_session(engine) as session:
        service.deactivate_volunteer(scope=Scope(session, Actor("staff")), volunteer_id=second.id, reason="搬离社区")
    with pytest.raises(DomainError) as caught, write_session(engine) as session:
        duplicates.merge_volunteers(scope=Scope(session, Actor("staff")), keep_id=first.id, drop_id=second.id)
    assert caught.value.keys() == ["volunteer.inactive"]


def test_deactivated_volunteers_leave_search_but_stay_on_record(engine, station):
    volunteer = register(engine, station)
    with write_session(engine) as session:
        service.deactivate_volunteer(scope=Scope(session, Actor("staff")), volunteer_id=volunteer.id, reason="搬离社区")
    with read_session(engine) as session:
        assert service.search_volunteers(scope=Scope(session, READER), station_id=station.id) == []
        assert len(service.search_volunteers(scope=Scope(session, READER), station_id=station.id,
                                             include_inactive=True)) == 1


def test_reveal_shows_the_full_number_and_is_audited(engine, station):
    number = id_number()
    volunteer = register(engine, station, id_number=number)
    with write_session(engine) as session:
        shown = service.reveal_personal_data(scope=Scope(session, Actor("admin", Role.admin)),
                                             volunteer_id=volunteer.id, reason="出具证明")
    assert shown.id_number == number
    with read_session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "volunteer.unmask")).one()
    assert event.operator == "admin" and number not in event.detail


@pytest.mark.parametrize(("role", "reason", "key"), [("staff", "出具证明", "personal_data.admin_only"),
                                                     ("admin", "  ", "reason.required")])
def test_reveal_is_refused_to_staff_and_without_a_reason_and_nothing_is_logged(engine, station, role, reason, key):
    volunteer = register(engine, station)
    with pytest.raises(DomainError) as refused, write_session(engine) as session:
        service.reveal_personal_data(scope=Scope(session, Actor("小王", Role(role))), volunteer_id=volunteer.id,
                                     reason=reason)
    assert refused.value.keys() == [key]
    with read_session(engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "volunteer.unmask")).all() == []


def test_update_can_clear_team_and_squad_but_none_leaves_other_fields(engine, station):
    volunteer = register(engine, station, team_id=station.team_id, squad_id=station.squad_ids[0],
                         skills="理发")
    with write_session(engine) as session:
        service.update_volunteer(scope=Scope(session, Actor("staff")), volunteer_id=volunteer.id,
                                 data=VolunteerUpdate(team_id=None, squad_id=None, skills=None))
    with read_session(engine) as session:
        row = session.get(Volunteer, volunteer.id)
    assert (row.team_id, row.squad_id, row.skills) == (None, None, "理发")


def test_search_by_full_volunteer_number(engine, station):
    first = register(engine, station)
    register(engine, station, name="李娜")
    with read_session(engine) as session:
        found = service.search_volunteers(scope=Scope(session, READER), station_id=station.id,
                                          query=first.number.lower())
    assert [v.number for v in found] == [first.number]


def test_control_characters_in_a_name_are_refused_and_nothing_written(engine, station):
    assert refused(engine, station, name="\x07\x00") == ["text.control_characters"]
    assert refused(engine, station, skills="护理\x00") == ["text.control_characters"]
    assert count_volunteers(engine) == 0


def test_a_search_with_a_nul_or_control_character_still_searches(engine, station):
    register(engine, station, name="张伟")
    with read_session(engine) as session:
        for query, found in (("\x00", ["张伟"]), ("张\x00伟\x07", ["张伟"]), ("张" * 500, [])):
            shown = service.search_volunteers(scope=Scope(session, READER), station_id=station.id, query=query)
            assert [v.name for v in shown] == found


@pytest.mark.parametrize("field, most", [("residence_area", 100), ("skills", 200), ("service_categories", 200),
                                         ("guardian_name", 50), ("phone", 20), ("name", 50)])
def test_the_edit_shape_refuses_text_longer_than_its_column(field, most):
    VolunteerUpdate(**{field: "区" * most})
    with pytest.raises(ValidationError) as caught:
        VolunteerUpdate(**{field: "区" * (most + 1)})
    assert DomainError.from_validation(caught.value).keys() == ["form.too_long"]


def test_an_edit_with_control_characters_is_refused_and_nothing_changes(engine, station):
    volunteer = register(engine, station, residence_area="兴神路社区")
    with pytest.raises(DomainError) as caught, write_session(engine) as session:
        service.update_volunteer(scope=Scope(session, Actor("staff")), volunteer_id=volunteer.id,
                                 data=VolunteerUpdate(residence_area="兴神路\x00", name="\u200b"))
    assert {(e.field, e.key) for e in caught.value.errors} == {
        ("residence_area", "text.control_characters"), ("name", "text.control_characters")}
    with read_session(engine) as session:
        assert session.get(Volunteer, volunteer.id).residence_area == "兴神路社区"


@pytest.mark.parametrize("reason, key", [("迁" * 201, "form.too_long"), ("迁出\x00", "text.control_characters")])
def test_reasons_are_checked_like_any_text(engine, station, reason, key):
    volunteer = register(engine, station)
    for act in (service.deactivate_volunteer, service.reveal_personal_data):
        actor = Actor("站长", Role.admin) if act is service.reveal_personal_data else Actor("staff")
        with pytest.raises(DomainError) as caught, write_session(engine) as session:
            act(scope=Scope(session, actor), volunteer_id=volunteer.id, reason=reason)
        assert [(e.field, e.key) for e in caught.value.errors] == [("reason", key)]
    with read_session(engine) as session:
        assert session.get(Volunteer, volunteer.id).active


def test_a_name_whose_pinyin_outgrows_its_column_still_registers(engine, station):
    # 50 characters of 双 read as 300 letters of pinyin; the column that sorts by it holds 200.
    volunteer = register(engine, station, name="双" * 50)
    pinyin = stored(engine, volunteer.id).name_pinyin
    assert pinyin.startswith("shuangshuang") and len(pinyin) <= 200


@pytest.mark.parametrize("query, found", [("张_", []), ("%", ["张%"]), ("_", ["李伟_"]), ("1%", []), ("z_", []),
                                          ("张%", ["张%"]), ("伟_", ["李伟_"])])
def test_a_typed_percent_or_underscore_is_a_character_not_a_wildcard(engine, station, query, found):
    for year, name in enumerate(("张伟", "张三", "张%", "李伟_"), start=1980):
        register(engine, station, name=name, id_number=id_number(birth_date=dt.date(year, 1, 1)))
    with read_session(engine) as session:
        shown = service.search_volunteers(scope=Scope(session, READER), station_id=station.id, query=query)
    assert sorted(v.name for v in shown) == found


@pytest.mark.parametrize("birth_date", [dt.date(600, 1, 1), dt.date(1899, 12, 31),
                                        clock.today() + dt.timedelta(days=1)])
def test_a_passport_holders_birth_date_must_be_plausible(engine, station, birth_date):
    assert refused(engine, station, id_type=IdType.passport, id_number="E12345678", gender=Gender.male,
                   birth_date=birth_date) == ["birth_date.out_of_range"]
    assert count_volunteers(engine) == 0


@pytest.mark.parametrize("consent_date", [dt.date(2999, 1, 1), clock.today() + dt.timedelta(days=1),
                                          dt.date(1984, 12, 31)])
def test_consent_cannot_be_dated_in_the_future_or_before_birth(engine, station, consent_date):
    born_1985 = id_number(birth_date=dt.date(1985, 6, 15))
    assert refused(engine, station, id_number=born_1985, consent_date=consent_date) == ["consent.date_out_of_range"]
    assert count_volunteers(engine) == 0


@pytest.mark.parametrize("name", ["\u200b", "\u200c\u200d", "\u2060\u2060", "\ufeff", " \u200b ", "张\u0000伟"])
def test_a_name_of_invisible_or_control_characters_is_refused(engine, station, name):
    [key] = refused(engine, station, name=name)
    assert key in ("name.required", "text.control_characters")
    assert count_volunteers(engine) == 0


def test_a_minority_name_keeps_its_middle_dot(engine, station):
    assert register(engine, station, name="阿依古丽·买买提").name == "阿依古丽·买买提"
