"""Build the reference station's organisation and people through the same services staff use.

Every figure the demo must show (755 volunteers, 225 party members, 12 squads, 72 projects…) comes out
of the rows created here and is counted back by station_kit.analytics, never stored as a number.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlmodel import Session

from station_kit import clock
from station_kit.clock import CHINA
from station_kit.demo import ages, people
from station_kit.demo.awards import run_award_calendar
from station_kit.demo.community import build_community
from station_kit.demo.history import build_history
from station_kit.models import (
    Association,
    Grid,
    Post,
    Project,
    Room,
    ServiceBase,
    ServicePoint,
    Squad,
    Team,
    VolunteerCreate,
)
from station_kit.models.org import PartnerKind, RoomKind, StewardRole
from station_kit.services.actor import DEMO
from station_kit.services.org import add_partner_unit, add_steward, add_unit, create_station
from station_kit.services.scope import Scope
from station_kit.services.volunteers import register_volunteer
from station_kit.validation import age_on

DEMO_SEED = 20220831
AS_OF = dt.date(2022, 8, 31)

ROOMS = ("办公室", "培训室", "图书室", "活动室")
PLACES = ("一站式服务大厅", "党群服务中心", "社区图书室", "爱心加油站", "健康义诊桌", "学雷锋志愿服务站", "彩虹墙")
POSTS = ("社区党建引领", "精神文明示范", "安全生产监管", "基层治理参与", "困难居民帮扶", "卫生健康服务",
         "社情民意收集", "社区教育宣传", "民事调解维权", "文体活动先锋", "公益服务模范", "疫情常态防控")
TEAMS = {
    "兴神路社区新时代文明实践志愿服务队": ("理论宣讲", "政策宣传", "文明风尚", "文体活动", "卫生健康", "教育宣传"),
    "兴神路社区党员先锋志愿服务队": ("平安建设", "助老扶幼", "环境美化", "法律服务", "疫情防控", "帮困解难"),
}
SERVICE_POINTS = ("兴神小区", "麟州花园", "东兴苑", "神府家园", "滨河湾", "金色华府", "锦绣园", "紫金苑",
                  "福瑞小区", "康乐园", "丽景小区", "和谐家园")
SERVICE_BASES = ("兴神路社区爱国主义教育服务基地", "兴神路社区劳动技能培训服务基地")
ASSOCIATIONS = ("红白理事会", "道德评议会", "禁毒禁赌协会", "居民议事会", "老年人协会", "文体活动协会")
CO_BUILDING_UNITS = ("神木市税务局", "神木市人民医院", "神木市第五中学", "麟州街道派出所")
OTHER_PARTNERS = (
    ("神木市司法局", PartnerKind.dual_report), ("神木市市场监督管理局", PartnerKind.dual_report),
    ("神木市住房和城乡建设局", PartnerKind.dual_report), ("神木市文化和旅游局", PartnerKind.dual_report),
    ("神木市卫生健康局", PartnerKind.dual_report), ("国网神木市供电分公司", PartnerKind.civilised),
    ("神木市图书馆", PartnerKind.civilised), ("中国银行神木支行", PartnerKind.civilised),
    ("神木农村商业银行兴神路支行", PartnerKind.civilised), ("神木市爱心超市", PartnerKind.caring_enterprise),
    ("麟州书院", PartnerKind.caring_enterprise), ("神木惠民大药房", PartnerKind.caring_enterprise),
    ("兴神物业服务有限公司", PartnerKind.caring_enterprise),
)
# The article's four named brand projects, the three it names besides, and three more of the station's.
BRAND_PROJECTS = ("困难居民帮扶", "民事调解维权", "社区教育宣传", "公益服务模范", "雷锋式365便民服务", "居民微心愿",
                  "移风易俗树文明", "守望邻里·乐享学堂", "邻里一家亲", "小管家网格服务")
# Five standing projects for each post, named as a station names them on its noticeboard.
POST_PROJECTS = {
    "社区党建引领": ("在职党员进社区报到服务", "红色物业联建共建", "党史学习教育进小区", "两新组织党建联盟", "党员先锋岗亮身份"),
    "精神文明示范": ("文明家庭评选", "身边好人榜", "文明餐桌光盘行动", "最美楼道创建", "新时代好少年宣讲"),
    "安全生产监管": ("九小场所消防安全排查", "燃气安全入户宣传", "电动车进楼入户劝导", "汛期隐患巡查", "安全生产月集中宣传"),
    "基层治理参与": ("居民议事会", "楼栋长联席会", "小区环境共治", "文明养犬劝导", "网格员走百家"),
    "困难居民帮扶": ("空巢老人定期探访", "低保家庭结对帮扶", "冬季送温暖", "残疾人上门助残", "留守儿童关爱"),
    "卫生健康服务": ("家庭医生签约进小区", "慢病患者随访", "老年人免费体检", "健康知识讲座", "心理健康疏导"),
    "社情民意收集": ("民情恳谈会", "入户问需", "居民意见征集", "社情民意直通车", "夜访听民声"),
    "社区教育宣传": ("四点半课堂", "垃圾分类宣传进楼院", "反诈宣传进社区", "法治宣传月", "全民国家安全教育日宣传"),
    "民事调解维权": ("邻里纠纷调解", "法律援助咨询", "农民工欠薪维权服务", "婚姻家庭调解", "物业纠纷调处"),
    "文体活动先锋": ("广场舞展演", "社区春晚", "全民健身运动会", "书画摄影展", "暑期少儿兴趣班"),
    "公益服务模范": ("爱心义剪", "家电义务维修", "便民磨刀修鞋", "无偿献血宣传", "爱心衣物捐赠"),
    "疫情常态防控": ("小区卡口值守", "核酸检测秩序维护", "疫苗接种引导", "居家隔离人员代购", "返神人员排查登记"),
}
GRID_COUNT = 13
VOLUNTEERS = 755
PARTY_MEMBERS = 225
YOUNG_VOLUNTEERS = 6  # 小小志愿者, 10–13 on AS_OF, registered with a guardian's consent
FIRST_REGISTRATION = dt.date(2018, 3, 1)
REGISTERED_AT = dt.time(9, 0)  # the hour the demo's people register on their day


def demo_scope(session: Session) -> Scope:
    """The one scope the demo builds in: its own name in the operation log, every station open to it."""
    return Scope(session, DEMO)


def build_demo(*, session: Session, seed: int = DEMO_SEED) -> int:
    """Create the demo station in ``session`` and return its id."""
    return build_reference_station(scope=demo_scope(session), seed=seed)


def build_reference_station(*, scope: Scope, seed: int = DEMO_SEED) -> int:
    """The reference station (兴神路社区) through the same services staff use, stamped on the days it happened."""
    rng = random.Random(seed)
    station = create_station(scope=scope, code="XSL", name="兴神路社区", city="神木市",
                             street="麟州街道", address="陕西省榆林市神木市麟州街道兴神路",
                             # Made up, as every person in the demo is: what a certificate's issuer lines need.
                             person_in_charge="高文明", contact="兴神路社区办公室 0912-1234567")
    sid = station.id

    def unit(model, name, **fields):
        return add_unit(scope=scope, model=model, station_id=sid, name=name,
                        **fields)

    for name in ROOMS:
        unit(Room, name, kind=RoomKind.room)
    for name in PLACES:
        unit(Room, name, kind=RoomKind.place)
    posts = [unit(Post, name) for name in POSTS]
    squads_by_team = {}
    for team_name, squad_names in TEAMS.items():
        team = unit(Team, team_name)
        squads_by_team[team.id] = [unit(Squad, unit_name(name, "服务分队"), team_id=team.id)
                                   for name in squad_names]
    for name in SERVICE_POINTS:
        unit(ServicePoint, unit_name(name, "服务点"))
    for name in SERVICE_BASES:
        unit(ServiceBase, name)
    for name in ASSOCIATIONS:
        unit(Association, name)
    for name in CO_BUILDING_UNITS:
        add_partner_unit(scope=scope, station_id=sid, name=name, kind=PartnerKind.co_building,
                         credit_code=people.credit_code(rng, kind=people.registration_kind(name)))
    for name, kind in OTHER_PARTNERS:
        add_partner_unit(scope=scope, station_id=sid, name=name, kind=kind,
                         credit_code=people.credit_code(rng, kind=people.registration_kind(name)))
    _add_projects(unit, posts)
    add_grids(scope, unit, sid, rng)
    _add_volunteers(scope, sid, rng, squads_by_team, posts)
    build_history(scope=scope, station_id=sid, rng=rng)
    run_award_calendar(scope=scope, station_id=sid)
    build_community(scope=scope, station_id=sid, seed=seed)
    return sid


def unit_name(stem: str, kind: str) -> str:
    """A unit's name from its field and its kind, saying 服务 once: 文体活动 → 文体活动服务分队,
    法律服务 → 法律服务分队 (not 法律服务服务分队)."""
    if kind.startswith("服务") and stem.endswith("服务"):
        return stem + kind.removeprefix("服务")
    return stem + kind


def _add_projects(unit, posts) -> None:
    post_by_name = {post.name: post for post in posts}
    for name in BRAND_PROJECTS:
        unit(Project, name, is_brand=True, post_id=post_by_name.get(name, posts[0]).id)
    ordinary = [(post, name) for post in posts for name in POST_PROJECTS[post.name]]
    ordinary += [(post_by_name["文体活动先锋"], "周末文化广场"), (post_by_name["卫生健康服务"], "健康义诊进小区")]
    for post, name in ordinary:
        unit(Project, name, post_id=post.id)


def add_grids(scope, unit, station_id, rng, count: int = GRID_COUNT) -> None:
    """``count`` grids, each with a 小管家 of every role."""
    taken: set[str] = set()
    for number in range(1, count + 1):
        grid = unit(Grid, f"第{number}网格", number=number)
        for role in StewardRole:
            male = rng.random() < 0.5
            add_steward(scope=scope, station_id=station_id, grid_id=grid.id,
                        name=people.chinese_name(male=male, rng=rng), role=role,
                        phone=people.mobile_phone(rng, taken))


def _add_volunteers(scope, station_id, rng, squads_by_team, posts) -> None:
    taken_phones: set[str] = set()
    party = set(rng.sample(range(YOUNG_VOLUNTEERS, VOLUNTEERS), PARTY_MEMBERS))
    team_ids = list(squads_by_team)
    for index in range(VOLUNTEERS):
        male = rng.random() < 0.42  # more women than men volunteer in Chinese communities
        if index < YOUNG_VOLUNTEERS:
            age = rng.randint(ages.YOUNGEST, ages.CHILD_BELOW - 1)
        else:
            age = rng.choices((rng.randint(18, 35), rng.randint(36, 59), rng.randint(60, 78)), (3, 4, 3))[0]
            age = max(age, 22) if index in party else age
        birth_date = people.birth_date_for_age(age, rng, AS_OF)
        earliest = max(FIRST_REGISTRATION, ages.birthday(birth_date, ages.YOUNGEST))
        registered = earliest + dt.timedelta(days=rng.randrange(max((AS_OF - earliest).days, 1)))
        minor = age_on(birth_date, registered) < ages.ADULT_FROM
        team_id = rng.choice(team_ids)
        squad = rng.choice(squads_by_team[team_id])
        open_posts = [post for post in posts if not (minor and post.name in ages.ADULT_ONLY_POSTS)]
        post_ids = [post.id for post in rng.sample(open_posts, rng.choice((1, 1, 2)))]
        data = VolunteerCreate(
            name=people.chinese_name(male=male, rng=rng),
            id_number=people.resident_id(birth_date, male=male, rng=rng),
            phone=people.mobile_phone(rng, taken_phones),
            residence_area=f"兴神路社区{rng.choice(SERVICE_POINTS)}",
            is_party_member=index in party,
            team_id=team_id,
            squad_id=squad.id,
            post_ids=post_ids,
            consent=True,
            consent_date=registered,
            # Under 14 by PIPL art. 31, 14–17 by 《中国注册志愿者管理办法》 art. 7: a guardian consents.
            guardian_name=people.chinese_name(male=rng.random() < 0.5, rng=rng) if minor else "",
            guardian_consent=minor,
        )
        # The demo's history happened before today: each person registers on the day they consented.
        with clock.at(dt.datetime.combine(registered, REGISTERED_AT, tzinfo=CHINA)):
            register_volunteer(scope=scope, station_id=station_id, data=data)
