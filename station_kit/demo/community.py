"""The demo station's residents, wishes, service orders, grid cases and works ledger, created through
the same services staff use (so every step is in the operation log), from their own seeded generator.

The year to 2022-08-31 is history: every wish and case of it is closed or left as the article's date
found it. A handful of cases were still running that evening (``RUNNING_AT``), so 民呼我应 opens on
cases at every step. They are dated from that evening, not from the moment the demo is built, so the
demo gives the same figures whatever day it is built; seen from any later day they are all overdue.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlmodel import select

from station_kit import clock
from station_kit.clock import CHINA
from station_kit.demo import people
from station_kit.models import Grid, PartnerUnit, Squad, Steward, Volunteer
from station_kit.models.community import (
    CareGroup,
    CaseChannel,
    CaseKind,
    ClaimerKind,
    GridCaseCreate,
    RequestCreate,
    RequestKind,
    ResidentCreate,
    WorksItemCreate,
)
from station_kit.services import cases, requests
from station_kit.services.requests import Claimer
from station_kit.services.residents import add_department, record_works_item, register_resident
from station_kit.services.scope import Scope

SEED_OFFSET = 10  # its own generator: the rest of the demo draws the same numbers with or without it
HISTORY_START = dt.date(2021, 9, 1)
AS_OF = dt.date(2022, 8, 31)
RUNNING_AT = dt.datetime.combine(AS_OF, dt.time(18, 0), tzinfo=CHINA)  # the cases still open then
RESIDENTS_PER_GRID = 24
WISHES = 320
ORDERS = 72
CASES_PER_GRID = (14, 26)

DEPARTMENTS = ("神木市住房和城乡建设局", "神木市城市管理执法局", "神木市市场监督管理局", "麟州街道派出所",
               "麟州街道司法所", "国网神木市供电分公司", "神木市供水公司", "神木市民政局")
BUILDINGS = tuple(f"{n}号楼" for n in range(1, 19))
WISH_TITLES = ("想要一台收音机", "希望有人帮忙修水龙头", "想学用智能手机视频通话", "孩子想要一套课外书",
               "想要一副老花镜", "希望有人陪同去医院复查", "想要一床厚棉被过冬", "希望帮忙换个灯泡",
               "孩子想要一个新书包", "想请人理发", "希望有人教写毛笔字", "想要一个助行器", "想给孙子买字典",
               "希望帮忙打扫卫生", "想要一台电风扇", "希望有人帮忙读报")
ORDER_TITLES = ("上门理发", "家电维修", "法律咨询", "健康义诊上门", "代购生活用品", "心理疏导",
                "家政保洁", "代缴水电费", "陪同就医", "政策咨询")
CASE_TITLES = {
    CaseKind.dispute: ("邻里噪音纠纷", "楼上漏水殃及楼下", "停车位占用纠纷", "家庭赡养纠纷", "宠物扰民", "物业费争议"),
    CaseKind.request: ("小区路灯不亮", "楼道堆放杂物", "下水道堵塞", "申请低保咨询", "希望增设健身器材", "垃圾清运不及时"),
    CaseKind.situation: ("独居老人身体不适", "发现外墙瓷砖松动", "电动车楼道充电", "空置房屋有异常", "路面塌陷"),
}
CLOSING_NOTES = ("已送到居民家中", "志愿者上门完成", "已办妥，居民表示感谢", "已按约定完成")
# The article's works (DESIGN.md §2): quantities as it gives them; the money it gives for the
# platforms (20余万元) and for the micro-renovation with 旱厕改水厕 (10多万元), not itemised further.
WORKS = (
    ("青石板人行道", 4793, "m²", 0), ("景观绿化", 18000, "m²", 0), ("喷刷墙面", 10556, "m²", 0),
    ("规整店牌", 385, "m²", 0), ("捆扎电线", 7585, "m", 0), ("粉刷美化单元楼道", 228, "个", 0),
    ("交通标志牌", 20, "个", 0), ("旱厕改水厕、微改造惠民工程", 1, "项", 100_000),
    ("阵地建设（一站式服务大厅等平台）", 1, "项", 200_000),
)


def build_community(*, scope: Scope, station_id: int, seed: int) -> None:
    rng = random.Random(seed + SEED_OFFSET)
    grids = scope.session.exec(select(Grid).where(Grid.station_id == station_id).order_by(Grid.number)).all()
    departments = [add_department(scope=scope, station_id=station_id, name=name).id
                   for name in DEPARTMENTS]
    residents = _residents(scope, station_id, grids, rng)
    _wishes_and_orders(scope, station_id, residents, rng)
    _cases(scope, station_id, grids, residents, departments, rng)
    for item, quantity, unit, yuan in WORKS:
        record_works_item(scope=scope, station_id=station_id, data=WorksItemCreate(
            item=item, quantity=quantity, unit=unit, investment_yuan=yuan))


def _residents(scope, station_id, grids, rng) -> list[tuple[int, int]]:
    """(resident id, grid id) of residents spread over every grid; about a third in a care group."""
    taken: set[str] = set()
    made = []
    for grid in grids:
        for _ in range(RESIDENTS_PER_GRID):
            groups = rng.choices([[], [CareGroup.elderly], [CareGroup.hardship],
                                  [CareGroup.elderly, CareGroup.hardship], [CareGroup.youth], [CareGroup.special],
                                  [CareGroup.unemployed]],
                                 weights=(64, 14, 7, 4, 5, 3, 3))[0]
            resident = register_resident(scope=scope, station_id=station_id, data=ResidentCreate(
                name=people.chinese_name(male=rng.random() < 0.5, rng=rng), building=rng.choice(BUILDINGS),
                unit=f"{rng.randint(1, 4)}单元", grid_id=grid.id,
                phone=people.mobile_phone(rng, taken) if rng.random() < 0.85 else "",
                care_groups=groups, consent=True, consent_date=HISTORY_START))
            made.append((resident.id, grid.id))
    return made


def _moment(rng, start: dt.date, end: dt.date) -> dt.datetime:
    day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
    return dt.datetime.combine(day, dt.time(rng.randint(8, 18), rng.randrange(60)), tzinfo=CHINA)


def _claimers(scope, station_id):
    def ids(model, *conditions):
        return list(scope.session.exec(select(model.id).where(model.station_id == station_id, *conditions)
                                 .order_by(model.id)).all())
    return {ClaimerKind.volunteer: ids(Volunteer, Volunteer.active), ClaimerKind.squad: ids(Squad),
            ClaimerKind.partner_unit: ids(PartnerUnit)}


def _wishes_and_orders(scope, station_id, residents, rng) -> None:
    pool = _claimers(scope, station_id)

    def someone(kinds=(ClaimerKind.volunteer, ClaimerKind.squad, ClaimerKind.partner_unit), weights=(7, 2, 1)):
        kind = rng.choices(kinds, weights=weights)[0]
        return Claimer(kind, rng.choice(pool[kind]))

    for index in range(WISHES + ORDERS):
        kind = RequestKind.wish if index < WISHES else RequestKind.order
        resident_id, _ = rng.choice(residents)
        posted = _moment(rng, HISTORY_START, AS_OF)
        request = _then(posted, requests.post_request, scope=scope, station_id=station_id, data=RequestCreate(
            kind=kind, resident_id=resident_id, title=rng.choice(WISH_TITLES if kind == RequestKind.wish
                                                                 else ORDER_TITLES)))
        fate = rng.random()
        if posted.date() > AS_OF - dt.timedelta(days=20) and fate < 0.5 or fate < 0.04:
            continue  # still on the wall on the article's date, or never taken up
        at = posted + dt.timedelta(hours=rng.randint(2, 72))
        if fate < 0.07:
            _then(at, requests.cancel_request, scope=scope, request_id=request.id,
                  reason=rng.choice(("居民已搬离", "居民自行解决", "重复登记")))
            continue
        if kind == RequestKind.order:
            _then(at, requests.dispatch_request, scope=scope, request_id=request.id,
                  claimers=[someone((ClaimerKind.squad, ClaimerKind.partner_unit), (3, 1))])
            if rng.random() < 0.15:
                at += dt.timedelta(hours=rng.randint(1, 24))
                _then(at, requests.refuse_request, scope=scope, request_id=request.id,
                      reason=rng.choice(("本周人手不足", "不在服务范围内", "时间冲突")))
                _then(at, requests.dispatch_request, scope=scope, request_id=request.id,
                      claimers=[someone((ClaimerKind.squad,), (1,))])
            at += dt.timedelta(hours=rng.randint(1, 12))
            _then(at, requests.take_request, scope=scope, request_id=request.id)
        else:
            claimers = list(dict.fromkeys(someone() for _ in range(rng.choice((1, 1, 1, 2, 3)))))
            _then(at, requests.claim_request, scope=scope, request_id=request.id, claimers=claimers)
        if fate < 0.12:
            continue  # claimed, not yet fulfilled
        at += dt.timedelta(days=rng.randint(1, 14))
        _then(at, requests.fulfil_request, scope=scope, request_id=request.id, note=rng.choice(CLOSING_NOTES))
        if rng.random() < 0.85:
            _then(at + dt.timedelta(days=1), requests.rate_request, scope=scope, request_id=request.id,
                  rating=rng.choices((5, 4, 3, 2), weights=(70, 22, 6, 2))[0])


def _then(moment: dt.datetime, service, **arguments):
    """One service call on the clock of ``moment``: the demo's history happened then, and its rows and
    audit lines say so."""
    with clock.at(moment):
        return service(**arguments)


def _cases(scope, station_id, grids, residents, departments, rng) -> None:
    stewards: dict[int, list[int]] = {}
    for steward_id, grid_id in scope.session.exec(select(Steward.id, Steward.grid_id)
                                            .where(Steward.station_id == station_id).order_by(Steward.id)).all():
        stewards.setdefault(grid_id, []).append(steward_id)
    by_grid: dict[int, list[int]] = {}
    for resident_id, grid_id in residents:
        by_grid.setdefault(grid_id, []).append(resident_id)
    for grid in grids:
        care = rng.uniform(0.0, 0.25)  # how often this grid's steps run late: grids differ
        for _ in range(rng.randint(*CASES_PER_GRID)):
            _history_case(scope, station_id, grid.id, stewards[grid.id], by_grid[grid.id], departments, care, rng)
    _running_cases(scope, station_id, grids, stewards, departments)


def _history_case(scope, station_id, grid_id, stewards, residents, departments, care, rng) -> None:
    kind = rng.choices(tuple(CaseKind), weights=(4, 5, 2))[0]
    received = _moment(rng, HISTORY_START, AS_OF - dt.timedelta(days=20))
    case = _then(received, cases.receive_case, scope=scope, station_id=station_id, data=GridCaseCreate(
        grid_id=grid_id, kind=kind, channel=rng.choices(tuple(CaseChannel), weights=(4, 3, 3, 2))[0],
        title=rng.choice(CASE_TITLES[kind]), resident_id=rng.choice(residents) if rng.random() < 0.8 else None,
        is_complex=rng.random() < 0.12))
    late = rng.random() < care
    at = received + dt.timedelta(hours=rng.randint(25, 40) if late else rng.uniform(0.2, 20))
    _then(at, cases.accept_case, scope=scope, case_id=case.id, steward_id=rng.choice(stewards))
    if rng.random() < 0.3:
        at += dt.timedelta(hours=rng.uniform(0.5, 24))
        _then(at, cases.whistle_case, scope=scope, case_id=case.id, department_id=rng.choice(departments),
              note="请派员到场协助处置")
        at += dt.timedelta(minutes=rng.randint(35, 90) if rng.random() < care else rng.randint(8, 28))
        _then(at, cases.report_case, scope=scope, case_id=case.id, note="已到场，正在处置")
    if rng.random() < 0.03:
        return  # never closed: a case the ledger still shows open
    days = rng.randint(9, 20) if rng.random() < care else rng.randint(0, 6)
    at = max(at, received) + dt.timedelta(days=days, hours=rng.uniform(1, 6))
    _then(at, cases.resolve_case, scope=scope, case_id=case.id,
          note=rng.choice(("已调解，双方达成一致", "已协调相关部门处理完毕", "已上门处置", "已解释政策")))
    if rng.random() < 0.88:
        _then(at + dt.timedelta(days=1), cases.rate_case, scope=scope, case_id=case.id,
              rating=rng.choices((5, 4, 3, 2, 1), weights=(55, 30, 10, 4, 1))[0])


def _running_cases(scope, station_id, grids, stewards, departments) -> None:
    """Cases still running on the article's evening. Hours before ``RUNNING_AT``: received, accepted,
    whistled, reported."""
    now = RUNNING_AT
    plans = (
        (2, None, None, None, "小区路灯不亮", CaseKind.request),
        (30, None, None, None, "楼道堆放杂物", CaseKind.request),
        (3, 2, None, None, "邻里噪音纠纷", CaseKind.dispute),
        (5, 4, 2, None, "路面塌陷", CaseKind.situation),
        (6, 5, 4, 3.8, "下水道堵塞", CaseKind.request),
        (30 * 24, 30 * 24 - 2, None, None, "停车位占用纠纷", CaseKind.dispute),
        (20, 19, None, None, "独居老人身体不适", CaseKind.situation),
    )
    for index, (received, accepted, whistled, reported, title, kind) in enumerate(plans):
        grid = grids[index % len(grids)]
        case = _then(now - dt.timedelta(hours=received), cases.receive_case, scope=scope, station_id=station_id,
                     data=GridCaseCreate(grid_id=grid.id, kind=kind, channel=CaseChannel.phone, title=title))
        if accepted is not None:
            _then(now - dt.timedelta(hours=accepted), cases.accept_case, scope=scope, case_id=case.id,
                  steward_id=stewards[grid.id][0])
        if whistled is not None:
            _then(now - dt.timedelta(hours=whistled), cases.whistle_case, scope=scope, case_id=case.id,
                  department_id=departments[index % len(departments)], note="请派员到场处置")
        if reported is not None:
            _then(now - dt.timedelta(hours=reported), cases.report_case, scope=scope, case_id=case.id,
                  note="已到场")
