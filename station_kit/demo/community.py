"""The demo station's residents, wishes, service orders, grid cases and works ledger, created through
the same services staff use (so every step is in the operation log), from their own seeded generator.
A city's other stations draw theirs the same way and bring them in as an old ledger, in bulk
(``import_community``): the same stories, one line of the operation log for each kind.

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
from station_kit.models import Grid, PartnerUnit, Squad, Station, Steward, Volunteer
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
from station_kit.services.residents import add_department, import_residents, record_works_item, register_resident
from station_kit.services.scope import Scope
from station_kit.services.workflow import PastStep

SEED_OFFSET = 10  # its own generator: the rest of the demo draws the same numbers with or without it
HISTORY_START = dt.date(2021, 9, 1)
AS_OF = dt.date(2022, 8, 31)
RUNNING_AT = dt.datetime.combine(AS_OF, dt.time(18, 0), tzinfo=CHINA)  # the cases still open then
RESIDENTS_PER_GRID = 24
WISHES = 320
ORDERS = 72
CASES_PER_GRID = (14, 26)

STREET = "麟州街道"  # the reference station's street, in the names of its departments
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


# A wish's, an order's or a case's story: (the form as it was filled in, when, the steps since), as the
# reference station plays it through the use cases and services' imports take it for other stations.
Story = tuple


def build_community(*, scope: Scope, station_id: int, seed: int) -> None:
    """The reference station's community, every step through its use case on its day."""
    rng = random.Random(seed + SEED_OFFSET)
    grids = _grids(scope, station_id)
    departments = [add_department(scope=scope, station_id=station_id, name=name).id
                   for name in DEPARTMENTS]
    residents = []
    for data, grid_id in _resident_forms(rng, grids):
        residents.append((register_resident(scope=scope, station_id=station_id, data=data).id, grid_id))
    play_requests(scope=scope, station_id=station_id,
                  stories=_request_stories(rng, residents, _claimers(scope, station_id), WISHES, ORDERS))
    stewards = _stewards(scope, station_id)
    play_cases(scope=scope, station_id=station_id,
               stories=_case_stories(rng, grids, stewards, residents, departments))
    _running_cases(scope, station_id, grids, stewards, departments)
    for item, quantity, unit, yuan in WORKS:
        record_works_item(scope=scope, station_id=station_id, data=WorksItemCreate(
            item=item, quantity=quantity, unit=unit, investment_yuan=yuan))


def import_community(*, scope: Scope, station_id: int, rng: random.Random, wishes: int, orders: int) -> None:
    """A station's year of residents, wishes, orders and grid cases as the reference station's are drawn
    (``wishes`` and ``orders`` of them), brought in as the station's old ledger (services' imports):
    written in bulk, one line of the operation log each."""
    grids = _grids(scope, station_id)
    street = scope.session.get(Station, station_id).street  # its own street's police and justice offices
    departments = [add_department(scope=scope, station_id=station_id, name=name.replace(STREET, street)).id
                   for name in DEPARTMENTS]
    forms = _resident_forms(rng, grids)
    consented = dt.datetime.combine(HISTORY_START, dt.time(9, 0), tzinfo=CHINA)
    ids = import_residents(scope=scope, station_id=station_id, residents=[(data, consented) for data, _ in forms])
    residents = [(resident_id, grid_id) for resident_id, (_, grid_id) in zip(ids, forms)]
    requests.import_requests(scope=scope, station_id=station_id, requests=_request_stories(
        rng, residents, _claimers(scope, station_id), wishes, orders))
    cases.import_cases(scope=scope, station_id=station_id, cases=_case_stories(
        rng, grids, _stewards(scope, station_id), residents, departments))


_REQUEST_STEPS = {"claim": requests.claim_request, "dispatch": requests.dispatch_request,
                  "take": requests.take_request, "refuse": requests.refuse_request,
                  "fulfil": requests.fulfil_request, "rate": requests.rate_request,
                  "cancel": requests.cancel_request}
_REQUEST_ARGUMENTS = {"claim": {"claimers": "claimers"}, "dispatch": {"claimers": "claimers"}, "take": {},
                      "refuse": {"reason": "reason"}, "fulfil": {"note": "reason"}, "rate": {"rating": "rating"},
                      "cancel": {"reason": "reason"}}
_CASE_STEPS = {"accept": cases.accept_case, "whistle": cases.whistle_case, "report": cases.report_case,
               "resolve": cases.resolve_case, "rate": cases.rate_case}
_CASE_ARGUMENTS = {"accept": {"steward_id": "steward_id"}, "whistle": {"department_id": "department_id",
                                                                       "note": "reason"},
                   "report": {"note": "reason"}, "resolve": {"note": "reason"}, "rate": {"rating": "rating"}}


def play_requests(*, scope: Scope, station_id: int, stories: list[Story]) -> None:
    """Wishes' and orders' stories played as staff lived them: each posted, then each step through its
    use case, every one on the clock of its moment."""
    for data, posted, steps in stories:
        request = _then(posted, requests.post_request, scope=scope, station_id=station_id, data=data)
        for step in steps:
            _then(step.at, _REQUEST_STEPS[step.action], scope=scope, request_id=request.id,
                  **_arguments(step, _REQUEST_ARGUMENTS[step.action]))


def play_cases(*, scope: Scope, station_id: int, stories: list[Story]) -> None:
    """Cases' stories played as the grid lived them, as ``play_requests`` plays wishes."""
    for data, received, steps in stories:
        case = _then(received, cases.receive_case, scope=scope, station_id=station_id, data=data)
        for step in steps:
            _then(step.at, _CASE_STEPS[step.action], scope=scope, case_id=case.id,
                  **_arguments(step, _CASE_ARGUMENTS[step.action]))


def _arguments(step: PastStep, names: dict[str, str]) -> dict:
    """The use case's arguments for ``step``: its parameter names and the step's fields they take."""
    return {parameter: list(value) if isinstance(value := getattr(step, field), tuple) else value
            for parameter, field in names.items()}


def _grids(scope, station_id) -> list[Grid]:
    return list(scope.session.exec(select(Grid).where(Grid.station_id == station_id).order_by(Grid.number)).all())


def _stewards(scope, station_id) -> dict[int, list[int]]:
    stewards: dict[int, list[int]] = {}
    for steward_id, grid_id in scope.session.exec(select(Steward.id, Steward.grid_id)
                                            .where(Steward.station_id == station_id).order_by(Steward.id)).all():
        stewards.setdefault(grid_id, []).append(steward_id)
    return stewards


def _resident_forms(rng, grids) -> list[tuple[ResidentCreate, int]]:
    """Residents spread over every grid, about a third in a care group; each with their grid's id."""
    taken: set[str] = set()
    made = []
    for grid in grids:
        for _ in range(RESIDENTS_PER_GRID):
            groups = rng.choices([[], [CareGroup.elderly], [CareGroup.hardship],
                                  [CareGroup.elderly, CareGroup.hardship], [CareGroup.youth], [CareGroup.special],
                                  [CareGroup.unemployed]],
                                 weights=(64, 14, 7, 4, 5, 3, 3))[0]
            made.append((ResidentCreate(
                name=people.chinese_name(male=rng.random() < 0.5, rng=rng), building=rng.choice(BUILDINGS),
                unit=f"{rng.randint(1, 4)}单元", grid_id=grid.id,
                phone=people.mobile_phone(rng, taken) if rng.random() < 0.85 else "",
                care_groups=groups, consent=True, consent_date=HISTORY_START), grid.id))
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


def _request_stories(rng, residents, pool, wishes: int, orders: int) -> list[Story]:
    """``wishes`` wishes and ``orders`` orders of the year to AS_OF, each posted, then claimed or
    dispatched (an order sometimes refused and dispatched again), fulfilled and rated, or cancelled, or
    left where the article's date found it."""
    def someone(kinds=(ClaimerKind.volunteer, ClaimerKind.squad, ClaimerKind.partner_unit), weights=(7, 2, 1)):
        kind = rng.choices(kinds, weights=weights)[0]
        return Claimer(kind, rng.choice(pool[kind]))

    stories = []
    for index in range(wishes + orders):
        kind = RequestKind.wish if index < wishes else RequestKind.order
        resident_id, _ = rng.choice(residents)
        posted = _moment(rng, HISTORY_START, AS_OF)
        steps: list[PastStep] = []
        stories.append((RequestCreate(kind=kind, resident_id=resident_id, title=rng.choice(
            WISH_TITLES if kind == RequestKind.wish else ORDER_TITLES)), posted, steps))
        fate = rng.random()
        if posted.date() > AS_OF - dt.timedelta(days=20) and fate < 0.5 or fate < 0.04:
            continue  # still on the wall on the article's date, or never taken up
        at = posted + dt.timedelta(hours=rng.randint(2, 72))
        if fate < 0.07:
            steps.append(PastStep("cancel", at, reason=rng.choice(("居民已搬离", "居民自行解决", "重复登记"))))
            continue
        if kind == RequestKind.order:
            steps.append(PastStep("dispatch", at, claimers=(someone((ClaimerKind.squad, ClaimerKind.partner_unit),
                                                                    (3, 1)),)))
            if rng.random() < 0.15:
                at += dt.timedelta(hours=rng.randint(1, 24))
                steps.append(PastStep("refuse", at, reason=rng.choice(("本周人手不足", "不在服务范围内", "时间冲突"))))
                steps.append(PastStep("dispatch", at, claimers=(someone((ClaimerKind.squad,), (1,)),)))
            at += dt.timedelta(hours=rng.randint(1, 12))
            steps.append(PastStep("take", at))
        else:
            claimers = tuple(dict.fromkeys(someone() for _ in range(rng.choice((1, 1, 1, 2, 3)))))
            steps.append(PastStep("claim", at, claimers=claimers))
        if fate < 0.12:
            continue  # claimed, not yet fulfilled
        at += dt.timedelta(days=rng.randint(1, 14))
        steps.append(PastStep("fulfil", at, reason=rng.choice(CLOSING_NOTES)))
        if rng.random() < 0.85:
            steps.append(PastStep("rate", at + dt.timedelta(days=1),
                                  rating=rng.choices((5, 4, 3, 2), weights=(70, 22, 6, 2))[0]))
    return stories


def _then(moment: dt.datetime, service, **arguments):
    """One service call on the clock of ``moment``: the demo's history happened then, and its rows and
    audit lines say so."""
    with clock.at(moment):
        return service(**arguments)


def _case_stories(rng, grids, stewards, residents, departments) -> list[Story]:
    by_grid: dict[int, list[int]] = {}
    for resident_id, grid_id in residents:
        by_grid.setdefault(grid_id, []).append(resident_id)
    stories = []
    for grid in grids:
        care = rng.uniform(0.0, 0.25)  # how often this grid's steps run late: grids differ
        for _ in range(rng.randint(*CASES_PER_GRID)):
            stories.append(_case_story(rng, grid.id, stewards[grid.id], by_grid[grid.id], departments, care))
    return stories


def _case_story(rng, grid_id, stewards, residents, departments, care) -> Story:
    """A case of the year to AS_OF: received, accepted (late at ``care``'s rate), sometimes whistled to
    a department which reports, resolved and rated — or, rarely, never closed."""
    kind = rng.choices(tuple(CaseKind), weights=(4, 5, 2))[0]
    received = _moment(rng, HISTORY_START, AS_OF - dt.timedelta(days=20))
    data = GridCaseCreate(
        grid_id=grid_id, kind=kind, channel=rng.choices(tuple(CaseChannel), weights=(4, 3, 3, 2))[0],
        title=rng.choice(CASE_TITLES[kind]), resident_id=rng.choice(residents) if rng.random() < 0.8 else None,
        is_complex=rng.random() < 0.12)
    late = rng.random() < care
    at = received + dt.timedelta(hours=rng.randint(25, 40) if late else rng.uniform(0.2, 20))
    steps = [PastStep("accept", at, steward_id=rng.choice(stewards))]
    if rng.random() < 0.3:
        at += dt.timedelta(hours=rng.uniform(0.5, 24))
        steps.append(PastStep("whistle", at, department_id=rng.choice(departments), reason="请派员到场协助处置"))
        at += dt.timedelta(minutes=rng.randint(35, 90) if rng.random() < care else rng.randint(8, 28))
        steps.append(PastStep("report", at, reason="已到场，正在处置"))
    if rng.random() < 0.03:
        return data, received, steps  # never closed: a case the ledger still shows open
    days = rng.randint(9, 20) if rng.random() < care else rng.randint(0, 6)
    at = max(at, received) + dt.timedelta(days=days, hours=rng.uniform(1, 6))
    steps.append(PastStep("resolve", at, reason=rng.choice(("已调解，双方达成一致", "已协调相关部门处理完毕", "已上门处置",
                                                           "已解释政策"))))
    if rng.random() < 0.88:
        steps.append(PastStep("rate", at + dt.timedelta(days=1),
                              rating=rng.choices((5, 4, 3, 2, 1), weights=(55, 30, 10, 4, 1))[0]))
    return data, received, steps


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
