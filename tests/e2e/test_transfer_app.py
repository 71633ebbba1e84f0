"""导入导出 in headless Chromium over the demo station: a roll with errors is previewed with each
row's errors and cannot be imported; the fixed roll is imported whole."""

from __future__ import annotations

import datetime as dt

import pytest

from station_kit.models import Volunteer
from tests.e2e.pages import ACTION_TIMEOUT_MS, expect, open_app
from tests.factories import id_number
from tests.sheets import VOLUNTEER_HEADERS, xlsx

pytestmark = pytest.mark.e2e
WARM_APPS = ()  # the apps it opens get warm kernels (serve --warm)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _choose(page, rows) -> None:
    """As a person does: click 选择文件 and pick the file (the upload's input is not in the page)."""
    with page.expect_file_chooser() as chooser:
        page.locator(".sk-transfer-file").click()
    chooser.value.set_files(files=[{"name": "新志愿者.xlsx", "mimeType": XLSX, "buffer": xlsx(rows, text_columns="D")}])


def test_a_roll_with_errors_is_shown_then_the_fixed_roll_goes_in(server, page, request_log, counts, screenshots):
    open_app(page, server.app_url("transfer"), ready=".sk-transfer-commit", action_timeout_ms=ACTION_TIMEOUT_MS)
    born = dt.date(2001, 2, 3)
    first, second = id_number(birth_date=born), id_number(birth_date=born, male=False)
    good = [("高志远", "男", "居民身份证", first, "13912340001", None),
            ("马晓燕", "女", "居民身份证", second, "13912340002", None)]
    before = counts(Volunteer)
    _choose(page, [VOLUNTEER_HEADERS, *good, ("白雪", "女", "", 6.10881199001011e17, "13912340003", None)])
    preview = page.locator(".sk-transfer-preview")
    expect(preview).to_contain_text("6.10881E+17")
    expect(preview.locator("tbody tr").first).to_contain_text("4")  # the row with errors first, as Excel numbers it
    page.locator(".sk-transfer-consent input").check()
    expect(page.locator(".sk-transfer-commit")).to_be_disabled()
    page.screenshot(path=screenshots / "transfer-errors.png", full_page=True)

    _choose(page, [VOLUNTEER_HEADERS, *good])
    expect(preview).not_to_contain_text("6.10881E+17")
    expect(page.locator(".sk-transfer-commit")).to_be_enabled()
    page.locator(".sk-transfer-commit").click()
    expect(page.locator(".sk-transfer-message")).to_contain_text("已导入 2 行")
    assert counts(Volunteer) == before + 2
    assert request_log.foreign() == []
