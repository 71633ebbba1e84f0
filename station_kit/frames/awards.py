"""The awards frame: every candidate of every award round (时尚达人 and 先进集体), ranked as the round
ranked them, with its round's level, period and status. ``winner`` rows of ``final`` rounds are the
awards the tally counts; the rest show who came close and why (DESIGN.md §7, award fairness)."""

from __future__ import annotations

import pandas as pd
from sqlmodel import select

from station_kit.frames.tables import COLUMNS, _read, _shape, _time, _where_station
from station_kit.models import AwardEntry, AwardRound, Station


def awards(engine=None, station_id: int | None = None, *, headers: str | None = None) -> pd.DataFrame:
    """One row per award entry; points as the notice shows them (one decimal)."""
    statement = (
        select(Station.code.label("station"), AwardRound.id.label("round_id"), AwardRound.level,
               AwardRound.period, AwardRound.status.label("round_status"), AwardEntry.rank,
               AwardEntry.subject_kind, AwardEntry.subject_id, AwardEntry.name, AwardEntry.unit,
               AwardEntry.points_tenths, AwardEntry.eligible, AwardEntry.winner, AwardEntry.promoted,
               AwardEntry.removed, _time(AwardRound.finalised_at))
        .join(AwardRound, AwardRound.id == AwardEntry.round_id).join(Station, Station.id == AwardEntry.station_id)
        .order_by(AwardEntry.station_id, AwardRound.first_day, AwardRound.level, AwardEntry.rank))
    frame = _read(_where_station(statement, AwardEntry, station_id), engine)
    frame["points"] = frame["points_tenths"] / 10
    return _shape(frame, COLUMNS["awards"], headers)
