"""Pieces every app shares, where a worker would notice them."""

from station_kit.i18n import t
from station_kit.ui.kit import actions
from station_kit.ui.kit.actions import Message
from station_kit.ui.kit.format import format_figure
from station_kit.ui.kit.forms import Form, dropdown, labelled


def test_figures_are_written_with_thousands_separators_and_hours_with_one_decimal():
    assert format_figure(323416.0) == "323,416.0"
    assert format_figure(2.25) == "2.2"
    assert format_figure(7781) == "7,781"
    assert format_figure(0) == "0" and format_figure(0.0) == "0.0"


def test_an_optional_dropdown_shows_not_chosen_again_after_a_reset():
    message = Message("sk-test-message")
    room = labelled("test", "room_id", "功能室", dropdown([("活动室", 3), ("培训室", 4)], may_be_empty=True))
    form = Form([room], message)
    assert (room.widget.label, form.value("room_id")) == (t("form.not_chosen"), None)
    room.widget.value = 4
    assert form.value("room_id") == 4
    form.reset()
    assert (room.widget.label, form.value("room_id")) == ("（不选）", None)


def test_a_second_click_at_once_is_a_double_click_unless_another_button_ran_between(monkeypatch):
    """确定 refused for an open objection, the objection upheld, then 确定 again at once: heard.
    The same button clicked twice with nothing between: the second half of a double click."""
    monkeypatch.setattr(actions, "CLICK_SETTLE_SECONDS", 60)
    runs = []
    message = actions.Message("sk-test-message")
    finalize, uphold = actions.button("确定", "sk-test-finalize"), actions.button("采纳", "sk-test-uphold")
    actions.on_click(finalize, lambda: runs.append("finalize"), message)
    actions.on_click(uphold, lambda: runs.append("uphold"), message)

    finalize.click()
    finalize.click()
    assert runs == ["finalize"]
    uphold.click()
    finalize.click()
    assert runs == ["finalize", "uphold", "finalize"]
