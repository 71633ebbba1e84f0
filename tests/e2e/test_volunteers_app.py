"""志愿者 in headless Chromium, served by `station-kit serve` over the demo station: register,
refusals beside their fields, search with masked data, merging duplicates — and the database
checked from the test, so "nothing was written" is seen, not assumed."""

from __future__ import annotations

import pytest

from station_kit.analytics import headline_figures
from station_kit.db import get_engine, read_session
from station_kit.i18n import t
from station_kit.services.org import current_station
from station_kit.services.scope import Scope
from tests.e2e.pages import ACTION_TIMEOUT_MS, PAGE_TIMEOUT_MS, clipped, expect, open_app
from tests.factories import READER, id_number, unique_phone, with_bad_check_digit

pytestmark = pytest.mark.e2e
WARM_APPS = ("volunteers",)  # the apps it opens get warm kernels (serve --warm)


@pytest.fixture(scope="module")
def count_volunteers(demo):
    """How many active volunteers the database holds, read beside the server."""
    engine = get_engine(demo[0])

    def count() -> int:
        with read_session(engine) as session:
            return headline_figures(engine, station=current_station(Scope(session, READER)).id)["volunteers"]

    yield count
    engine.dispose()


@pytest.fixture
def app(server, page, request_log):
    """The volunteers page, loaded; afterwards, no request may have left 127.0.0.1."""
    yield open_app(page, server.app_url("volunteers"), ready=".sk-volunteers-submit",
                   action_timeout_ms=ACTION_TIMEOUT_MS, height=1000)
    assert request_log.foreign() == []


def fill_form(page, *, name: str, number: str, phone: str, consent: bool = True) -> None:
    page.locator(".sk-volunteers-name input").fill(name)
    page.locator(".sk-volunteers-id-number input").fill(number)
    page.locator(".sk-volunteers-phone input").fill(phone)
    consent_box = page.locator(".sk-volunteers-consent input")
    consent_box.check() if consent else consent_box.uncheck()


def submit(page) -> None:
    page.locator(".sk-volunteers-submit").click()


def open_tab(page, title_key: str) -> None:
    page.locator(".sk-volunteers-tabs .lm-TabBar-tab", has_text=t(title_key)).click()


def test_register_a_volunteer(app, count_volunteers, screenshots):
    before = count_volunteers()
    fill_form(app, name="贺新春", number=id_number(), phone=unique_phone())
    app.locator(".sk-volunteers-team select").select_option(index=1)
    expect(app.locator(".sk-volunteers-id-derived")).to_contain_text(t("volunteers.gender_auto").strip("（）"))
    app.screenshot(path=screenshots / "volunteers_register_filled.png", full_page=True)
    submit(app)
    expect(app.locator(".sk-volunteers-message")).to_contain_text("已登记：贺新春")
    expect(app.locator(".sk-volunteers-name input")).to_have_value("")
    assert count_volunteers() == before + 1
    app.screenshot(path=screenshots / "volunteers_registered.png", full_page=True)


@pytest.mark.parametrize(("change", "field", "key"), [
    ("bad_check_digit", "id-number", "id_number.checksum"),
    ("bad_phone", "phone", "phone.invalid"),
    ("no_consent", "consent", "consent.required"),
])
def test_a_wrong_field_is_explained_beside_it(app, count_volunteers, screenshots, change, field, key):
    before = count_volunteers()
    number = with_bad_check_digit(id_number()) if change == "bad_check_digit" else id_number()
    phone = "1380013" if change == "bad_phone" else unique_phone()
    fill_form(app, name="常乐", number=number, phone=phone, consent=change != "no_consent")
    submit(app)
    expect(app.locator(f".sk-volunteers-{field}-error")).to_have_text(t(key))
    expect(app.locator(".sk-volunteers-message")).to_contain_text(t("form.fix_fields", count=1))
    assert count_volunteers() == before
    if change == "bad_check_digit":
        app.screenshot(path=screenshots / "volunteers_bad_check_digit.png", full_page=True)


def test_a_registered_id_number_is_refused(app, count_volunteers):
    number = id_number()
    fill_form(app, name="岳明", number=number, phone=unique_phone())
    submit(app)
    expect(app.locator(".sk-volunteers-message")).to_contain_text("已登记：岳明")
    before = count_volunteers()
    fill_form(app, name="岳明亮", number=number, phone=unique_phone())
    submit(app)
    expect(app.locator(".sk-volunteers-id-number-error")).to_contain_text("该证件号码已登记：岳明")
    assert count_volunteers() == before


def test_search_finds_the_new_volunteer_with_a_masked_phone(app, screenshots):
    fill_form(app, name="钟灵秀", number=id_number(), phone="13612345678")
    submit(app)
    expect(app.locator(".sk-volunteers-message")).to_contain_text("已登记：钟灵秀")
    open_tab(app, "volunteers.tab_search")
    app.locator(".sk-volunteers-search input").fill("zlx")
    app.locator(".sk-volunteers-search-submit").click()
    row = app.locator(".sk-volunteers-result", has_text="钟灵秀")
    expect(row).to_contain_text("136****5678")
    expect(row).not_to_contain_text("13612345678")
    assert clipped(app, ".sk-volunteers-results, .sk-volunteers-result") == []  # the 编辑 button is on screen
    app.screenshot(path=screenshots / "volunteers_search.png", full_page=True)
    row.locator(".sk-volunteers-edit").click()
    expect(app.locator(".sk-volunteers-edit-name input")).to_have_value("钟灵秀")
    expect(app.locator(".sk-volunteers-unmask")).to_be_hidden()  # staff never unmask
    app.locator(".sk-volunteers-edit-residence-area input").fill("兴神路二号院")
    app.screenshot(path=screenshots / "volunteers_edit.png", full_page=True)
    app.locator(".sk-volunteers-save").click()
    expect(app.locator(".sk-volunteers-search-message")).to_contain_text("已保存：钟灵秀")


def test_duplicates_are_confirmed_then_merged(app, count_volunteers, screenshots):
    phone = unique_phone()
    fill_form(app, name="司马可", number=id_number(), phone=phone)
    submit(app)
    expect(app.locator(".sk-volunteers-message")).to_contain_text("已登记：司马可")
    fill_form(app, name="司马可", number=id_number(), phone=phone)
    submit(app)
    expect(app.locator(".sk-volunteers-name-error")).to_contain_text("可能重复")
    before = count_volunteers()
    app.locator(".sk-volunteers-allow-similar input").check()
    submit(app)
    expect(app.locator(".sk-volunteers-message")).to_contain_text("已登记：司马可")
    assert count_volunteers() == before + 1

    open_tab(app, "volunteers.tab_duplicates")
    group = app.locator(".sk-volunteers-duplicate-group", has_text="司马可")
    expect(group).to_contain_text(t("volunteers.duplicate_by_name_phone"))
    group.locator(".sk-volunteers-keep input[type=radio]").nth(1).check()
    app.screenshot(path=screenshots / "volunteers_duplicates.png", full_page=True)
    group.locator(".sk-volunteers-merge").click()
    expect(app.locator(".sk-volunteers-duplicates-message")).to_contain_text("已合并")
    expect(app.locator(".sk-volunteers-duplicate-group", has_text="司马可")).to_have_count(0)
    assert count_volunteers() == before


def test_an_admin_unmasks_one_volunteer_with_a_reason(serve_station, demo, page, request_log, screenshots):
    url, env = demo
    admin = serve_station(url, env={**env, "STATION_KIT_ROLE": "admin", "STATION_KIT_OPERATOR": "王站长"},
                          args=("--warm", "volunteers"))
    open_app(page, admin.app_url("volunteers"), ready=".sk-volunteers-submit", action_timeout_ms=ACTION_TIMEOUT_MS)
    number, phone = id_number(), unique_phone()
    fill_form(page, name="白玉兰", number=number, phone=phone)
    submit(page)
    expect(page.locator(".sk-volunteers-message")).to_contain_text("已登记：白玉兰", timeout=PAGE_TIMEOUT_MS)
    open_tab(page, "volunteers.tab_search")
    page.locator(".sk-volunteers-search input").fill("白玉兰")
    page.locator(".sk-volunteers-search-submit").click()
    row = page.locator(".sk-volunteers-result", has_text="白玉兰")
    expect(row).not_to_contain_text(number)
    row.locator(".sk-volunteers-edit").click()
    page.locator(".sk-volunteers-unmask").click()
    expect(page.locator(".sk-volunteers-unmask-reason-error")).to_have_text(t("reason.required"))
    expect(page.locator(".sk-volunteers-unmasked")).to_have_text("")
    page.locator(".sk-volunteers-unmask-reason input").fill("出具志愿服务记录证明")
    page.locator(".sk-volunteers-unmask").click()
    expect(page.locator(".sk-volunteers-unmasked")).to_contain_text(number)
    expect(page.locator(".sk-volunteers-unmasked")).to_contain_text(phone)
    expect(page.locator(".sk-volunteers-unmask-message")).to_contain_text("王站长")
    page.screenshot(path=screenshots / "volunteers_unmask.png", full_page=True)
    page.locator(".sk-volunteers-cancel").click()
    expect(page.locator(".sk-volunteers-unmasked")).to_have_text("")
    # The same server's 首页 offers this admin the station's details as a form (others only read them).
    page.goto(admin.app_url("home"), timeout=PAGE_TIMEOUT_MS)
    expect(page.locator(".sk-home-station-name input")).to_have_value("兴神路社区", timeout=PAGE_TIMEOUT_MS)
    page.locator(".sk-home-station-contact input").fill("xx")
    page.locator(".sk-home-station-save").click()
    expect(page.locator(".sk-home-station-contact-error")).to_contain_text("区号")
    page.screenshot(path=screenshots / "home_admin.png", full_page=True)
    assert request_log.foreign() == []


def test_the_service_certificate_downloads_as_a_pdf(app, demo, tmp_path, screenshots):
    """The editor's 志愿服务记录证明: one click issues it, the link saves a PDF that names the volunteer."""
    from sqlmodel import select

    from station_kit.models import ServiceRecord, Volunteer
    from station_kit.models.work import RecordStatus
    from tests.pdfs import pdf_text

    engine = get_engine(demo[0])
    with read_session(engine) as session:
        served = session.exec(select(Volunteer).where(Volunteer.active, Volunteer.id.in_(
            select(ServiceRecord.volunteer_id).where(ServiceRecord.status == RecordStatus.approved)))
            .order_by(Volunteer.id)).first()
    engine.dispose()
    open_tab(app, "volunteers.tab_search")
    app.locator(".sk-volunteers-search input").fill(served.number)
    app.locator(".sk-volunteers-search-submit").click()
    app.locator(".sk-volunteers-result", has_text=served.name).locator(".sk-volunteers-edit").click()
    app.locator(".sk-volunteers-certificate").click()
    link = app.locator(".sk-volunteers-certificate-link a")
    expect(link).to_contain_text("PDF")
    app.screenshot(path=screenshots / "volunteers_certificate.png", full_page=True)
    with app.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".pdf" and served.name in saved.name
    text = pdf_text(saved.read_bytes())
    assert served.name in text and served.number in text and served.id_number_masked in text
