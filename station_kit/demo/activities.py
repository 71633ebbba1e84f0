"""The demo station's activities, 2019-01 to 2022-08: the article's named activities on their real
dates, the six lecture halls, each post's regular work, Friday clean-ups as a weekly series, and the
daily 疫情常态防控 duty shifts that gave most of the station's hours from 2020 on.

Rooms are booked through fixed slots (morning, afternoon, evening), one activity per room and slot,
so no room is ever double-booked.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import holidays

from station_kit.clock import CHINA
from station_kit.demo import people
from station_kit.models.work import ActivityTheme, LectureHall, WorkTask

FIRST_DAY = dt.date(2019, 1, 1)
LAST_DAY = dt.date(2022, 8, 31)
PANDEMIC_FROM = dt.date(2020, 2, 1)
# The article (2022) reports that year's 端午 event as the second 邻里一家亲: the first was in 2021.
NEIGHBOURS_FIRST_YEAR = 2021
CHINESE_NUMERALS = dict(enumerate("一二三四五六七八九十", start=1))
SLOTS = ((dt.time(9, 0), dt.time(11, 30)), (dt.time(14, 30), dt.time(17, 0)), (dt.time(19, 0), dt.time(21, 0)))
DUTY_SHIFTS = ((dt.time(8, 0), dt.time(12, 0)), (dt.time(12, 0), dt.time(16, 0)), (dt.time(16, 0), dt.time(20, 0)))
POST_TASK = {
    "社区党建引领": WorkTask.theory, "精神文明示范": WorkTask.values, "安全生产监管": WorkTask.skills,
    "基层治理参与": WorkTask.policy, "困难居民帮扶": WorkTask.values, "卫生健康服务": WorkTask.customs,
    "社情民意收集": WorkTask.policy, "社区教育宣传": WorkTask.theory, "民事调解维权": WorkTask.policy,
    "文体活动先锋": WorkTask.culture, "公益服务模范": WorkTask.values, "疫情常态防控": WorkTask.customs,
}
# The article's three themes (邻里互助, 美化环境, 活跃文化) for the posts whose regular work serves one.
POST_THEME = {"困难居民帮扶": ActivityTheme.neighbourly, "文体活动先锋": ActivityTheme.culture,
              "公益服务模范": ActivityTheme.environment}
HALL_TASK = {
    LectureHall.theory: WorkTask.theory, LectureHall.policy: WorkTask.policy, LectureHall.law: WorkTask.policy,
    LectureHall.morality: WorkTask.values, LectureHall.health: WorkTask.customs,
    LectureHall.practice: WorkTask.skills,
}
HALL_TOPICS = {
    LectureHall.theory: ("学习新思想 做好接班人", "党史故事分享会", "新时代文明实践理论宣讲"),
    LectureHall.policy: ("惠民政策进社区", "医保政策解读", "就业创业政策宣讲"),
    LectureHall.law: ("民法典进社区", "防范电信诈骗讲座", "未成年人保护法宣讲"),
    LectureHall.morality: ("互助友善道德讲堂", "身边好人故事会", "孝老爱亲道德讲堂"),
    LectureHall.health: ("老年人健康讲堂", "慢性病防治讲座", "心理健康讲座"),
    LectureHall.practice: ("垃圾分类实践课", "家庭急救实践课", "手工编织实践课"),
}
# The article's halls are held with 双报到 units and caring enterprises (爱心企业). Each enterprise
# co-holds the halls its trade fits, about one session in three, beside a public unit.
HALL_ENTERPRISES = {
    LectureHall.health: ("神木惠民大药房",),  # pharmacists on medicines and chronic illness
    LectureHall.morality: ("麟州书院", "神木市爱心超市"),
    LectureHall.theory: ("麟州书院",),
    LectureHall.practice: ("兴神物业服务有限公司",),  # waste sorting and home safety in its estates
}
ENTERPRISE_SHARE = 1 / 3
LEARNING_HALL = (  # 守望邻里·乐享学堂
    ("老年人健康讲堂", LectureHall.health, WorkTask.customs),
    ("剪纸培训", None, WorkTask.culture),
    ("安全讲座", LectureHall.law, WorkTask.policy),
    ("常规检查诊疗", None, WorkTask.customs),
)


@dataclass
class PlannedActivity:
    title: str
    category: WorkTask
    day: dt.date
    start: dt.time
    end: dt.time
    post: str
    project: str | None = None
    hall: LectureHall | None = None
    room: str | None = None
    place: str = ""
    speaker: str = ""
    partners: list[str] = field(default_factory=list)
    beneficiaries: int = 0
    content: str = ""
    series: str | None = None
    theme: ActivityTheme | None = None

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.day, self.start, tzinfo=CHINA)

    @property
    def ends_at(self) -> dt.datetime:
        return dt.datetime.combine(self.day, self.end, tzinfo=CHINA)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class RoomBook:
    """Which (room, day, slot) are taken: the one rule that keeps rooms from being double-booked."""

    def __init__(self, rooms: list[str]):
        self.rooms = rooms
        self.taken: set[tuple[str, dt.date, int]] = set()

    def book(self, day: dt.date, rng: random.Random, *, slot: int | None = None,
             room: str | None = None) -> tuple[str, int] | None:
        slots = [slot] if slot is not None else rng.sample(range(len(SLOTS)), len(SLOTS))
        rooms = [room] if room else rng.sample(self.rooms, len(self.rooms))
        for candidate_slot in slots:
            for candidate_room in rooms:
                if (candidate_room, day, candidate_slot) not in self.taken:
                    self.taken.add((candidate_room, day, candidate_slot))
                    return candidate_room, candidate_slot
        return None


def plan_history(*, rng: random.Random, rooms: list[str], posts: list[str], partners: list[str],
                 enterprises: list[str], projects_by_post: dict[str, list[str]]) -> list[PlannedActivity]:
    """Every demo activity, in date order. ``partners`` are the public units (共建, 双报到) that hold
    the halls; ``enterprises`` the station's caring enterprises."""
    book = RoomBook(rooms)
    hall_partners = HallPartners(rng, partners, enterprises)
    planned: list[PlannedActivity] = []
    planned += _festivals(rng, book)
    planned += _learning_hall(rng, book, hall_partners)
    planned += _lecture_halls(rng, book, hall_partners)
    planned += _friday_cleanups()
    planned += _post_work(rng, book, posts, projects_by_post)
    planned += _pandemic_duty(rng)
    planned.sort(key=lambda activity: (activity.starts_at, activity.title))
    return planned


def _days(start: dt.date = FIRST_DAY, end: dt.date = LAST_DAY):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def _festival_days(name: str) -> list[dt.date]:
    """The first day of a festival in each year, from the `holidays` package's China calendar."""
    calendar = holidays.China(years=range(FIRST_DAY.year, LAST_DAY.year + 1))
    firsts: dict[int, dt.date] = {}
    for day, holiday in calendar.items():
        if holiday == name and FIRST_DAY <= day <= LAST_DAY:
            firsts[day.year] = min(day, firsts.get(day.year, day))
    return sorted(firsts.values())


def _at_slot(book: RoomBook, rng, day, room, **fields) -> PlannedActivity:
    booked = book.book(day, rng, slot=0, room=room) or book.book(day, rng)
    start, end = SLOTS[booked[1]]
    return PlannedActivity(day=day, start=start, end=end, room=booked[0], **fields)


def _festivals(rng: random.Random, book: RoomBook) -> list[PlannedActivity]:
    planned = []
    for spring in _festival_days("Chinese New Year (Spring Festival)"):
        for before in (7, 5):  # 写春联 in the days before 春节
            planned.append(_at_slot(book, rng, spring - dt.timedelta(days=before), "活动室",
                                    title="写春联送温暖", category=WorkTask.culture, post="文体活动先锋",
                                    project="雷锋式365便民服务", beneficiaries=rng.randint(120, 200),
                                    theme=ActivityTheme.culture,
                                    content="书法志愿者为居民现场书写春联、福字，送到困难家庭"))
    for qingming in _festival_days("Tomb-Sweeping Day"):
        planned.append(_at_slot(book, rng, qingming, "彩虹墙", title="文明祭祀", category=WorkTask.customs,
                                post="精神文明示范", project="移风易俗树文明", beneficiaries=rng.randint(150, 260),
                                content="倡导鲜花祭扫、网上祭扫，劝导居民不焚烧纸钱"))
    for duanwu in _festival_days("Dragon Boat Festival"):
        edition = duanwu.year - NEIGHBOURS_FIRST_YEAR + 1
        if edition < 1:
            continue
        planned.append(_at_slot(book, rng, duanwu - dt.timedelta(days=1), "活动室",
                                title=f"第{CHINESE_NUMERALS[edition]}届“邻里一家亲”慈善互动“端午节”新时代文明实践活动",
                                category=WorkTask.values, post="困难居民帮扶",
                                project="邻里一家亲", beneficiaries=rng.randint(100, 180),
                                theme=ActivityTheme.neighbourly,
                                content="包粽子、送粽子，慰问独居老人和困难家庭"))
    return planned


class HallPartners:
    """Who co-holds a session: a public unit, and for some halls now and then a caring enterprise."""

    def __init__(self, rng: random.Random, partners: list[str], enterprises: list[str]):
        self.rng, self.partners = rng, partners
        self.enterprises = {hall: [name for name in names if name in enterprises]
                            for hall, names in HALL_ENTERPRISES.items()}

    def pick(self, hall: LectureHall | None) -> list[str]:
        chosen = [self.rng.choice(self.partners)]
        candidates = self.enterprises.get(hall)
        if candidates and self.rng.random() < ENTERPRISE_SHARE:
            chosen.append(self.rng.choice(candidates))
        return chosen


def _learning_hall(rng, book, hall_partners: HallPartners) -> list[PlannedActivity]:
    """守望邻里·乐享学堂: four kinds of sessions, twice a month from 2020-09, over 1,000 people served."""
    planned = []
    month = dt.date(2020, 9, 1)
    while month <= LAST_DAY:
        for week in (1, 3):
            title, hall, task = LEARNING_HALL[(month.month + week) % len(LEARNING_HALL)]
            day = month + dt.timedelta(days=7 * week + 2)
            room = "健康义诊桌" if title == "常规检查诊疗" else "培训室"
            planned.append(_at_slot(book, rng, day, room, title=f"守望邻里·乐享学堂：{title}", category=task,
                                    hall=hall, post="卫生健康服务" if hall == LectureHall.health else "社区教育宣传",
                                    project="守望邻里·乐享学堂", beneficiaries=rng.randint(25, 45),
                                    speaker=people.chinese_name(male=rng.random() < 0.5, rng=rng) if hall else "",
                                    partners=hall_partners.pick(hall),
                                    content=f"为社区老年人开展{title}",
                                    theme=ActivityTheme.culture if title == "剪纸培训" else ActivityTheme.neighbourly))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return planned


def _lecture_halls(rng, book, hall_partners: HallPartners) -> list[PlannedActivity]:
    """Each of the six halls meets twice a month, with a speaker from a partner unit."""
    planned = []
    month = FIRST_DAY
    while month <= LAST_DAY:
        for index, hall in enumerate(LectureHall):
            for week in (0, 2):
                day = month + dt.timedelta(days=7 * week + index)
                topic = rng.choice(HALL_TOPICS[hall])
                planned.append(_at_slot(book, rng, day, "培训室", title=topic, category=HALL_TASK[hall], hall=hall,
                                        post="社区教育宣传", project="社区教育宣传",
                                        speaker=people.chinese_name(male=rng.random() < 0.5, rng=rng),
                                        partners=hall_partners.pick(hall), beneficiaries=rng.randint(30, 80),
                                        content=f"{topic}，居民现场提问交流"))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return planned


def _friday_cleanups() -> list[PlannedActivity]:
    """Every Friday afternoon. How many households a clean-up reaches varies with the weather and the
    season; each Friday draws it from a generator of its own, so the rest of the demo stays as it is."""
    first_friday = FIRST_DAY + dt.timedelta(days=(4 - FIRST_DAY.weekday()) % 7)
    return [PlannedActivity(title="周五爱国卫生大扫除", category=WorkTask.customs, day=day, start=dt.time(15, 0),
                            end=dt.time(17, 0), post="卫生健康服务", project="公益服务模范",
                            place="社区各小区公共区域", series="周五爱国卫生大扫除",
                            beneficiaries=random.Random(f"大扫除{day.isoformat()}").randint(90, 220),
                            theme=ActivityTheme.environment,
                            content="清理楼道杂物、小广告和卫生死角")
            for day in _days(first_friday) if day.weekday() == 4]


def _post_work(rng, book, posts, projects_by_post) -> list[PlannedActivity]:
    """Each post's regular activities, about twice a week each."""
    planned = []
    for day in _days():
        for post in posts:
            if post == "疫情常态防控" or rng.random() > 2 / 7:
                continue
            booked = book.book(day, rng)
            if booked is None:
                continue
            start, end = SLOTS[booked[1]]
            project = rng.choice(projects_by_post[post])
            planned.append(PlannedActivity(title=project, category=POST_TASK[post], day=day, start=start, end=end,
                                           post=post, project=project, room=booked[0],
                                           beneficiaries=rng.randint(5, 40), content=f"{post}志愿服务",
                                           theme=POST_THEME.get(post)))
    return planned


def _pandemic_duty(rng) -> list[PlannedActivity]:
    return [PlannedActivity(title="疫情常态防控值守", category=WorkTask.customs, day=day, start=start, end=end,
                            post="疫情常态防控", project="小区卡口值守", place="各小区卡口值守点",
                            beneficiaries=rng.randint(40, 120), content="测温、扫码、登记，协助核酸检测")
            for day in _days(PANDEMIC_FROM) for start, end in DUTY_SHIFTS]
