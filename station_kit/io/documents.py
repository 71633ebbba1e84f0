"""What the PDF documents say (DESIGN.md §4): plain data that services fill and io.pdf lays out.

Kept apart from the layout so that services build documents without importing a PDF library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class NoticeEntry:
    """One winner on a 公示 notice, with the score breakdown that put them there."""

    rank: int
    name: str  # the volunteer's or the collective's name, as the notice shows it
    unit: str  # their team or squad ("" when none)
    points: float
    breakdown: tuple[tuple[str, str], ...]  # (label, value as shown), e.g. ("服务时长", "42.5 小时")


@dataclass(frozen=True)
class AwardNotice:
    """The 公示 notice of one award round ("公正、公平、公开")."""

    station_name: str
    title: str  # e.g. 兴神路社区2022年8月“时尚达人”评选结果公示
    entries: tuple[NoticeEntry, ...]
    publicity_from: date
    publicity_until: date  # the last day objections are taken
    contact: str  # who takes objections, and how
    issued_on: date


@dataclass(frozen=True)
class AwardCertificate:
    """One award certificate (荣誉证书)."""

    station_name: str
    recipient: str
    award_title: str  # e.g. 2022年8月 月度“时尚达人”
    certificate_number: str
    issued_on: date


@dataclass(frozen=True)
class ServiceCertificate:
    """志愿服务记录证明 with the fields of 民发〔2015〕149号, from approved records only."""

    certificate_number: str
    name: str
    id_type: str  # as shown, e.g. 居民身份证
    masked_id_number: str
    volunteer_number: str
    approved_minutes: int
    service_content: tuple[str, ...]  # lines such as "2022-08-05 周五爱国卫生大扫除 2.0 小时"
    period_from: date | None
    period_until: date | None
    station_name: str
    person_in_charge: str
    handler: str
    contact: str
    issued_on: date
