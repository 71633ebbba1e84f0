"""What a report for a 文明办 leader says (DESIGN.md §7): one station's or a street's month, quarter or
year beside the period before it (环比) and the same period a year earlier (同比), in sentences built
from the figures they state, tables and a chart. ``reports.render`` lays it out as PDF, .xlsx or HTML.

Every figure comes from ``frames.rollups.period_figures`` (one GROUP BY per figure in the database), so a
report agrees with the analysts' frames: approved hours only, cases counted in the period received.
Three figures are defined here, over the stations' registered (active) volunteers at the period's end:
**人均服务时长** = approved hours / registered volunteers, **活跃度** = volunteers who served in the
period / registered volunteers, and **注册率** = registered volunteers / 常住人口, where a station's admin
recorded it (本站信息; for several stations, over those that did).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlmodel import select

from station_kit.errors import DomainError
from station_kit.frames.rollups import hours_by, period_figures
from station_kit.frames.selection import selection
from station_kit.frames.tables import ENUMS, _read, configured_station
from station_kit.i18n import t
from station_kit.models import Station
from station_kit.narratives import NO_DATA, versus
from station_kit.rules.calendar import read_period
from station_kit.rules.hours import hours

KINDS = ("month", "quarter", "year")
_YEAR_STEPS = {"month": 12, "quarter": 4, "year": 1}
_QUARTERS = "一二三四"
# What the period before and the same period a year earlier are called, per kind.
_BEFORE = {"month": ("上月", "去年同月"), "quarter": ("上季度", "去年同季度"), "year": ("上年", "")}
TREND_MONTHS = 12


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year in China time."""

    kind: str
    span: pd.Period

    @property
    def first_month(self) -> str:
        return str(self.span.asfreq("M", how="start"))

    @property
    def last_month(self) -> str:
        return str(self.span.asfreq("M", how="end"))

    @property
    def label(self) -> str:
        year = self.span.year
        if self.kind == "month":
            return f"{year}年{self.span.month}月"
        if self.kind == "quarter":
            return f"{year}年第{_QUARTERS[self.span.quarter - 1]}季度"
        return f"{year}年"

    def shifted(self, steps: int) -> Period:
        return Period(self.kind, self.span + steps)

    @property
    def text(self) -> str:
        """As the analytics API reads a period: '2022-08', '2022-Q3', '2022'."""
        return {"month": self.first_month, "quarter": f"{self.span.year}-Q{self.span.quarter}",
                "year": str(self.span.year)}[self.kind]

    @property
    def span_text(self) -> str:
        return self.first_month if self.kind == "month" else f"{self.first_month} 至 {self.last_month}"

    @property
    def before(self) -> Period:
        return self.shifted(-1)

    @property
    def year_before(self) -> Period:
        return self.shifted(-_YEAR_STEPS[self.kind])


def parse_period(kind: str, text: str) -> Period:
    """``text`` as a period of ``kind``: month '2022-08', quarter '2022-Q3' (or 2022Q3), year '2022'
    (rules.calendar.read_period); anything else is refused with a message saying how to write one."""
    if kind not in KINDS:
        raise DomainError.on("kind", "report.kind_invalid", kind=kind)
    read = read_period(text)
    if read is None or read[0] != kind:
        raise DomainError.on("period", f"report.period_invalid_{kind}", period=text)
    _, year, number = read
    span = {"month": lambda: pd.Period(year=year, month=number, freq="M"),
            "quarter": lambda: pd.Period(year=year, quarter=number, freq="Q"),
            "year": lambda: pd.Period(year=year, freq="Y")}[kind]()
    return Period(kind, span)


@dataclass(frozen=True)
class Cell:
    """A value and how it reads: text, count (1,234), hours (1,234.5), percent (85.2%), change (+3.4%) or
    points (a rate's change: +2.5 个百分点, the value in points). None or NaN reads "—" (not known, or
    nothing to compare with)."""

    value: object
    style: str = "text"


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Chart:
    """Bars of ``values`` (in ``unit``) over ``labels`` (months, gaps included as 0)."""

    title: str
    labels: list[str]
    values: list[float]
    unit: str


@dataclass
class Section:
    heading: str
    sentences: list[str] = field(default_factory=list)
    blocks: list[Table | Chart] = field(default_factory=list)


@dataclass
class Report:
    title: str
    subtitle: str
    sections: list[Section]


# The figures of the first table, in order: (key, label, style).
FIGURES = (("hours", "服务时长（小时）", "hours"), ("records", "服务人次", "count"),
           ("served", "参与服务的志愿者", "count"), ("registered", "注册志愿者（期末）", "count"),
           ("per_volunteer", "人均服务时长（小时）", "hours"), ("activity_rate", "活跃度", "percent"),
           ("registration_rate", "注册率", "percent"),
           ("new_volunteers", "新注册志愿者", "count"), ("activities", "活动场次", "count"),
           ("beneficiaries", "受益人次", "count"), ("received", "收到民呼我应事项", "count"),
           ("response_rate", "响应率", "percent"), ("resolution_rate", "解决率", "percent"),
           ("satisfaction_rate", "满意率", "percent"))


def _ratio(part, whole):
    return part / whole.where(whole > 0) if isinstance(whole, pd.Series) else (part / whole if whole else None)


def with_rates(figures):
    """``figures`` (period_figures' rows, or their sum) with 人均服务时长, 活跃度 and 三率 added."""
    figures = figures.copy()
    figures["per_volunteer"] = _ratio(figures["hours"], figures["registered"])
    if isinstance(figures, pd.DataFrame):  # one station's 常住人口, where recorded
        figures["registration_rate"] = _ratio(figures["registered"], figures["population"].astype("float64"))
    figures["activity_rate"] = _ratio(figures["served"], figures["registered"])
    figures["response_rate"] = _ratio(figures["responded_in_time"], figures["received"])
    figures["resolution_rate"] = _ratio(figures["resolved"], figures["received"])
    figures["satisfaction_rate"] = _ratio(figures["satisfied"], figures["rated"])
    return figures


def _change(now, before):
    return now / before - 1 if _number(now) and _number(before) and before else None


def _moved(now, before, style: str) -> Cell:
    """How a figure moved: a count or hours as a relative change, a rate in percentage points."""
    if style == "percent":
        return Cell((now - before) * 100 if _number(now) and _number(before) else None, "points")
    return Cell(_change(now, before), "change")


def _number(value) -> bool:
    return value is not None and not pd.isna(value)


def _totals(figures: pd.DataFrame) -> pd.Series:
    """The chosen stations' figures (period_figures' rows) added up, with the rates over the sums."""
    summed = figures.drop(columns=["name", "population"]).sum()
    summed["hours"] = hours(int(figures["minutes"].sum()))  # from the summed minutes, as one station's is
    summed = with_rates(summed)
    known = figures["population"].notna()  # 注册率 over the stations whose 常住人口 is recorded
    summed["registration_rate"] = (figures.loc[known, "registered"].sum() / float(figures.loc[known, "population"].sum())
                                   if known.any() else None)
    summed["stations"], summed["stations_with_population"] = len(figures), int(known.sum())
    return summed


def _figures(engine, period: Period, chosen: dict) -> dict[str, pd.DataFrame]:
    """Each chosen station's figures for the period, the period before and the same period a year earlier:
    read once, for the summary and the ranking both."""
    periods = {"now": period, "before": period.before, "year_before": period.year_before}
    return {name: period_figures(engine, **chosen, period=each.text) for name, each in periods.items()}


def _summary(period: Period, figures: dict[str, pd.DataFrame]) -> tuple[Table, dict[str, pd.Series]]:
    totals = {name: _totals(frame) for name, frame in figures.items()}
    yearly = period.kind == "year"  # the year before is the period before: one comparison
    header = ["指标", period.label, period.before.label, "同比" if yearly else "环比"]
    if not yearly:
        header += [period.year_before.label, "同比"]
    rows = []
    for key, label, style in FIGURES:
        now, before, year_before = (totals[name][key] for name in ("now", "before", "year_before"))
        row = [Cell(label), Cell(now, style), Cell(before, style), _moved(now, before, style)]
        if not yearly:
            row += [Cell(year_before, style), _moved(now, year_before, style)]
        rows.append(row)
    return Table("主要指标", header, rows), totals


def _summary_sentences(who: str, period: Period, totals: dict[str, pd.Series]) -> list[str]:
    now = totals["now"]
    if not now["hours"] and not now["activities"]:
        return [f"{NO_DATA}：{who}{period.label}没有审核通过的服务时长，也没有活动。"]
    hours_now = now["hours"]
    before, year_before = _BEFORE[period.kind]
    compare = [versus(hours_now, totals["before"]["hours"], before)]
    if year_before:
        compare.append(versus(hours_now, totals["year_before"]["hours"], year_before))
    text = (f"{period.label}，{who}审核通过的服务时长 {hours_now:,.1f} 小时，{'，'.join(compare)}；"
            f"举办活动 {int(now['activities']):,} 场，受益 {int(now['beneficiaries']):,} 人次；"
            f"{int(now['served']):,} 名志愿者参与服务")
    if now["registered"]:
        text += (f"，占期末注册志愿者 {int(now['registered']):,} 人的 {now['activity_rate']:.1%}（活跃度），"
                 f"人均服务时长 {now['per_volunteer']:,.1f} 小时")
    sentences = [text + f"；新注册志愿者 {int(now['new_volunteers']):,} 人。"]
    if now["registration_rate"] is None:
        sentences.append("常住人口没有填写，注册率不作计算（首页“本站信息”可以填写）。")
    else:
        counted = ("" if now["stations_with_population"] == now["stations"] else
                   f"（只计填写了常住人口的 {int(now['stations_with_population'])} 个站点）")
        sentences.append(f"注册志愿者占常住人口的 {now['registration_rate']:.1%}（注册率）{counted}。")
    if now["received"]:
        rated = f"满意率 {now['satisfaction_rate']:.1%}" if now["rated"] else "还没有居民评价"
        sentences.append(f"民呼我应收到事项 {int(now['received']):,} 件，响应率 {now['response_rate']:.1%}，"
                         f"解决率 {now['resolution_rate']:.1%}，{rated}。")
    else:
        sentences.append(f"{period.label}没有收到民呼我应事项，三率不作计算。")
    return sentences


def _trend(engine, period: Period, chosen: dict) -> Section:
    last = pd.Period(period.last_month, freq="M")
    months = [str(month) for month in pd.period_range(last - (TREND_MONTHS - 1), last, freq="M")]
    monthly = hours_by("month", engine, **chosen, period=(months[0], months[-1]))
    minutes = monthly.groupby("month")["minutes"].sum().reindex(months)
    minutes = minutes.fillna(0).astype("int64")
    values = [hours(int(value)) for value in minutes]
    section = Section("二、服务时长走势")
    if not any(values):
        section.sentences.append(f"{NO_DATA}：{months[0]} 至 {months[-1]} 没有审核通过的服务时长。")
        return section
    peak = max(range(len(values)), key=values.__getitem__)
    section.sentences.append(f"{months[0]} 至 {months[-1]} 共 {TREND_MONTHS} 个月，审核通过的服务时长合计 "
                             f"{hours(int(minutes.sum())):,.1f} 小时；最多的是 {months[peak]}（{values[peak]:,.1f} 小时）。"
                             + (f"其中 {sum(1 for value in values if not value)} 个月没有时长。"
                                if not all(values) else ""))
    section.blocks.append(Chart(f"近 {TREND_MONTHS} 个月服务时长", months, values, "小时"))
    return section


def _tasks(engine, period: Period, chosen: dict) -> Section:
    tasks = hours_by("category", engine, **chosen, period=period.text)
    tasks = tasks.groupby("category", observed=True)[["minutes", "records"]].sum()
    tasks = tasks[tasks["minutes"] > 0].sort_values("minutes", ascending=False)
    section = Section("三、六大任务")
    if tasks.empty:
        section.sentences.append(f"{NO_DATA}：{period.label}没有归入六大任务的服务时长。")
        return section
    share = tasks["minutes"] / tasks["minutes"].sum()
    names = {code: t(f"{ENUMS['category'][1]}.{code}", lang="zh_CN") for code in tasks.index}
    section.sentences.append(f"时长最多的任务是「{names[tasks.index[0]]}」，占 {share.iloc[0]:.1%}；"
                             f"{period.label}有时长的任务共 {len(tasks)} 项。")
    rows = [[Cell(names[task]), Cell(hours(int(minutes)), "hours"), Cell(share[task], "percent"), Cell(records, "count")]
            for task, minutes, records in tasks[["minutes", "records"]].itertuples()]
    section.blocks.append(Table("各项任务的服务时长", ["任务", "服务时长（小时）", "占比", "服务人次"], rows))
    return section


def _ranking(period: Period, figures: dict[str, pd.DataFrame]) -> Section:
    now, before = with_rates(figures["now"]), figures["before"]
    now["change"] = [_change(hours, before["hours"].get(code)) for code, hours in now["hours"].items()]
    ranked = now.sort_values(["per_volunteer", "hours"], ascending=False, na_position="last")
    section = Section("四、站点排名")
    if not ranked["hours"].any():
        section.sentences.append(f"{NO_DATA}：{period.label}各站都没有审核通过的服务时长，不作排名。")
        return section
    top, bottom = ranked.iloc[0], ranked.dropna(subset=["per_volunteer"]).iloc[-1]
    text = f"按人均服务时长排名，{period.label}最高的是{top['name']}（{top['per_volunteer']:,.1f} 小时）"
    if len(ranked) > 1:
        text += f"，最低的是{bottom['name']}（{bottom['per_volunteer']:,.1f} 小时）"
    most_active = ranked.dropna(subset=["activity_rate"]).sort_values("activity_rate", ascending=False).iloc[0]
    section.sentences.append(text + f"；活跃度最高的是{most_active['name']}（{most_active['activity_rate']:.1%}）。")
    header = ["排名", "站点", "注册志愿者", "服务时长（小时）", "时长环比", "人均服务时长（小时）", "活跃度",
              "注册率", "响应率", "解决率", "满意率"]
    rows = [[Cell(rank, "count"), Cell(row["name"]), Cell(row["registered"], "count"), Cell(row["hours"], "hours"),
             Cell(row["change"], "change"), Cell(row["per_volunteer"], "hours"), Cell(row["activity_rate"], "percent"),
             Cell(row["registration_rate"], "percent"), Cell(row["response_rate"], "percent"), Cell(row["resolution_rate"], "percent"),
             Cell(row["satisfaction_rate"], "percent")]
            for rank, (_, row) in enumerate(ranked.iterrows(), start=1)]
    section.blocks.append(Table("各站指标（按人均服务时长）", header, rows))
    return section


def build_report(engine, *, kind: str, period: str, station: str | None = None,
                 street: str | None = None) -> Report:
    """The report of one station (its ``station`` code or id; None, the configured station) or, when
    ``street`` is given, of that street's stations ('' — every station in the database) for the ``kind``
    of period (month, quarter or year) that ``period`` names."""
    from station_kit import clock

    span = parse_period(kind, period)
    if street is None:
        chosen = {"station": configured_station(engine, station)["code"]}  # None: the configured one
    else:
        chosen = {"street": street}
    stations = _read(selection(engine, **chosen).station_rows(select(Station.code, Station.name, Station.street)),
                     engine)
    streets = set(stations["street"]) - {""}
    if street is None:
        who = stations["name"].iloc[0]
    else:  # every station of the database, when they are one street's, is that street
        who = street or (streets.pop() if len(streets) == 1 else "全部站点")
    figures = _figures(engine, span, chosen)
    summary, totals = _summary(span, figures)
    first = Section("一、主要指标", _summary_sentences(who, span, totals), [summary])
    sections = [first, _trend(engine, span, chosen), _tasks(engine, span, chosen)]
    if street is not None:
        sections.append(_ranking(span, figures))
        who += f"（{len(stations)} 个站点）"
    kind_name = {"month": "月度", "quarter": "季度", "year": "年度"}[kind]
    return Report(f"{who}{span.label}志愿服务{kind_name}报告",
                  f"统计期：{span.span_text}（北京时间）　生成于 "
                  f"{clock.local(clock.now()):%Y-%m-%d %H:%M}", sections)
