"""首页 in process: what a worker sees first — the station, today's figures, the way into each app."""

from __future__ import annotations

import asyncio
import logging

from station_kit import clock
from station_kit.analytics import HEADLINE_KEYS
from station_kit.config import PROJECT_ROOT
from station_kit.db import read_session, write_session
from station_kit.i18n import t
from station_kit.services.actor import Actor, Role
from station_kit.services.org import create_station, current_station
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from station_kit.ui import home, registry
from station_kit.ui.kit import context
from station_kit.ui.kit.actions import walk
from station_kit.ui.kit.context import set_actor_provider
from station_kit.ui.kit.format import esc, format_date
from tests.factories import READER, volunteer_data
from tests.loops import in_a_thread_of_its_own, on_a_loop_of_its_own
from tests.widgets import find, find_all


def figure(app, key: str) -> str:
    return find(app, f"sk-home-figure-{key.replace('_', '-')}").value


def all_text(app) -> str:
    return "".join(widget.value for widget in walk(app) if isinstance(getattr(widget, "value", None), str))


def test_home_shows_the_station_date_and_live_figures(engine, station):
    with write_session(engine) as session:
        for party in (True, False):
            register_volunteer(scope=Scope(session, Actor("test")), station_id=station.id,
                               data=volunteer_data(is_party_member=party), allow_similar=True)
    app = home.app(engine=engine)
    assert find(app, "sk-home-title").value == esc(t("home.title", station="测试社区"))
    assert "麟州街道" in all_text(app) and format_date(clock.today()) in all_text(app)
    assert '<div class="sk-tile-number">2</div>' in figure(app, "volunteers")
    assert '<div class="sk-tile-number">1</div>' in figure(app, "party_members")
    assert esc(t("tally.squads")) in figure(app, "squads")
    assert len(find_all(app, "sk-tile")) == len(HEADLINE_KEYS) + len(home.WORK_TILES)
    assert '<div class="sk-tile-number">0.0</div>' in figure(app, "approved_hours")


def test_home_links_to_every_registered_app_the_person_may_open(engine, station, monkeypatch):
    links = all_text(home.app(engine=engine))
    for app in registry.APPS:
        if app.link_key:
            shown = f'href="{app.notebook}"' in links and esc(t(app.link_key)) in links
            assert shown == ("staff" in app.roles), app.name
    assert esc(t("home.app_volunteers")) in links
    acting_as(monkeypatch, Actor("高站长", Role.admin))
    assert 'href="audit.ipynb"' in all_text(home.app(engine=engine))  # 操作记录: an admin's


def test_the_notebooks_are_the_ones_the_registry_writes():
    """Adding an app is one registry entry: `python -m station_kit.ui.registry` writes its notebook."""
    folder = PROJECT_ROOT / "workbooks" / "apps"
    assert sorted(path.name for path in folder.glob("*.ipynb")) == sorted(app.notebook for app in registry.APPS)
    for app in registry.APPS:
        assert (folder / app.notebook).read_text(encoding="utf-8") == registry.notebook_text(app), (
            f"{app.notebook} differs from the registry: run python -m station_kit.ui.registry")


def test_every_app_but_home_and_the_screen_leads_back_home(engine, station):
    for app in registry.APPS:
        shown = all_text(app.builder()(engine=engine))
        assert (esc(t("app.back_home")) in shown) == app.back_link, app.name


def test_an_app_refuses_a_role_it_is_not_for(monkeypatch):
    monkeypatch.setattr(context, "_actor_provider", context._actor_provider)  # restored after the test
    set_actor_provider(lambda: Actor("分析员", Role.analyst))  # as a hub would for an analyst
    refused = registry.open_app("volunteers")
    assert esc(t("app.not_allowed")) in all_text(refused) and find_all(refused, "sk-volunteers-submit") == []


def test_home_without_a_station_says_what_to_do(engine):
    assert esc(t("station.none")) in all_text(home.app(engine=engine))


def test_a_station_name_with_markup_is_shown_as_text(engine):
    with write_session(engine) as session:
        create_station(scope=Scope(session, Actor("test")), code="X", name="<script>alert(1)</script>")
    title = find(home.app(engine=engine), "sk-home-title").value
    assert "<script>" not in title and "&lt;script&gt;" in title


def test_a_failing_database_is_explained_calmly(engine, station, monkeypatch, caplog):
    def broken(*_args, **_options):
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(home, "headline_figures", broken)
    with caplog.at_level(logging.ERROR, logger="station_kit.ui"):
        app = home.app(engine=engine)
    assert esc(t("error.load_failed")) in all_text(app)
    assert "disk I/O error" not in all_text(app) and "disk I/O error" in caplog.text


def acting_as(monkeypatch, actor: Actor) -> None:
    monkeypatch.setattr(context, "_actor_provider", context._actor_provider)  # restored after the test
    set_actor_provider(lambda: actor)


def test_an_admin_corrects_the_issuer_details_on_home(engine, station, monkeypatch):
    acting_as(monkeypatch, Actor("高站长", Role.admin))
    app = home.app(engine=engine)
    assert find(app, "sk-home-station-name").value == "测试社区"
    find(app, "sk-home-station-name").value = "兴神路社区"
    find(app, "sk-home-station-person-in-charge").value = " 高文明 "
    find(app, "sk-home-station-contact").value = "请打电话"
    find(app, "sk-home-station-save").click()
    assert esc(t("station_details.contact_invalid")) in find(app, "sk-home-station-contact-error").value
    assert "sk-msg-error" in find(app, "sk-home-station-message").value
    assert find(app, "sk-home-title").value == esc(t("home.title", station="测试社区"))
    with read_session(engine) as session:
        assert current_station(Scope(session, READER)).name == "测试社区"  # nothing written

    find(app, "sk-home-station-contact").value = "兴神路社区办公室 0912-1234567"
    find(app, "sk-home-station-save").click()
    assert find(app, "sk-home-station-contact-error").value == ""
    assert esc(t("station_details.saved")) in find(app, "sk-home-station-message").value
    assert find(app, "sk-home-title").value == esc(t("home.title", station="兴神路社区"))
    assert find(app, "sk-home-station-person-in-charge").value == "高文明"
    with read_session(engine) as session:
        saved = current_station(Scope(session, READER))
    assert (saved.name, saved.person_in_charge, saved.contact) == ("兴神路社区", "高文明", "兴神路社区办公室 0912-1234567")


def test_an_admin_records_the_residents_for_the_registration_rate(engine, station, monkeypatch):
    acting_as(monkeypatch, Actor("高站长", Role.admin))
    app = home.app(engine=engine)
    population = find(app, "sk-home-station-population")
    assert population.value == ""  # not recorded yet
    population.value = "1.2千"
    find(app, "sk-home-station-save").click()
    assert esc(t("station_details.population_invalid")) in find(app, "sk-home-station-population-error").value
    population.value = " 1.2万 "
    find(app, "sk-home-station-save").click()
    assert find(app, "sk-home-station-population").value == "12000"  # as stored
    with read_session(engine) as session:
        assert current_station(Scope(session, READER)).population == 12000
    find(app, "sk-home-station-name").value = "兴神路社区"  # another field's change keeps it
    find(app, "sk-home-station-save").click()
    population.value = ""
    find(app, "sk-home-station-save").click()  # emptied: not known again
    with read_session(engine) as session:
        saved = current_station(Scope(session, READER))
    assert (saved.name, saved.population) == ("兴神路社区", None)


def test_staff_see_the_issuer_details_and_no_form(engine, station, monkeypatch):
    acting_as(monkeypatch, Actor("李经办", Role.staff))
    app = home.app(engine=engine)
    shown = find(app, "sk-home-station-details").value
    assert "测试社区" in shown and esc(t("station_details.empty")) in shown
    assert find_all(app, "sk-home-station-save") == [] and find_all(app, "sk-home-station-name") == []
    assert esc(t("station_details.ask_admin")) in all_text(app)


def test_a_worker_of_another_station_gets_no_app_of_this_one(engine, station, monkeypatch):
    """On a street's database, a page of one station opened by a worker of another says whose it is
    and offers no form: the app acts only for the station it serves."""
    from station_kit.ui import volunteers

    acting_as(monkeypatch, Actor("外站工作人员", Role.staff, frozenset({station.id + 1})))
    app = volunteers.app(engine=engine)
    assert esc(t("scope.not_your_station", station="测试社区")) in all_text(app)
    assert find_all(app, "sk-volunteers-save") == [] and find_all(app, "sk-volunteers-id-derived") == []

    acting_as(monkeypatch, Actor("本站工作人员", Role.staff, frozenset({station.id})))
    assert find_all(volunteers.app(engine=engine), "sk-volunteers-id-derived")


def test_a_page_answers_at_once_and_holds_its_app_when_the_kernel_is_free(engine, station, monkeypatch):
    """In a kernel, the notebook's cell returns at once (so Voilà can send the page and the browser load
    its scripts) and the app is built right after, on the kernel's loop."""
    monkeypatch.setattr(registry, "open_app", lambda name: home.app(engine=engine))

    async def kernel_cell():
        page = registry.open_page("home")
        shown_at_once = all_text(page)
        await asyncio.sleep(0)  # the cell has ended: the kernel's loop runs what was left for it
        return shown_at_once, page

    shown_at_once, page = on_a_loop_of_its_own(kernel_cell)
    assert shown_at_once == esc(t("app.loading"))
    assert find(page, "sk-home-title").value == esc(t("home.title", station="测试社区"))


def test_a_page_whose_app_fails_after_the_cell_says_so_calmly(monkeypatch, caplog):
    def broken(name):
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(registry, "open_app", broken)

    async def kernel_cell():
        page = registry.open_page("volunteers")
        await asyncio.sleep(0)
        return page

    with caplog.at_level(logging.ERROR, logger="station_kit.ui"):
        page = on_a_loop_of_its_own(kernel_cell)
    assert esc(t("error.load_failed")) in all_text(page) and esc(t("app.loading")) not in all_text(page)
    assert "disk I/O error" in caplog.text


def test_outside_a_kernel_a_page_is_its_app(engine, station, monkeypatch):
    monkeypatch.setattr(registry, "open_app", lambda name: home.app(engine=engine))
    page = in_a_thread_of_its_own(lambda: registry.open_page("home"))
    assert find(page, "sk-home-title").value == esc(t("home.title", station="测试社区"))
