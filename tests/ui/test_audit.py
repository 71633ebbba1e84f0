"""操作记录 in process: an admin picks a person and a period and reads what they did, in words; a bad
period is said beside its field; staff are not let in."""

from __future__ import annotations

from station_kit.db import write_session
from station_kit.i18n import t
from station_kit.services.actor import Actor, Role
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from station_kit.ui import audit
from station_kit.ui.kit import context
from station_kit.ui.kit.context import set_actor_provider
from station_kit.ui.registry import open_app
from tests.factories import volunteer_data
from tests.widgets import find


def acting_as(monkeypatch, actor: Actor) -> None:
    monkeypatch.setattr(context, "_actor_provider", context._actor_provider)  # restored after the test
    set_actor_provider(lambda: actor)


def test_an_admin_reads_one_person_s_actions_in_words(engine, station, monkeypatch):
    with write_session(engine) as session:
        for name in ("张伟", "李娜"):
            register_volunteer(scope=Scope(session, Actor("李经办")), station_id=station.id,
                               data=volunteer_data(name=name))
    acting_as(monkeypatch, Actor("高站长", Role.admin))
    app = audit.app(engine=engine)
    person = find(app, "sk-audit-person")
    assert "李经办" in [label for label, _ in person.options]
    person.value = "李经办"
    find(app, "sk-audit-period").value = "2022-13"
    find(app, "sk-audit-show").click()
    assert find(app, "sk-audit-period-error").value  # the month that is not one is said beside it
    assert find(app, "sk-audit-lines").value == ""
    find(app, "sk-audit-period").value = ""
    find(app, "sk-audit-show").click()
    lines = find(app, "sk-audit-lines").value
    assert lines.count("登记志愿者") == 2 and "volunteer.register" not in lines
    assert t("audit.count", person="李经办", count=2) in find(app, "sk-audit-message").value


def test_staff_are_not_let_in(engine, station, monkeypatch):
    acting_as(monkeypatch, Actor("李经办", Role.staff))
    page = open_app("audit")
    assert find(page, "sk-message").value.endswith(t("app.not_allowed")) or t("app.not_allowed") in find(
        page, "sk-message").value


def test_every_workflow_move_and_named_action_reads_in_words():
    assert audit.action_label("case.whistle") == "民呼我应事项·吹哨"
    assert audit.action_label("volunteer.unmask") == "查看完整证件号码和电话"
    assert audit.action_label("something.new") == "something.new"  # as the log keeps it, never an error
