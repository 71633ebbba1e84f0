"""Which rows an analytics call reads — the one calling style of the analysts' API (DESIGN.md §7):

    analytics.hours_by("month", engine, station="XSL", period="2022")
    analytics.service_records(engine, street="麟州街道", period=("2022-01", "2022-Q2"))

After the engine, everything is by keyword: ``station`` (a station's code, or its id), or ``street`` (the
stations of that street; '' every station), and, where time applies, ``period`` (a year '2022', a quarter
'2022-Q3', a month '2022-08', or (first, last) for the months between, both included, in China time).
Neither station nor street: every station. A code, a street or a period that names nothing is refused
with a message (a DomainError), never read as an empty frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from station_kit.errors import DomainError
from station_kit.models import Station
from station_kit.rules.calendar import period_months


@dataclass(frozen=True)
class Selection:
    """The stations (None: every one) and the months (None: from the first, to the last) a call reads."""

    station_ids: tuple[int, ...] | None = None
    first_month: str | None = None
    last_month: str | None = None
    every: bool = False  # the ids are every station's (street ''): the rows need no condition

    def stations(self, statement, model):
        """``statement`` kept to the rows of ``model`` that belong to the chosen stations. Every station's
        rows are read without a condition: on a city, testing each of 20 million records against 200 ids
        cost the roll-ups a tenth of their time (`make bench-city`)."""
        if self.station_ids is None or self.every:
            return statement
        return statement.where(model.station_id.in_(self.station_ids))

    def station_rows(self, statement):
        """``statement`` over Station kept to the chosen stations themselves."""
        if self.station_ids is None or self.every:
            return statement
        return statement.where(Station.id.in_(self.station_ids))

    def months(self, statement, month):
        """``statement`` kept to the rows whose ``month`` (a 'YYYY-MM' SQL expression) is in the period."""
        if self.first_month:
            statement = statement.where(month >= self.first_month)
        if self.last_month:
            statement = statement.where(month <= self.last_month)
        return statement


def _stations(engine) -> list:
    from station_kit.frames.tables import _engine

    with _engine(engine).connect() as connection:
        return connection.execute(select(Station.id, Station.code, Station.street).order_by(Station.id)).all()


def selection(engine, *, station=None, street: str | None = None, period=None) -> Selection:
    """The Selection that ``station``, ``street`` and ``period`` name (see the module's text)."""
    first_month = last_month = None
    if period is not None:
        first_month, last_month = period_months(period)
    if station is None and street is None:
        return Selection(None, first_month, last_month)
    if station is not None and street is not None:
        raise DomainError.on("station", "station.station_or_street")
    rows = _stations(engine)
    if station is not None:
        return Selection((station_id(engine, station, rows),), first_month, last_month)
    chosen = tuple(row.id for row in rows if not street or row.street == street)
    if not chosen:
        raise DomainError.on("street", "station.unknown_street", street=street,
                             streets="、".join(sorted({row.street for row in rows} - {""})) or "—")
    return Selection(chosen, first_month, last_month, every=not street)


def station_id(engine, station, rows=None) -> int:
    """The id of the station ``station`` names: its code, or its id; a DomainError naming the codes there
    are when none has it."""
    rows = _stations(engine) if rows is None else rows
    if not rows:
        raise DomainError.on("station", "station.none")
    for row in rows:
        if station == row.code or (isinstance(station, int) and not isinstance(station, bool) and station == row.id):
            return row.id
    raise DomainError.on("station", "station.unknown_code", code=station, codes="、".join(row.code for row in rows))
