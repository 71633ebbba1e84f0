"""The awards frame: every candidate of every award round (时尚达人 and 先进集体), ranked as the round
ranked them, with its round's level, period and status. ``winner`` rows of ``final`` rounds are the
awards the tally counts; the rest show who came close and why (DESIGN.md §7, award fairness).
``award_winners``, ``award_spread`` and ``back_to_back_wins`` answer the fairness questions from these
frames: who won, by team, squad, gender and birth decade, against the registry's shares."""

from __future__ import annotations

import pandas as pd
from sqlmodel import select

from station_kit.frames.tables import COLUMNS, _read, _select, _shape, _time
from station_kit.models import AwardEntry, AwardRound, Station
from station_kit.models.awards import RoundStatus, SubjectKind
from station_kit.rules.awards import parse_period


def awards(engine=None, *, station=None, street: str | None = None, headers: str | None = None) -> pd.DataFrame:
    """One row per award entry; points as the notice shows them (one decimal)."""
    statement = (
        select(Station.code.label("station"), AwardRound.id.label("round_id"), AwardRound.level,
               AwardRound.period, AwardRound.status.label("round_status"), AwardEntry.rank,
               AwardEntry.subject_kind, AwardEntry.subject_id, AwardEntry.name, AwardEntry.unit,
               AwardEntry.points_tenths, AwardEntry.eligible, AwardEntry.winner, AwardEntry.promoted,
               AwardEntry.removed, _time(AwardRound.finalised_at))
        .join(AwardRound, AwardRound.id == AwardEntry.round_id).join(Station, Station.id == AwardEntry.station_id)
        .order_by(AwardEntry.station_id, AwardRound.first_day, AwardRound.level, AwardEntry.rank))
    frame = _read(_select(engine, statement, AwardEntry, station, street), engine)
    frame["points"] = frame["points_tenths"] / 10
    return _shape(frame, COLUMNS["awards"], headers)


# --- Award fairness (DESIGN.md §7): who won, beside who could have -------------------------------

# Birth decades as people in China name generations (80后: born 1980–1989), oldest first. An age band
# that needs no reference date: a winner's age would shift a band over the years the awards span.
DECADES = tuple(range(1930, 2030, 10))  # 30后 … 20后: two digits name one decade only
BIRTH_DECADES = pd.CategoricalDtype([f"{decade % 100:02d}后" for decade in DECADES], ordered=True)
SPREAD_BY = ("team", "squad", "gender", "birth_decade")


def birth_decade(birth_year: pd.Series) -> pd.Series:
    """Each birth year's decade as an ordered category ('60后', '70后', …); missing for an unknown year."""
    years = pd.Series(birth_year, dtype="Int64")
    decade = (years // 10 * 10).where(years.between(DECADES[0], DECADES[-1] + 9).fillna(False))
    return decade.map(lambda value: f"{value % 100:02d}后", na_action="ignore").astype(BIRTH_DECADES)


def award_winners(awards_frame: pd.DataFrame, volunteers_frame: pd.DataFrame) -> pd.DataFrame:
    """The 时尚达人 awards (winner rows of final rounds whose subject is a volunteer), each with its
    winner's gender, birth year and decade, team and squad as the registry holds them now."""
    won = awards_frame[awards_frame["winner"] & (awards_frame["round_status"] == RoundStatus.final.value)
                       & (awards_frame["subject_kind"] == SubjectKind.volunteer.value)]
    people = volunteers_frame[["volunteer_id", "gender", "birth_year", "team", "squad"]]
    frame = won.merge(people, left_on="subject_id", right_on="volunteer_id", how="left", validate="many_to_one")
    frame["birth_decade"] = birth_decade(frame["birth_year"])
    return frame.drop(columns="volunteer_id")


def award_spread(winners: pd.DataFrame, volunteers_frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Awards per ``by`` (team, squad, gender or birth_decade) beside that group's share of the active
    registry. Columns: volunteers, volunteer_share, awards, award_share, expected_awards (what the group
    would win if awards followed the registry's shares) and people (distinct winners). Volunteers with
    no value (no squad, no known birth year) form a group of their own, labelled NaN, so every award and
    every volunteer counts once. Categories (gender, decades) keep their order; teams and squads come
    largest first."""
    if by not in SPREAD_BY:
        raise ValueError(f"by must be one of {SPREAD_BY}, not {by!r}")
    registry = volunteers_frame[volunteers_frame["active"]]
    if by == "birth_decade":
        registry = registry.assign(birth_decade=birth_decade(registry["birth_year"]))
    counts = registry.groupby(by, observed=True, dropna=False).size().rename("volunteers")
    won = winners.groupby(by, observed=True, dropna=False)["subject_id"].agg(awards="size", people="nunique")
    frame = pd.concat([counts, won], axis=1).fillna(0).astype("int64")
    frame["volunteer_share"] = frame["volunteers"] / max(frame["volunteers"].sum(), 1)
    frame["award_share"] = frame["awards"] / max(frame["awards"].sum(), 1)
    frame["expected_awards"] = frame["volunteer_share"] * frame["awards"].sum()
    if by in ("team", "squad"):
        frame = frame.sort_values(["volunteers", "awards"], ascending=False, kind="stable")
    frame.index.name = by
    return frame[["volunteers", "volunteer_share", "awards", "award_share", "expected_awards", "people"]]


def back_to_back_wins(winners: pd.DataFrame) -> pd.DataFrame:
    """The awards whose winner also won the level's previous period (2022-03 after 2022-02). With the
    cooldown on for a level (award_rules.toml), that level has none."""
    won = set(zip(winners["level"].astype(str), winners["period"].astype(str), winners["subject_id"]))
    previous = [parse_period(level, period).previous().name
                for level, period in zip(winners["level"].astype(str), winners["period"].astype(str))]
    again = [(level, period, subject) in won
             for level, period, subject in zip(winners["level"].astype(str), previous, winners["subject_id"])]
    return winners[pd.Series(again, index=winners.index, dtype=bool)]
