"""The community frames: grid cases (民呼我应) and residents' wishes and service orders (微心愿, 点单),
one row each, for the three rates and the wishes funnel (DESIGN.md §7). No resident is named and no
title is given (titles are typed by staff and may name people): what they answer needs neither."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Float, Integer, case, cast, func
from sqlmodel import select

from station_kit import clock
from station_kit.frames.tables import COLUMNS, _read, _select, _shape, _time
from station_kit.models import Grid, GridCase, Request, RequestClaim, Station
from station_kit.models.community import ClaimStatus
from station_kit.rules.sla import CASE_STEPS, satisfied_from_rating, step_on_time_sql


def case_counts_sql() -> dict:
    """The counts behind 三率 (DESIGN.md §4), as SQL aggregates over GridCase rows, and the three rates.

    - 响应率 = cases accepted within the accept limit / cases received (one not yet accepted counts as
      not responded to: the month shows as it stands);
    - 解决率 = cases resolved (rated or not) / cases received, counted in the month received;
    - 满意率 = ratings of at least ``satisfied_from_rating`` (data/sla.toml) / cases rated: a case not rated
      is left out, not counted unhappy.
    Each figure is written here once; analytics.case_rates and the reports' station figures use it."""
    received = func.count()
    responded = func.count(case((GridCase.accepted_at <= GridCase.accept_due_at, 1)))
    resolved = func.count(GridCase.resolved_at)
    rated = func.count(GridCase.rating)
    satisfied = func.count(case((GridCase.rating >= satisfied_from_rating(), 1)))
    return {"received": received, "responded_in_time": responded, "resolved": resolved, "rated": rated,
            "satisfied": satisfied,
            "response_rate": cast(responded, Float) / func.nullif(received, 0),
            "resolution_rate": cast(resolved, Float) / func.nullif(received, 0),
            "satisfaction_rate": cast(satisfied, Float) / func.nullif(rated, 0)}


def grid_cases(engine=None, *, station=None, street: str | None = None, period=None,
               headers: str | None = None) -> pd.DataFrame:
    """One row per grid case: grid, kind, channel, status, the time of each step and its deadline (China
    time), and for each deadline whether it was met: True or False once decided (done, or late while
    still to do), missing while the step is still to come and not yet late, or never due — by the one
    rule of lateness (rules.sla), computed by the database."""
    now = clock.now()
    on_time = [step_on_time_sql(getattr(GridCase, done), getattr(GridCase, due), now).label(f"{step}_on_time")
               for step, done, due in CASE_STEPS]
    statement = (
        select(Station.code.label("station"), GridCase.id.label("case_id"), Grid.name.label("grid"),
               GridCase.kind.label("case_kind"), GridCase.channel, GridCase.status.label("case_status"),
               GridCase.is_complex, GridCase.rating, _time(GridCase.received_at), _time(GridCase.accepted_at),
               _time(GridCase.whistled_at), _time(GridCase.reported_at), _time(GridCase.resolved_at),
               _time(GridCase.rated_at), _time(GridCase.accept_due_at), _time(GridCase.report_due_at),
               _time(GridCase.resolve_due_at), *on_time)
        .join(Station, Station.id == GridCase.station_id).join(Grid, Grid.id == GridCase.grid_id)
        .order_by(GridCase.station_id, GridCase.id))
    statement = _select(engine, statement, GridCase, station, street, period, GridCase.received_at)
    return _shape(_read(statement, engine), COLUMNS["grid_cases"], headers)


def requests(engine=None, *, station=None, street: str | None = None, period=None,
             headers: str | None = None) -> pd.DataFrame:
    """One row per wish or service order: kind, grid, status, how many claimers hold it now and whether
    staff dispatched it (派单), the time of each step, the resident's rating, and whether the claimers'
    time went into service hours."""
    active = RequestClaim.status == ClaimStatus.active
    claims = (select(RequestClaim.request_id, func.count().label("claimers"),
                     func.max(cast(RequestClaim.dispatched, Integer)).label("dispatched"))
              .where(active).group_by(RequestClaim.request_id).subquery())
    statement = (
        select(Station.code.label("station"), Request.id.label("request_id"), Request.kind.label("request_kind"),
               Grid.name.label("grid"), Request.status.label("request_status"), claims.c.claimers,
               claims.c.dispatched, _time(Request.posted_at), _time(Request.claimed_at),
               _time(Request.fulfilled_at), _time(Request.rated_at), _time(Request.cancelled_at), Request.rating,
               Request.activity_id.is_not(None).label("hours_recorded"))
        .join(Station, Station.id == Request.station_id).join(Grid, Grid.id == Request.grid_id)
        .outerjoin(claims, claims.c.request_id == Request.id)
        .order_by(Request.station_id, Request.id))
    statement = _select(engine, statement, Request, station, street, period, Request.posted_at)
    return _shape(_read(statement, engine), COLUMNS["requests"], headers)
