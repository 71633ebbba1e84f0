"""Award rounds (时尚达人, 先进集体): run, publicise, take objections, finalise (DESIGN.md §4).

A round for (level, period) ranks every candidate with a full score breakdown (services.award_scoring)
and stores the hash and text of the rules it used. It moves draft → 公示 → final through ROUND_FLOW:
- a draft may be re-run; on unchanged data and rules it ranks the same;
- 公示 starts once the period is over and lasts the rules' working days (China's calendar, 调休);
- an objection is lodged during 公示 against a winning entry and resolved with a written reason; an
  upheld one removes the entry and promotes the next eligible candidate, on record;
- only an admin finalises, once every objection is resolved and the publicity period has ended (the
  notice promises the public those days to object, so no one may cut them short); a final round
  never changes.
Every step is in the operation log with who took it.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import delete, func
from sqlmodel import Session, select

from station_kit import clock
from station_kit.db import insert_many, insert_unique
from station_kit.errors import DomainError
from station_kit.i18n import t
from station_kit.io.documents import AwardCertificate, AwardNotice, NoticeEntry
from station_kit.models import AwardEntry, AwardObjection, AwardRound, Station
from station_kit.models.awards import (
    AwardEntryPublic,
    AwardLevel,
    AwardObjectionPublic,
    AwardRoundPublic,
    ObjectionStatus,
    RoundStatus,
    SubjectKind,
)
from station_kit.rules import load_rules
from station_kit.rules.awards import Period, award_rules, parse_period
from station_kit.rules.calendar import add_working_days
from station_kit.rules.hours import hours_text
from station_kit.services import award_scoring
from station_kit.services.actor import Role
from station_kit.services.audit import log_event
from station_kit.services.scope import Scope, is_id
from station_kit.services.workflow import Stamp, Workflow, transition
from station_kit.validation import clean_text, column_length

ROUND_FLOW = Workflow("award_round", {
    (RoundStatus.draft, "publish"): RoundStatus.publicity,
    (RoundStatus.publicity, "finalize"): RoundStatus.final,
}, roles={"finalize": Role.admin}, stamps={"finalize": Stamp("finalised_at", by="finalised_by")})
# Objections are lodged and resolved while the round is in 公示, and only then.
OBJECTIONS_OPEN_IN = RoundStatus.publicity
OBJECTION_FLOW = Workflow("award_objection", {
    (ObjectionStatus.open, "uphold"): ObjectionStatus.upheld,
    (ObjectionStatus.open, "dismiss"): ObjectionStatus.rejected,
}, needs_reason=frozenset({"uphold", "dismiss"}),
    stamps={"uphold": Stamp("resolved_at", by="resolved_by"), "dismiss": Stamp("resolved_at", by="resolved_by")})


def run_award_round(*, scope: Scope, station_id: int, level: str, period: str) -> AwardRoundPublic:
    """Compute (or re-compute) the draft round of ``level`` for ``period``: every candidate ranked,
    the first ``quota`` eligible ones winners. A round already in 公示 or final is refused."""
    return run_award_rounds(scope=scope, station_ids=[station_id], level=level, period=period)[0]


def run_award_rounds(*, scope: Scope, station_ids: list[int], level: str, period: str) -> list[AwardRoundPublic]:
    """The draft round of ``level`` for ``period`` at each station, as ``run_award_round`` computes one: a
    street's or a city's rounds at once, ranked in one pass over their records and written together, one
    line of the operation log a station. Any station's round already in 公示 or final refuses them all."""
    session = scope.session
    station_ids = list(dict.fromkeys(station_ids))
    for station_id in station_ids:
        scope.require(station_id=station_id)
    rules = award_rules()
    level_rules = rules.level(level)
    span = parse_period(level, period)
    rounds = _locked_rounds(session, station_ids, level, span.name)
    for award_round in rounds.values():
        if award_round.status != RoundStatus.draft:
            raise DomainError.on("period", "awards.round_not_draft", period=span.name,
                                 status=ROUND_FLOW.state_label(award_round.status))
    if level == AwardLevel.collective:
        ranked = {station_id: award_scoring.rank_collectives(session, station_id, span, rules, level_rules)
                  for station_id in station_ids}
    else:
        cooled = _previous_winners(session, station_ids, span) if level_rules.cooldown else {}
        ranked = award_scoring.rank_volunteers(session, station_ids, span, rules, level_rules, cooled_down=cooled)
    fields = {"first_day": span.first_day, "last_day": span.last_day, "quota": level_rules.quota,
              "rules_hash": rules.hash, "computed_at": scope.now(), "computed_by": scope.actor.name,
              "rules_json": json.dumps(load_rules("award_rules"), ensure_ascii=False, sort_keys=True,
                                       default=str)}
    _drafts(scope, rounds, station_ids, level, span.name, fields)
    entries, computed = [], []
    for station_id in station_ids:
        award_round = rounds[station_id]
        rows = _entry_rows(station_id, award_round.id, ranked[station_id], level_rules.quota)
        entries += rows
        log_event(scope, action="award_round.run", entity="award_round", entity_id=award_round.id,
                  station_id=station_id, level=level, period=span.name, rules_hash=rules.hash,
                  candidates=len(rows), winners=sum(row["winner"] for row in rows))
        computed.append(_round_public(award_round))
    insert_many(session, AwardEntry, entries)
    return computed


def _drafts(scope: Scope, rounds: dict[int, AwardRound], station_ids: list[int], level: str, period: str,
            fields: dict) -> None:
    """Each station's draft round with ``fields`` in ``rounds``: the old drafts emptied of their entries,
    new rows for the others (in one statement)."""
    session = scope.session
    for award_round in rounds.values():
        for name, value in fields.items():
            setattr(award_round, name, value)
        award_round.updated_at = scope.now()
        session.add(award_round)
    if rounds:
        session.execute(delete(AwardEntry).where(AwardEntry.round_id.in_([r.id for r in rounds.values()])))
    new = [AwardRound(station_id=station_id, level=level, period=period, **fields)
           for station_id in station_ids if station_id not in rounds]
    insert_unique(session, new, lambda: DomainError.on(
        "period", "awards.round_not_draft", period=period, status=ROUND_FLOW.state_label(RoundStatus.draft)))
    rounds.update((award_round.station_id, award_round) for award_round in new)
    session.flush()


_BREAKDOWN_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)  # one encoder for a city's entries


def _entry_rows(station_id: int, round_id: int, candidates, quota: int) -> list[dict]:
    """The round's entries in rank order: the first ``quota`` eligible candidates win."""
    rows, winners = [], 0
    for rank, candidate in enumerate(candidates, start=1):
        winner = candidate.eligible and winners < quota
        winners += winner
        rows.append({
            "station_id": station_id, "round_id": round_id, "rank": rank, "subject_kind": candidate.kind,
            "subject_id": candidate.subject_id, "name": candidate.name[:100], "unit": candidate.unit[:100],
            "points_tenths": candidate.points_tenths, "eligible": candidate.eligible,
            "ineligible_reason": candidate.ineligible_reason, "winner": winner, "removed": False,
            "promoted": False,
            "breakdown_json": _BREAKDOWN_JSON.encode(candidate.breakdown)})
    return rows


def publish_round(*, scope: Scope, round_id: int) -> AwardRoundPublic:
    """Start 公示: from today to the rules' number of working days on. The period must be over."""
    award_round = _locked_round(scope, round_id)
    ROUND_FLOW.target(award_round.status, "publish")
    scope.require(ROUND_FLOW.roles.get("publish", Role.staff))
    today = scope.today()
    if today <= award_round.last_day:
        raise DomainError.on("period", "awards.period_not_over", last_day=award_round.last_day.isoformat())
    if not _count(scope.session, AwardEntry.round_id == round_id, AwardEntry.winner):
        raise DomainError.on("period", "awards.no_winner")
    award_round.published_on = today
    award_round.publicity_ends_on = add_working_days(today - dt.timedelta(days=1),
                                                     award_rules().publicity_working_days)
    transition(scope=scope, workflow=ROUND_FLOW, row=award_round, action="publish",
               publicity_ends_on=award_round.publicity_ends_on.isoformat())
    return _round_public(award_round)


def lodge_objection(*, scope: Scope, round_id: int, entry_id: int, objector: str, content: str) -> AwardObjectionPublic:
    """Record an objection against a winning entry, while the round is in 公示."""
    session = scope.session
    scope.require()
    award_round = _locked_round(scope, round_id)
    if award_round.status != OBJECTIONS_OPEN_IN:
        raise DomainError.on("entry", "awards.objection_outside_publicity")
    if scope.today() > award_round.publicity_ends_on:
        raise DomainError.on("entry", "awards.publicity_over", day=award_round.publicity_ends_on.isoformat())
    entry = session.get(AwardEntry, entry_id) if is_id(entry_id) else None
    if entry is None or entry.round_id != round_id or not entry.winner:
        raise DomainError.on("entry", "awards.objection_needs_winner")
    objector = clean_text(objector, field="objector", max_length=column_length(AwardObjection, "objector"),
                          required="awards.objector_required")
    content = clean_text(content, field="content", max_length=column_length(AwardObjection, "content"),
                         required="awards.objection_content_required")
    objection = AwardObjection(station_id=award_round.station_id, round_id=round_id, entry_id=entry_id,
                               objector=objector, content=content, lodged_by=scope.actor.name)
    session.add(objection)
    session.flush()
    log_event(scope, action="award_objection.lodge", entity="award_objection",
              entity_id=objection.id, station_id=award_round.station_id, round_id=round_id,
              entry=entry.name, objector=objector, content=content)
    return _objection_public(objection, entry.name)


def resolve_objection(*, scope: Scope, objection_id: int, upheld: bool, reason: str) -> AwardObjectionPublic:
    """Uphold (the entry is removed, the next eligible candidate promoted) or dismiss an objection,
    with a written reason."""
    session = scope.session
    scope.require()
    objection = scope.get(AwardObjection, objection_id, field="objection",
                     missing="awards.objection_not_found")
    award_round = _locked_round(scope, objection.round_id)
    session.refresh(objection)  # as it is now that the round is held
    if award_round.status != OBJECTIONS_OPEN_IN:
        raise DomainError.on("objection", "awards.objection_outside_publicity")
    action = "uphold" if upheld else "dismiss"
    OBJECTION_FLOW.target(objection.status, action)
    reason = clean_text(reason, field="reason", max_length=column_length(AwardObjection, "resolution"),
                        required="reason.required")
    detail = {}
    entry = session.get(AwardEntry, objection.entry_id)
    # A second objection upheld against an entry already removed changes nothing more.
    if upheld and not entry.removed:
        entry.winner, entry.removed = False, True
        session.add(entry)
        promoted = session.exec(select(AwardEntry).where(
            AwardEntry.round_id == award_round.id, AwardEntry.eligible, ~AwardEntry.winner,
            ~AwardEntry.removed).order_by(AwardEntry.rank)).first()
        if promoted is not None:
            promoted.winner, promoted.promoted = True, True
            session.add(promoted)
            objection.promoted_entry_id = promoted.id
        detail = {"removed": entry.name, "promoted": promoted.name if promoted else ""}
    objection.resolution = reason
    transition(scope=scope, workflow=OBJECTION_FLOW, row=objection, action=action,
               reason=reason, round_id=award_round.id, **detail)
    return _objection_public(objection, entry.name)


def finalize_round(*, scope: Scope, round_id: int) -> AwardRoundPublic:
    """Make a round final: an admin, every objection resolved, the publicity period over."""
    award_round = _locked_round(scope, round_id)
    ROUND_FLOW.target(award_round.status, "finalize")
    scope.require(ROUND_FLOW.roles["finalize"])
    open_objections = _count_objections(scope.session, round_id, ObjectionStatus.open)
    if open_objections:
        raise DomainError.on("objection", "awards.open_objections", count=open_objections)
    if scope.today() <= award_round.publicity_ends_on:
        raise DomainError.on("period", "awards.publicity_not_over",
                             day=award_round.publicity_ends_on.isoformat())
    transition(scope=scope, workflow=ROUND_FLOW, row=award_round, action="finalize")
    return _round_public(award_round)


# Reading -------------------------------------------------------------------------------------------

def find_round(*, scope: Scope, station_id: int, level: str, period: str) -> AwardRoundPublic | None:
    scope.require_station(station_id)
    span = parse_period(level, period)
    award_round = _round_at(scope.session, station_id, level, span.name)
    return None if award_round is None else _round_public(award_round)


def list_rounds(*, session: Session, station_id: int, level: str | None = None) -> list[AwardRoundPublic]:
    statement = select(AwardRound).where(AwardRound.station_id == station_id)
    if level:
        statement = statement.where(AwardRound.level == level)
    rows = session.exec(statement.order_by(AwardRound.first_day.desc(), AwardRound.level)).all()
    return [_round_public(row) for row in rows]


def round_entries(*, scope: Scope, round_id: int, limit: int | None = None) -> list[AwardEntryPublic]:
    _round(scope, round_id)
    statement = select(AwardEntry).where(AwardEntry.round_id == round_id).order_by(AwardEntry.rank)
    if limit is not None:
        statement = statement.limit(limit)
    return [_entry_public(entry) for entry in scope.session.exec(statement).all()]


def round_objections(*, scope: Scope, round_id: int) -> list[AwardObjectionPublic]:
    _round(scope, round_id)
    rows = scope.session.exec(select(AwardObjection, AwardEntry.name).join(
        AwardEntry, AwardEntry.id == AwardObjection.entry_id).where(
        AwardObjection.round_id == round_id).order_by(AwardObjection.id)).all()
    return [_objection_public(objection, entry_name) for objection, entry_name in rows]


def ranking_document(*, scope: Scope, round_id: int) -> dict:
    """The round's ranking as plain data with no timestamps: the same every time on the same data."""
    award_round = _round(scope, round_id)
    return {"level": award_round.level, "period": award_round.period, "status": award_round.status,
            "quota": award_round.quota, "rules_hash": award_round.rules_hash,
            "entries": [entry.model_dump(mode="json", exclude={"id"})
                        for entry in round_entries(scope=scope, round_id=round_id)]}


def final_winners(*, scope: Scope, station_id: int, level: str, period: str) -> list[AwardEntryPublic]:
    """The winners of a final round, in rank order; none while it is not final."""
    scope.require_station(station_id)
    award_round = _round_at(scope.session, station_id, level, parse_period(level, period).name)
    if award_round is None or award_round.status != RoundStatus.final:
        return []
    return [entry for entry in round_entries(scope=scope, round_id=award_round.id) if entry.winner]


def latest_final_winners(*, scope: Scope, station_id: int,
                         level: str) -> tuple[str, list[AwardEntryPublic]] | None:
    """The period and winners of the level's latest final round (what 实时数据 shows), or None."""
    scope.require_station(station_id)
    award_round = scope.session.exec(select(AwardRound).where(
        AwardRound.station_id == station_id, AwardRound.level == level, AwardRound.status == RoundStatus.final)
        .order_by(AwardRound.first_day.desc())).first()
    if award_round is None:
        return None
    return award_round.period, [entry for entry in round_entries(scope=scope, round_id=award_round.id)
                                if entry.winner]


# Documents (filled here, laid out by station_kit.io.pdf) --------------------------------------------

def award_notice(*, scope: Scope, round_id: int) -> AwardNotice:
    """The 公示 notice: each winner with the breakdown of their points."""
    award_round = _round(scope, round_id)
    if award_round.status == RoundStatus.draft:
        raise DomainError.on("period", "awards.notice_needs_publicity")
    station = scope.session.get(Station, award_round.station_id)
    entries = tuple(NoticeEntry(rank=entry.rank, name=entry.name, unit=entry.unit, points=entry.points,
                                breakdown=breakdown_lines(entry))
                    for entry in round_entries(scope=scope, round_id=round_id) if entry.winner)
    title = t("awards.notice.title", station=station.name, award=award_title(award_round.level, award_round.period))
    return AwardNotice(station_name=station.name, title=title, entries=entries,
                       publicity_from=award_round.published_on, publicity_until=award_round.publicity_ends_on,
                       contact=_objection_contact(station), issued_on=award_round.published_on)


def _objection_contact(station: Station) -> str:
    """Who takes objections: the rules' wording, else the station's office; then its phone, if known."""
    office = award_rules().objection_contact or t("awards.notice.office", station=station.name)
    return t("awards.notice.office_contact", office=office, contact=station.contact) if station.contact else office


def award_certificates(*, scope: Scope, round_id: int) -> list[AwardCertificate]:
    """One certificate per winner of a final round, numbered by station, round and rank."""
    award_round = _round(scope, round_id)
    if award_round.status != RoundStatus.final:
        raise DomainError.on("period", "awards.certificates_need_final")
    station = scope.session.get(Station, award_round.station_id)
    title = award_title(award_round.level, award_round.period)
    return [AwardCertificate(station_name=station.name, recipient=entry.name, award_title=title,
                             certificate_number=f"{station.code}-{award_round.period}-{award_round.level}-{entry.rank:03d}",
                             issued_on=clock.local(award_round.finalised_at).date())
            for entry in round_entries(scope=scope, round_id=round_id) if entry.winner]


def award_title(level: str, period: str) -> str:
    """How people name a round's award: 2022年8月 月度“时尚达人”, 2021年度 先进集体…"""
    span = parse_period(level, period)
    year = span.first_day.year
    when = {"week": lambda: t("awards.period.week", year=span.first_day.isocalendar()[0],
                              week=span.first_day.isocalendar()[1]),
            "month": lambda: t("awards.period.month", year=year, month=span.first_day.month),
            "quarter": lambda: t("awards.period.quarter", year=year, quarter=(span.first_day.month + 2) // 3)}
    return t(f"awards.title.{level}", period=when.get(level, lambda: t("awards.period.year", year=year))())


def breakdown_lines(entry: AwardEntryPublic) -> tuple[tuple[str, str], ...]:
    """The breakdown as (label, value) lines a notice or a screen shows."""
    figures = entry.breakdown
    # A person's activities are activities; a collective's add up its members': 人次, not 场.
    activities = "activities" if entry.subject_kind == SubjectKind.volunteer else "participations"
    lines = [(t("awards.breakdown.hours"), t("awards.breakdown.hours_value", hours=hours_text(figures["minutes"]))),
             (t(f"awards.breakdown.{activities}"), f"{figures['activities']:,}")]
    if entry.subject_kind == SubjectKind.volunteer:
        lines += [(t(f"enum.activity_theme.{theme}"), t("awards.breakdown.hours_value", hours=hours_text(minutes)))
                  for theme, minutes in figures["theme_minutes"].items() if minutes]
    else:
        lines += [(t("awards.breakdown.members"), str(figures["members"])),
                  (t("awards.breakdown.participation"), f"{figures['participation_percent']:.1f}%"),
                  (t("awards.breakdown.points_per_member"), f"{figures['points_per_member']:.1f}")]
    lines += [(t("awards.breakdown.hour_points"), f"{figures['hour_points']:.1f}"),
              (t("awards.breakdown.bonus_points"), f"+{figures['bonus_points']:.1f}"),
              (t("awards.breakdown.deduction_points"), f"-{figures['deduction_points']:.1f}"),
              (t("awards.breakdown.points"), f"{figures['points']:.1f}")]
    return tuple(lines)


# Helpers ------------------------------------------------------------------------------------------

def _round_public(award_round: AwardRound) -> AwardRoundPublic:
    return AwardRoundPublic.model_validate(award_round, from_attributes=True)


def _objection_public(objection: AwardObjection, entry_name: str) -> AwardObjectionPublic:
    shown = set(AwardObjectionPublic.model_fields) - {"entry_name"}
    return AwardObjectionPublic(entry_name=entry_name, **{name: getattr(objection, name) for name in shown})


def _entry_public(entry: AwardEntry) -> AwardEntryPublic:
    return AwardEntryPublic(id=entry.id, rank=entry.rank, subject_kind=entry.subject_kind, name=entry.name,
                            unit=entry.unit, points=entry.points_tenths / 10, eligible=entry.eligible,
                            ineligible_reason=entry.ineligible_reason, winner=entry.winner,
                            removed=entry.removed, promoted=entry.promoted,
                            breakdown=json.loads(entry.breakdown_json))


def _round_at(session: Session, station_id: int, level: str, period: str) -> AwardRound | None:
    return session.exec(select(AwardRound).where(AwardRound.station_id == station_id,
                                                 AwardRound.level == level, AwardRound.period == period)).first()


def _round(scope: Scope, round_id: int) -> AwardRound:
    """The round, of a station the person works for."""
    return scope.get(AwardRound, round_id, field="round", missing="awards.round_not_found")


def _locked_rounds(session: Session, station_ids: list[int], level: str, period: str) -> dict[int, AwardRound]:
    """The stations' rounds of ``level`` for ``period`` that exist, as stored now and held until the
    transaction ends (so two people cannot move them at once), by station."""
    session.flush()
    return {award_round.station_id: award_round for award_round in session.exec(
        select(AwardRound).where(AwardRound.station_id.in_(station_ids), AwardRound.level == level,
                                 AwardRound.period == period)
        .with_for_update().execution_options(populate_existing=True)).all()}


def _locked_round(scope: Scope, round_id: int) -> AwardRound:
    """The round, of a station the actor works for, held until the transaction ends so two people
    cannot move it at once."""
    scope.session.flush()  # what this transaction changed already is kept by the refresh below
    award_round = scope.get(AwardRound, round_id, field="round", missing="awards.round_not_found",
                       lock=True)
    scope.session.refresh(award_round)
    return award_round


def _previous_winners(session: Session, station_ids: list[int], span: Period) -> dict[int, set[int]]:
    """Who won the level's previous period at each station (final rounds only): they sit this round out."""
    previous = span.previous()
    rows = session.exec(select(AwardRound.station_id, AwardEntry.subject_id)
                        .join(AwardRound, AwardRound.id == AwardEntry.round_id).where(
        AwardRound.station_id.in_(station_ids), AwardRound.level == span.level, AwardRound.period == previous.name,
        AwardRound.status == RoundStatus.final, AwardEntry.winner,
        AwardEntry.subject_kind == SubjectKind.volunteer)).all()
    winners: dict[int, set[int]] = {}
    for station_id, volunteer_id in rows:
        winners.setdefault(station_id, set()).add(volunteer_id)
    return winners


def _count(session: Session, *conditions) -> int:
    return session.exec(select(func.count()).select_from(AwardEntry).where(*conditions)).one()


def _count_objections(session: Session, round_id: int, status: ObjectionStatus) -> int:
    return session.exec(select(func.count()).select_from(AwardObjection).where(
        AwardObjection.round_id == round_id, AwardObjection.status == status)).one()

