"""The notebooks' sentences (station_kit.narratives), on figures drawn at random: whatever a station's
figures are — zeros, one grid, no base month, rates unknown — each sentence is plain Chinese that states
them, never "nan", "inf", a message key or a crash."""

from __future__ import annotations

import math
import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from station_kit import narratives
from station_kit.frames.rollups import MONTH_REPORT_ROWS

counts = st.integers(min_value=0, max_value=100_000)
rates = st.one_of(st.none(), st.just(math.nan), st.floats(min_value=0, max_value=1))


def _plain(text: str) -> str:
    assert isinstance(text, narratives.Narrative) and text.strip()
    assert not re.search(r"\bnan\b|\binf\b|enum\.|\{|\}", text, re.IGNORECASE), text
    return text


@given(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
       st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)))
def test_a_change_is_a_signed_percent_or_a_dash(now, before):
    moved = narratives.change(now, before)
    assert moved == "—" or re.fullmatch(r"[+-][\d,]+%", moved), moved
    if moved != "—":
        assert before not in (0, None) and math.isfinite(before) and math.isfinite(now)


@settings(max_examples=60, deadline=None)
@given(st.lists(counts, min_size=18, max_size=18))
def test_a_month_report_states_its_month_and_never_a_nan(values):
    report = pd.DataFrame([values[n:n + 3] for n in range(0, 18, 3)], index=list(MONTH_REPORT_ROWS.values()),
                          columns=["本月", "上月", "去年同月"], dtype="float64")
    report.attrs["months"] = {"本月": "2024-03", "上月": "2024-02", "去年同月": "2023-03"}
    text = _plain(narratives.month_report(report))
    table = narratives.month_table(report)
    assert "nan" not in table.to_string() and "inf" not in table.to_string()
    if report["本月"].any():
        assert text.startswith(f"2024-03 审核通过的服务时长 {values[0]:,.1f} 小时")
        assert ("没有时长可比" in text) == (values[1] == 0 or values[2] == 0)
    else:
        assert text.startswith("**暂无数据**")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(counts, rates, rates, rates), min_size=0, max_size=14))
def test_grid_rates_name_the_lowest_and_highest_grid(grids):
    frame = pd.DataFrame([(received, *(math.nan if rate is None else rate for rate in three))
                          for received, *three in grids], columns=["收到事项", "响应率", "解决率", "满意率"],
                         index=[f"第{n + 1}网格" for n in range(len(grids))], dtype="float64")
    text = _plain(narratives.case_grids(frame))
    known = frame["响应率"].dropna()
    if frame.empty or frame["收到事项"].sum() == 0:
        assert text.startswith("**暂无数据**")
    elif len(known) > 1:
        assert f"{known.min():.1%}（{known.idxmin()}）" in text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["2019", "2020", "2021", "2022"]), st.integers(0, 24), counts, counts),
                max_size=40))
def test_retention_says_a_rate_only_where_a_cohort_reached_the_month(cells):
    frame = pd.DataFrame([(year, k, reached, min(active, reached)) for year, k, reached, active in cells],
                         columns=["year", "months_after", "reached", "active"])
    frame = frame.drop_duplicates(["year", "months_after"])
    frame["rate"] = frame["active"] / frame["reached"].where(frame["reached"] > 0)
    frame.attrs.update(first_month="2020-01", last_month="2022-08")
    text = _plain(narratives.retention(frame))
    at_12 = frame[(frame["months_after"] == 12) & (frame["reached"] > 0)]
    if len(at_12) and frame["active"].sum():
        overall = at_12["active"].sum() / at_12["reached"].sum()
        assert f"合计 {overall:.0%}" in text
        assert ("流失并不快" in text) == (overall >= narratives.RETAINED_WELL)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(counts, st.floats(0, 5_000)), min_size=1, max_size=5), st.integers(0, 30))
def test_the_street_compares_stations_over_the_months_they_share(stations, months):
    names = [f"第{n}社区" for n in range(len(stations))]
    side = pd.DataFrame({"name": names, "volunteers": [v for v, _ in stations], "hours": [h for _, h in stations]})
    window = pd.period_range("2021-01", periods=months, freq="M").astype(str)
    per_volunteer = pd.DataFrame({name: [hours / 12] * months for name, (_, hours) in zip(names, stations)},
                                 index=window, dtype="float64")
    text = _plain(narratives.street(side, per_volunteer))
    if side["volunteers"].sum() and months:
        assert f"（{months} 个月）" in text
