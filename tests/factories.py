"""Builders for test data. Valid ID numbers are computed (GB 11643 check digit), never hard-coded."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from stdnum.cn import ric

from station_kit.demo import people
from station_kit.models import Post, Squad, Team, VolunteerCreate
from station_kit.services.actor import Actor
from station_kit.services.org import add_unit, create_station
from station_kit.services.scope import Scope

# Who reads in a test that only reads: a person of no particular station.
READER = Actor("读者")

_phones = itertools.count(13800138000)
_sequences = itertools.count()


@dataclass(frozen=True)
class StationIds:
    id: int
    team_id: int
    squad_ids: tuple[int, int]
    post_ids: tuple[int, int, int]


def make_station(session, *, code: str = "TST", name: str = "测试社区") -> StationIds:
    station = create_station(scope=Scope(session, Actor("test")), code=code, name=name, city="神木市", street="麟州街道")
    team = add_unit(scope=Scope(session, Actor("test")), model=Team, station_id=station.id, name="测试服务队")
    squads = [add_unit(scope=Scope(session, Actor("test")), model=Squad, station_id=station.id, name=f"第{n}分队",
                       team_id=team.id) for n in (1, 2)]
    posts = [add_unit(scope=Scope(session, Actor("test")), model=Post, station_id=station.id, name=name)
             for name in ("社区党建引领", "困难居民帮扶", "卫生健康服务")]
    return StationIds(station.id, team.id, tuple(s.id for s in squads), tuple(p.id for p in posts))


def id_number(*, birth_date: dt.date = dt.date(1985, 6, 15), male: bool = True) -> str:
    """A valid number, never the same twice in a test session for the same birth date and gender
    (up to 500 of them): a random sequence could repeat and register as a duplicate."""
    sequence = next(_sequences) % 500 * 2 + (1 if male else 0)
    body = f"{people.shenmu_region_code(birth_date.year)}{birth_date:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def with_check_digit(first_17: str) -> str:
    return first_17 + ric.calc_check_digit(first_17 + "0")


def with_bad_check_digit(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


def unique_phone() -> str:
    return str(next(_phones))


def volunteer_data(**overrides) -> VolunteerCreate:
    fields = dict(name="张伟", id_number=id_number(), phone=unique_phone(), consent=True,
                  residence_area="兴神路社区")
    fields.update(overrides)
    return VolunteerCreate(**fields)


def make_room(session, station_id: int, name: str = "活动室"):
    from station_kit.models import Room

    room = add_unit(scope=Scope(session, Actor("test")), model=Room, station_id=station_id, name=name)
    return room.id


def activity_data(*, starts_at, hours: float = 2, **overrides):
    """An activity starting at ``starts_at`` (aware datetime) and lasting ``hours``."""
    import datetime as _dt

    from station_kit.models import ActivityCreate
    from station_kit.models.work import WorkTask

    fields = dict(title="周五爱国卫生大扫除", category=WorkTask.customs, starts_at=starts_at,
                  ends_at=starts_at + _dt.timedelta(hours=hours), organiser="兴神路社区",
                  person_in_charge="王站长")
    fields.update(overrides)
    return ActivityCreate(**fields)


def make_community(session, station: StationIds) -> dict:
    """Two grids (a steward in the first), a resident of the first (王小明, 13912345678, elderly and in
    hardship), a department and two volunteers (张伟, 李娜): ids by name."""
    from station_kit.models.community import CareGroup, ResidentCreate
    from station_kit.models.org import Grid, StewardRole
    from station_kit.services.org import add_steward
    from station_kit.services.residents import add_department, register_resident
    from station_kit.services.volunteers import register_volunteer

    staff = Actor("王站长")
    grids = [add_unit(scope=Scope(session, staff), model=Grid, station_id=station.id, name=f"第{n}网格", number=n)
             for n in (1, 2)]
    steward = add_steward(scope=Scope(session, staff), station_id=station.id, grid_id=grids[0].id, name="赵管家",
                          role=StewardRole.community_staff, phone=unique_phone())
    resident = register_resident(scope=Scope(session, staff), station_id=station.id, data=ResidentCreate(
        name="王小明", building="3号楼", unit="2单元", grid_id=grids[0].id, phone="13912345678",
        care_groups=[CareGroup.elderly, CareGroup.hardship], consent=True))
    department = add_department(scope=Scope(session, staff), station_id=station.id, name="神木市住房和城乡建设局")
    volunteers = [register_volunteer(scope=Scope(session, staff), station_id=station.id,
                                     data=volunteer_data(name=name)) for name in ("张伟", "李娜")]
    return dict(station=station.id, grids=[g.id for g in grids], steward=steward.id, resident=resident.id,
                department=department.id, volunteers=[v.id for v in volunteers], squad=station.squad_ids[0])
