"""Every analysis notebook, run on every station of the test street (`station-kit demo --stations 4`)
and on a station with nothing in it, ends without an error and says what its figures say: no
"nan", no "inf", no message key, 暂无数据 where there is nothing to count, and the figures its
narratives and tables state agree with the analytics functions the tally and the apps use.

nbval runs the same notebooks in real kernels on the street's first station (workbooks/analysis)."""

from __future__ import annotations

import re

import pytest

from station_kit import analytics
from station_kit.cli import main
from station_kit.db import get_engine, write_session
from station_kit.rules.hours import hours
from tests.notebooks import ANALYSIS, run_notebook

STATION_NOTEBOOKS = ["志愿者留存", "服务结构", "月度报告", "民呼我应", "评选公平"]
STREET_CODES = ["XSL", "DXJ", "BHL", "ELS"]
EMPTY = "KONG"


@pytest.fixture(scope="module")
def empty_url(tmp_path_factory):
    """A database holding one station with its teams and posts, and nothing else."""
    from tests.factories import make_station

    url = f"sqlite:///{tmp_path_factory.mktemp('empty') / 'station.db'}"
    assert main(["init", "--db", url]) == 0
    with write_session(get_engine(url)) as session:
        make_station(session, code=EMPTY, name="空白社区")
    return url


@pytest.fixture
def on(monkeypatch):
    """Point the notebooks at a database, as STATION_KIT_DB_URL does for a kernel."""
    from station_kit.config import get_settings

    def point(url: str):
        monkeypatch.setenv("STATION_KIT_DB_URL", url)
        monkeypatch.delenv("STATION_KIT_STATION", raising=False)
        get_settings.cache_clear()
        return get_engine(url)

    yield point
    get_settings.cache_clear()


def _plain(ran) -> list[str]:
    texts = ran.markdown()
    for text in texts:
        assert text.strip() and not re.search(r"\bnan\b|\binf\b|enum\.|\{", text, re.IGNORECASE), text
    return texts


def test_every_analysis_notebook_is_covered_here():
    covered = {*STATION_NOTEBOOKS, "街道汇总", "reference_station"}
    assert {path.stem for path in ANALYSIS.glob("*.ipynb")} == covered


@pytest.mark.parametrize("code", STREET_CODES)
@pytest.mark.parametrize("name", STATION_NOTEBOOKS)
def test_a_notebook_runs_on_every_station_of_the_street(name, code, street_url, on):
    on(street_url)
    ran = run_notebook(name, station_code=code)
    assert ran.namespace["station"]["code"] == code
    assert _plain(ran), "the notebook says nothing in words"


@pytest.mark.parametrize("name", STATION_NOTEBOOKS)
def test_a_station_with_nothing_in_it_reads_no_data(name, empty_url, on):
    on(empty_url)
    texts = _plain(run_notebook(name))
    assert all(text.startswith("**暂无数据**") for text in texts), texts


def test_the_street_notebook_compares_every_station_over_the_same_months(street_url, on):
    engine = on(street_url)
    ran = run_notebook("街道汇总")
    side, per_volunteer = ran.namespace["side"], ran.namespace["per_volunteer"]
    assert list(side.index) == STREET_CODES
    for code, row in side.iterrows():
        counted = analytics.headline_figures(engine, station=int(ran.namespace["stations"].loc[code, "station_id"]))
        assert (row["volunteers"], row["activities"], row["hours"]) == (
            counted["volunteers"], counted["activities"], counted["approved_hours"]), code
    assert per_volunteer.notna().all().all() and len(per_volunteer) >= 12
    first_served = analytics.monthly_figures(engine).query("hours > 0").groupby("station")["month"].min()
    assert per_volunteer.index.min() == first_served.max()  # the youngest station's first month
    [text] = _plain(ran)
    top = per_volunteer.mean().idxmax()  # columns are the stations' names
    assert f"最高的是{top}（{per_volunteer[top].mean():,.1f} 小时）" in text
    assert f"{per_volunteer.index.min()} 至 {per_volunteer.index.max()}（{len(per_volunteer)} 个月）" in text

    from station_kit.errors import DomainError
    from station_kit.i18n import refusals

    with pytest.raises(DomainError) as refused:  # a street mistyped is named, not read as one with nothing
        run_notebook("街道汇总", street="没有这个街道")
    assert refusals(refused.value) == ["没有街道“没有这个街道”的站点：数据库里的街道有 麟州街道"]


def test_the_month_report_states_the_months_figures(street_url, on):
    engine = on(street_url)
    for code in STREET_CODES:
        ran = run_notebook("月度报告", station_code=code)
        report, station = ran.namespace["report"], ran.namespace["station"]
        month = report.attrs["months"]["本月"]
        monthly = analytics.monthly_figures(engine, station=station["id"]).set_index("month")
        assert report.loc["服务时长（小时）", "本月"] == hours(int(monthly.loc[month, "minutes"]))
        by_task = analytics.hours_by("category", engine, station=station["id"], period=month)
        assert by_task["minutes"].sum() == monthly.loc[month, "minutes"]
        text = _plain(ran)[0]
        assert f"{month} 审核通过的服务时长 {report.loc['服务时长（小时）', '本月']:,.1f} 小时" in text
        assert f"举办活动 {int(monthly.loc[month, 'activities']):,} 场" in text
        assert "nan" not in ran.namespace["shown"].to_string()

    earlier = run_notebook("月度报告", station_code="XSL", period="2021-3")
    assert earlier.namespace["report"].attrs["months"] == {"本月": "2021-03", "上月": "2021-02", "去年同月": "2020-03"}


def test_retention_counts_whom_it_says_and_leaves_the_unreached_months_blank(street_url, on):
    engine = on(street_url)
    for code in STREET_CODES:
        ran = run_notebook("志愿者留存", station_code=code)
        rates, station = ran.namespace["rates"], ran.namespace["station"]
        registered = analytics.volunteers(engine, station=station["id"]).query("active")
        first_year = rates.query("months_after == 0").set_index("year")["reached"]
        by_year = registered.groupby(registered["registered_at"].dt.strftime("%Y")).size()
        assert first_year.to_dict() == by_year[by_year.index <= rates.attrs["last_month"][:4]].to_dict()
        assert (rates["active"] <= rates["reached"]).all()
        assert rates.loc[rates["reached"] == 0, "rate"].isna().all()  # censored, not lost
        at_12 = rates.query("months_after == 12 and reached > 0")
        overall = at_12["active"].sum() / at_12["reached"].sum()
        text = _plain(ran)[0]
        assert f"合计 {overall:.0%}" in text
        assert ("流失并不快" in text) == (overall >= 0.7)


def test_case_and_award_notebooks_agree_with_the_tally(street_url, on):
    engine = on(street_url)
    cases = run_notebook("民呼我应", station_code="XSL").namespace
    whole, grid_rates = cases["whole"], cases["grid_rates"]
    counts = cases["by_grid"][["received", "responded_in_time", "resolved", "rated", "satisfied"]].sum()
    assert round(counts["responded_in_time"] / counts["received"], 3) == whole["response_rate"]
    assert round(counts["satisfied"] / counts["rated"], 3) == whole["satisfaction_rate"]
    assert cases["by_month"][counts.index].sum().equals(counts)  # by month or by grid, every case counts once
    assert cases["on_time"].loc["受理", "按时"] == counts["responded_in_time"]
    assert int(grid_rates["收到事项"].sum()) == len(cases["cases"])
    wishes = analytics.wish_figures(engine, station=cases["station"]["id"])
    assert cases["funnel"].loc["微心愿", ["发布", "认领/接单", "完成"]].tolist() == [
        wishes["posted"], wishes["claimed"], wishes["fulfilled"]]

    awards = run_notebook("评选公平", station_code="XSL").namespace
    final = awards["awards"].query("winner and round_status == 'final'")
    assert final["level"].value_counts().to_dict() == awards["tally"]
    for by, spread in awards["spreads"].items():
        assert spread["awards"].sum() == len(awards["winners"]), by  # every award falls in exactly one group
    from station_kit.rules.awards import award_rules

    cooled = [level for level, rules in award_rules().levels.items() if rules.cooldown]
    assert not analytics.back_to_back_wins(awards["winners"])["level"].isin(cooled).any()


def test_service_structure_adds_up_to_the_approved_hours(street_url, on):
    engine = on(street_url)
    for code in STREET_CODES:
        ran = run_notebook("服务结构", station_code=code)
        station, by = ran.namespace["station"], ran.namespace["by"]
        assert hours(int(by["category"]["minutes"].sum())) == analytics.work_figures(engine, station=station["id"])["approved_hours"]
        assert by["post"]["minutes"].sum() <= by["category"]["minutes"].sum()
    year = run_notebook("服务结构", station_code="XSL", period="2021").namespace
    months = analytics.monthly_figures(engine, station=year["station"]["id"], period="2021")
    assert len(months) == 12 and year["by"]["category"]["minutes"].sum() == months["minutes"].sum()


def test_a_station_code_no_station_has_is_refused_with_the_codes_there_are(street_url, on):
    from station_kit.errors import DomainError
    from station_kit.i18n import refusals

    on(street_url)
    with pytest.raises(DomainError) as refused:
        run_notebook("志愿者留存", station_code="NOPE")
    assert refusals(refused.value) == ["没有代码为 NOPE 的实践站：可选的有 XSL、DXJ、BHL、ELS"]


def test_in_a_kernel_a_mistyped_code_reads_as_a_message_not_a_traceback(street_url, monkeypatch):
    """What an analyst sees in JupyterLab: analytics.connect() has the kernel show a refusal's words."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("STATION_KIT_DB_URL", street_url)  # the kernel inherits it
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from station_kit import analytics\n"
        "analytics.configured_station(analytics.connect(), 'NOPE')")])
    NotebookClient(notebook, timeout=120, allow_errors=True).execute()
    [shown] = notebook.cells[0].outputs
    assert shown["output_type"] == "stream" and shown["name"] == "stderr"
    assert shown["text"].strip() == "没有代码为 NOPE 的实践站：可选的有 XSL、DXJ、BHL、ELS"
