"""What the analysis notebooks say in words, built from the figures they show.

A sentence that states a fact about a station is written here, from the frame the notebook drew, so it
holds for whichever station and period the notebook is run on: a judgement ("流失并不快") follows the
figure with its threshold named here, a change over a base of zero reads "—" (never "+nan%" or
"+inf%"), and a station or period with nothing to count says 暂无数据 instead of failing. Each function
returns a :class:`Narrative`, a ``str`` that a notebook cell shows as Markdown.
"""

from __future__ import annotations

import math

import pandas as pd

from station_kit.i18n import t
from station_kit.rules.hours import hours

NO_DATA = "暂无数据"

# How a month-12 retention rate reads (the share of a year's registrations still serving a year on).
RETAINED_WELL = 0.7
RETAINED_POORLY = 0.5
# A group's award share this many points above or below its registry share is called out.
NOTABLE_GAP = 0.05


class Narrative(str):
    """Markdown text; the last expression of a cell, it is shown formatted."""

    def _repr_markdown_(self) -> str:
        return str(self)


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and not math.isfinite(value)) and not pd.isna(value)


def percent(value, digits: int = 0) -> str:
    """0.857 → '85.7%' (digits=1); unknown (None, NaN, ±inf) → '—'."""
    return f"{value:.{digits}%}" if _known(value) else "—"


def change(now, before) -> str:
    """The change from ``before`` to ``now`` as '+2%' / '-37%'; '—' when there is no base to compare."""
    if not _known(now) or not _known(before) or before == 0:
        return "—"
    moved = now / before - 1
    return f"{moved:+.0%}" if math.isfinite(moved * 100) else "—"  # beyond any float: no figure to state


def _names(values, limit: int = 4) -> str:
    values = [str(value) for value in values]
    shown = "、".join(f"「{value}」" for value in values[:limit])
    return shown + (f"等 {len(values)} 个" if len(values) > limit else "")


def no_data(what: str) -> Narrative:
    return Narrative(f"**{NO_DATA}**：{what}")


# -- 志愿者留存 -------------------------------------------------------------------------------------

def retention(rates: pd.DataFrame) -> Narrative:
    """``rates`` as analytics.retention_rates gives it (year, months_after, reached, active, rate)."""
    if rates.empty or rates["active"].sum() == 0:
        return no_data("本站还没有审核通过的服务记录，算不出留存。")
    parts = []
    for k in (12, 6, 1):
        at = rates[(rates["months_after"] == k) & (rates["reached"] > 0)]
        if len(at):
            break
    else:
        return no_data("还没有哪一年注册的志愿者走到注册后的第一个月。")
    overall = at["active"].sum() / at["reached"].sum()
    by_year = at.set_index("year")["rate"]
    spread = (f"各年在 {percent(by_year.min())}–{percent(by_year.max())} 之间" if len(by_year) > 1
              else f"{by_year.index[0]} 年注册的为 {percent(by_year.iloc[0])}")
    if overall >= RETAINED_WELL:
        judgement = "流失并不快"
    elif overall >= RETAINED_POORLY:
        judgement = f"约有 {percent(1 - overall)} 的人一年后不再服务，流失值得留意"
    else:
        judgement = f"过半的人（{percent(1 - overall)}）已不再服务，流失较快，值得关注"
    if k < 12:
        judgement = f"还没有队列走到第 12 个月，先看第 {k} 个月"
    parts.append(f"注册后第 {k} 个月仍活跃的比例，合计 {percent(overall)}（{spread}）：{judgement}。")
    first_month = rates.attrs.get("first_month")
    early = sorted({year for year in rates["year"] if first_month and f"{year}-12" < first_month})
    if early:
        parts.append(f"{'、'.join(early)} 年注册的志愿者早于本站最早的服务记录（{first_month}），"
                     "注册后头几个月的比例偏低反映的是记录的起点，不是流失。")
    last_month = rates.attrs.get("last_month")
    parts.append(f"空白是到 {last_month} 为止还没有队列走到的月份，不计为流失。")
    return Narrative("".join(parts))


# -- 服务结构 ---------------------------------------------------------------------------------------

def service_structure(by_category: pd.DataFrame, by_hall: pd.DataFrame, lectures: int) -> Narrative:
    """``by_category`` and ``by_hall``: analytics.hours_by("category"/"hall") of one station (English
    headers); ``lectures``: how many lecture sessions it held in the same period."""
    total = int(by_category["minutes"].sum())
    if total == 0:
        return no_data("这段时间没有审核通过的服务时长。")
    ranked = by_category.sort_values("minutes", ascending=False)
    label = [t(f"enum.work_task.{value}") for value in ranked["category"].astype(str)]
    top = ranked["minutes"].iloc[0] / total
    figure = f"{percent(top)}，{hours(int(ranked['minutes'].iloc[0])):,.1f} 小时"
    text = f"「{label[0]}」占了服务时长的大半（{figure}）" if top > 0.5 else f"服务时长最多的是「{label[0]}」（{figure}）"
    if len(ranked) > 1:
        text += f"，其次是「{label[1]}」（{percent(ranked['minutes'].iloc[1] / total)}）"
    hall_minutes = int(by_hall["minutes"].sum())
    if lectures:
        text += (f"。讲堂共 {lectures:,} 场，服务时长 {hours(hall_minutes):,.1f} 小时，"
                 f"占全部时长的 {percent(hall_minutes / total, 1)}。")
    else:
        text += "。这段时间没有讲堂。"
    return Narrative(text)


def partners(kinds: pd.DataFrame) -> Narrative:
    """``kinds``: activities and beneficiaries per partner kind (index: the kind's Chinese label)."""
    if kinds["活动场次"].sum() == 0:
        return no_data("本站还没有记录合作单位参与的活动。")
    ranked = kinds.sort_values("活动场次", ascending=False)
    text = f"参与活动最多的是{ranked.index[0]}（{int(ranked['活动场次'].iloc[0]):,} 场次）"
    idle = [str(kind) for kind, count in kinds["活动场次"].items() if count == 0]
    if idle:
        text += f"；{'、'.join(idle)}还没有记录合作活动，是可以加强的地方"
    return Narrative(text + "。")


# -- 月度报告 ---------------------------------------------------------------------------------------

def month_table(report: pd.DataFrame) -> pd.DataFrame:
    """analytics.month_report as a leader reads it: each month's column headed with the month, hours
    with one decimal, counts with thousands separators, and 环比 / 同比 ('—' with no base to compare)."""
    shown = pd.DataFrame({f"{name}（{month}）": [f"{value:,.1f}" if label.startswith("服务时长") else f"{value:,.0f}"
                                                for label, value in report[name].items()]
                          for name, month in report.attrs["months"].items()}, index=report.index)
    shown["环比"] = [change(now, before) for now, before in zip(report["本月"], report["上月"])]
    shown["同比"] = [change(now, before) for now, before in zip(report["本月"], report["去年同月"])]
    return shown


def month_report(report: pd.DataFrame) -> Narrative:
    """``report``: analytics.month_report's frame (rows: figures; columns: 本月, 上月, 去年同月)."""
    month = report.attrs["months"]["本月"]
    if not report["本月"].any():
        return no_data(f"{month} 没有审核通过的服务时长，也没有活动。")
    row = report.loc
    hours_now = row["服务时长（小时）", "本月"]
    text = (f"{month} 审核通过的服务时长 {hours_now:,.1f} 小时，"
            f"{versus(hours_now, row['服务时长（小时）', '上月'], '上月')}，"
            f"{versus(hours_now, row['服务时长（小时）', '去年同月'], '去年同月')}；"
            f"举办活动 {int(row['活动场次', '本月']):,} 场，受益 {int(row['受益人次', '本月']):,} 人次，"
            f"{int(row['参与服务的志愿者', '本月']):,} 名志愿者参与服务，新注册 {int(row['新注册志愿者', '本月']):,} 人。")
    return Narrative(text)


def versus(now, before, name: str) -> str:
    """How ``now`` compares with ``before`` (named ``name``): 比上月增加 12% / 与上月持平 / 上月没有时长可比."""
    moved = change(now, before)
    if moved == "—":
        return f"{name}没有时长可比"
    if moved in ("+0%", "-0%"):
        return f"与{name}持平"
    return f"比{name}{'增加' if now > before else '减少'} {moved[1:]}"


def month_leaders(projects: pd.DataFrame, posts: pd.DataFrame) -> Narrative:
    """The month's largest project and post (analytics.hours_by, largest first)."""
    if projects.empty and posts.empty:
        return no_data("这个月的时长都不属于任何项目或岗位。")
    parts = []
    for frame, key, name in ((projects, "project", "项目"), (posts, "post", "岗位")):
        if len(frame):
            parts.append(f"时长最多的{name}是「{frame[key].iloc[0]}」（{frame['hours'].iloc[0]:,.1f} 小时）")
        else:
            parts.append(f"这个月没有记在{name}下的时长")
    return Narrative("；".join(parts) + "。")


# -- 参考站 -----------------------------------------------------------------------------------------

def ages(table: pd.DataFrame) -> Narrative:
    """``table``: volunteers per age group (rows, with a 合计 row) and gender (columns, with 合计)."""
    total = int(table.loc["合计", "合计"]) if "合计" in table.index else 0
    if total == 0:
        return no_data("没有在册志愿者。")
    groups = table.drop(index="合计")["合计"]
    largest = groups.idxmax()
    sexes = table.loc["合计"].drop("合计")
    text = f"{largest}是志愿者的主体（{percent(groups.max() / total)}）"
    if len(sexes) > 1 and sexes.max() != sexes.min():
        text += f"，{sexes.idxmax()}性多于{sexes.idxmin()}性（{percent(sexes.max() / total)} 对 {percent(sexes.min() / total)}）"
    if "60岁及以上" in groups.index:
        text += f"；60 岁及以上的老年志愿者占 {percent(groups['60岁及以上'] / total)}"
    return Narrative(text + "。")


# -- 街道汇总 ---------------------------------------------------------------------------------------

def street(side: pd.DataFrame, per_volunteer: pd.DataFrame) -> Narrative:
    """``side``: one row per station (name, volunteers, hours); ``per_volunteer``: monthly hours per
    volunteer, one column per station name, over the months every station has records in."""
    if side.empty or side["volunteers"].sum() == 0:
        return no_data("这个数据库里还没有站点登记志愿者。")
    largest = side.sort_values("volunteers", ascending=False).iloc[0]
    text = (f"志愿者最多的是{largest['name']}（{int(largest['volunteers']):,} 人，"
            f"占全部 {int(side['volunteers'].sum()):,} 人的 {percent(largest['volunteers'] / side['volunteers'].sum())}）")
    if len(side) > 1:
        smallest = side.sort_values("volunteers").iloc[0]
        text += f"，最少的是{smallest['name']}（{int(smallest['volunteers']):,} 人）"
    if per_volunteer.empty:
        return Narrative(text + "。各站没有共同的服务月份，人均时长不作比较。")
    mean = per_volunteer.mean().dropna().sort_values(ascending=False)
    first, last = per_volunteer.index.min(), per_volunteer.index.max()
    text += (f"。在各站都有服务记录的 {first} 至 {last}（{len(per_volunteer)} 个月）里，人均每月服务时长"
             f"最高的是{mean.index[0]}（{mean.iloc[0]:,.1f} 小时）")
    if len(mean) > 1:
        text += f"，最低的是{mean.index[-1]}（{mean.iloc[-1]:,.1f} 小时），可以作为街道统筹时重点扶持的对象"
    return Narrative(text + "。")


# -- 民呼我应 ---------------------------------------------------------------------------------------

def case_grids(grid_rates: pd.DataFrame) -> Narrative:
    """``grid_rates``: per grid (index) 收到事项 and the three rates (0–1, NaN where nothing to count)."""
    if grid_rates.empty or grid_rates["收到事项"].sum() == 0:
        return no_data("本站还没有收到网格事项，三率无从计算。")
    parts = []
    for name in ("响应率", "解决率", "满意率"):
        known = grid_rates[name].dropna()
        if known.empty:
            parts.append(f"{name}还没有数据")
        elif len(known) == 1:
            parts.append(f"{name} {percent(known.iloc[0], 1)}")
        else:
            parts.append(f"{name}在 {percent(known.min(), 1)}（{known.idxmin()}）到 "
                         f"{percent(known.max(), 1)}（{known.idxmax()}）之间")
    text = "；".join(parts) + "。"
    response = grid_rates["响应率"].dropna()
    if len(response) > 1 and response.max() - response.min() >= 0.2:
        low = response.nsmallest(2).index.tolist()
        text += f"响应率低的网格（{'、'.join(low)}）值得看看是不是小管家人手不够，或者事项常在夜间、节假日收到。"
    return Narrative(text)


def case_months(monthly: pd.DataFrame, *, open_cases: int) -> Narrative:
    """``monthly``: case_rates by month (index 'YYYY-MM'); ``open_cases``: cases not yet resolved."""
    if monthly.empty:
        return no_data("没有收到事项的月份。")
    months = pd.PeriodIndex(monthly.index, freq="M")
    gaps = int((months[-1] - months[0]).n + 1 - len(months))
    text = f"{months[0]} 至 {months[-1]} 共 {len(months)} 个月收到事项"
    text += f"，其间有 {gaps} 个月没有收到事项，折线在那里断开" if gaps else "，每个月都有"
    monthly_rated = monthly["rated"]
    text += f"；每月评价的事项在 {int(monthly_rated.min())}–{int(monthly_rated.max())} 件之间"
    if monthly_rated.max() and monthly_rated.median() < 30:
        text += "，件数少时一两件不满意就能让满意率起伏几个百分点"
    text += "。"
    if open_cases:
        text += f"还有 {open_cases} 件事项在办理中：它们所在月份的解决率会随着办结上升。"
    return Narrative(text)


def case_steps(on_time: pd.DataFrame) -> Narrative:
    """``on_time``: per step (受理, 报到, 办结) 已判定, 按时 and 按时比例."""
    decided = on_time[on_time["已判定"] > 0]
    if decided.empty:
        return no_data("还没有哪一步到了时限或已经完成。")
    parts = [f"{step}按时 {percent(row['按时比例'])}（{int(row['按时']):,}/{int(row['已判定']):,} 件）"
             for step, row in decided.iterrows()]
    worst = decided["按时比例"].idxmin()
    return Narrative("；".join(parts) + f"。最容易超时的一步是{worst}。")


def case_sources(by_channel: pd.DataFrame) -> Narrative:
    """``by_channel``: cases per channel (rows) and kind (columns)."""
    total = int(by_channel.to_numpy().sum()) if by_channel.size else 0
    if total == 0:
        return no_data("还没有收到事项。")
    channels = by_channel.sum(axis=1).sort_values(ascending=False)
    kinds = by_channel.sum(axis=0).sort_values(ascending=False)
    text = (f"共 {total:,} 件事项，来得最多的渠道是{channels.index[0]}（{percent(channels.iloc[0] / total)}）"
            f"，最多的类型是{kinds.index[0]}（{percent(kinds.iloc[0] / total)}）")
    return Narrative(text + "。")


def wish_funnel(funnel: pd.DataFrame, ratings: pd.Series) -> Narrative:
    """``funnel``: per kind (index: 微心愿, 点单) the count at each step (发布, 认领/接单, 完成, 评价);
    ``ratings``: each kind's mean rating."""
    if funnel.empty or funnel["发布"].sum() == 0:
        return no_data("还没有发布微心愿或点单。")
    parts = []
    for kind, row in funnel.iterrows():
        part = (f"{kind}发布 {int(row['发布']):,} 件，认领 {percent(_share(row['认领/接单'], row['发布']))}，"
                f"认领的完成 {percent(_share(row['完成'], row['认领/接单']))}，"
                f"完成的得到评价 {percent(_share(row['评价'], row['完成']))}")
        rating = ratings.get(kind)
        if _known(rating):
            part += f"，平均评分 {rating:.2f} 分"
        parts.append(part)
    return Narrative("；".join(parts) + "。")


def _share(part, whole):
    return part / whole if whole else None


# -- 评选公平 ---------------------------------------------------------------------------------------

def award_balance(spreads: dict[str, pd.DataFrame], winners: int) -> Narrative:
    """``spreads``: analytics.award_spread per team, squad, gender, birth_decade (index: the group's
    label); ``winners``: how many 时尚达人 awards they share."""
    if winners == 0:
        return no_data("本站还没有已确定的时尚达人评选。")
    parts = []
    for by, name in (("team", "服务队"), ("gender", "性别"), ("squad", "服务分队"), ("birth_decade", "出生年代")):
        spread = spreads[by]
        gap = (spread["award_share"] - spread["volunteer_share"]).dropna()
        if gap.empty:
            continue
        over = gap[gap >= NOTABLE_GAP].sort_values(ascending=False)
        under = gap[gap <= -NOTABLE_GAP].sort_values()
        if over.empty and under.empty:
            parts.append(f"按{name}，获奖占比与名册占比相差都在 {percent(NOTABLE_GAP)} 以内")
            continue
        text = f"按{name}，"
        if len(over):
            text += "获奖多于名册占比的有" + "、".join(
                f"{group}（名册 {percent(spread.loc[group, 'volunteer_share'])}、获奖 {percent(spread.loc[group, 'award_share'])}）"
                for group in over.index[:3])
        if len(under):
            text += ("；" if len(over) else "") + "少于占比的有" + "、".join(str(group) for group in under.index[:4])
        parts.append(text)
    text = "。".join(parts) + "。"
    from station_kit.rules.awards import award_rules

    weighted = {theme: weight / 100 for theme, weight in award_rules().theme_weight_percent.items() if weight > 100}
    if weighted:
        text += (f"评选按服务时长积分，{len(weighted)} 类主题的服务每小时加权（最高 {max(weighted.values()):g} 倍，"
                 "`award_rules.toml` 的 `theme_weights`），从事这些服务的组积分自然更高。")
    return Narrative(text)


def monthly_winners(monthly: pd.DataFrame, eligible: pd.Series, again: pd.Series) -> Narrative:
    """``monthly``: the month awards (one row each, subject_id); ``eligible``: candidates who met the
    minimums per period; ``again``: back-to-back wins per level label."""
    if monthly.empty:
        return no_data("还没有已确定的月度时尚达人评选。")
    times = monthly.groupby("subject_id").size()
    text = (f"{len(monthly)} 个月度时尚达人由 {times.size} 人分得，每期约 {eligible.median():.0f} 人符合条件；"
            f"{int((times >= 3).sum())} 人获奖三次以上")
    if len(again):
        text += "；连续两期获奖：" + "、".join(f"{level} {count} 次" for level, count in again.items())
    else:
        text += "；没有人连续两期获奖"
    return Narrative(text + "。冷却规则只让上期获奖者轮空一期，并不限制隔期再获奖。")


def collectives(collective: pd.DataFrame, outside_squads: int) -> Narrative:
    """``collective``: the final collective rounds' candidates; ``outside_squads``: active volunteers in
    no squad (they count for their team)."""
    if collective.empty:
        return no_data("本站还没有已确定的先进集体评选。")
    latest = collective[collective["period"] == collective["period"].max()]
    won = latest[latest["winner"]].sort_values("rank")
    text = (f"{latest['period'].iloc[0]} 年度 {len(latest)} 个集体参评，入选的是"
            f"{_names(won['name'], limit=6) if len(won) else '（无）'}")
    if outside_squads:
        text += f"。有 {outside_squads} 名志愿者不在任何分队，他们计入所在的服务队"
    else:
        text += "。在册志愿者人人都在分队里，所以只在服务分队之间评出，不把同一批人算两遍"
    return Narrative(text + "；成员按评选年度末的名册计。")


def percent_1(value) -> str:
    """percent with one decimal, for a table's formatter: 0.857 → '85.7%', unknown → '—'."""
    return percent(value, 1)
