"""Plausible, fictitious people for the demo station in 神木: names, ID numbers, phones.

ID numbers carry 神木's real region codes for the holder's birth year (612722 神木县 until 1999,
610821 until 2017, 610881 神木市 since) and correct check digits; the sequence digits are random,
so they belong to no one.
"""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric, uscc

# Common surnames in 神木 and northern Shaanxi, most frequent first (weights are rough shares).
SURNAMES = (
    ("王", 9), ("李", 8), ("张", 7), ("刘", 7), ("高", 6), ("杨", 5), ("贺", 4), ("郝", 4), ("白", 4),
    ("乔", 3), ("苏", 3), ("武", 3), ("康", 2), ("折", 2), ("柴", 2), ("任", 2), ("马", 2), ("薛", 2),
    ("闫", 2), ("冯", 2), ("郭", 3), ("孙", 2), ("赵", 3), ("霍", 2), ("田", 2), ("尚", 1), ("訾", 1),
    ("曾", 1), ("单", 1), ("解", 1), ("呼", 1), ("奥", 1), ("温", 1), ("崔", 1), ("常", 1), ("韩", 1),
)
MALE_CHARACTERS = "伟强军磊勇涛斌超明杰刚峰鹏华平建国志宏俊浩宇飞亮波龙海东林云辉文斌振兴荣生"
FEMALE_CHARACTERS = "芳娜敏静丽艳娟霞秀英华玲桂兰萍红梅琳燕洁慧婷雪琴莉萱悦欣怡佳瑞春晓彩凤"
MOBILE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "157", "158", "159", "177", "180", "181", "182", "186", "187", "188", "189", "199")


def shenmu_region_code(birth_year: int) -> str:
    """The county code a 神木 child born in that year was first registered with."""
    if birth_year < 1999:
        return "612722"
    if birth_year < 2017:
        return "610821"
    return "610881"


def resident_id(birth_date: dt.date, *, male: bool, rng: random.Random) -> str:
    """A valid, fictitious 18-digit ID number (GB 11643) for someone born in 神木."""
    sequence = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    body = f"{shenmu_region_code(birth_date.year)}{birth_date:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def chinese_name(*, male: bool, rng: random.Random) -> str:
    surnames, weights = zip(*SURNAMES)
    surname = rng.choices(surnames, weights)[0]
    characters = MALE_CHARACTERS if male else FEMALE_CHARACTERS
    given = rng.choice(characters) + (rng.choice(characters) if rng.random() < 0.7 else "")
    return surname + given


def mobile_phone(rng: random.Random, taken: set[str]) -> str:
    while True:
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if phone not in taken:
            taken.add(phone)
            return phone


# The first two characters of a 统一社会信用代码 (GB 32100-2015) say who registered the organisation and
# what it is: 11 an organ of the state (机构编制, 机关), 12 a public institution (事业单位), 52 a private
# non-enterprise unit (民政, 民办非企业单位), 91 an enterprise (工商, 企业).
ORGAN, INSTITUTION, NON_ENTERPRISE, ENTERPRISE = "11", "12", "52", "91"
_KIND_BY_ENDING = ((("局", "派出所", "政府", "委员会", "办事处"), ORGAN),
                   (("医院", "学校", "中学", "小学", "幼儿园", "图书馆", "文化馆", "中心"), INSTITUTION),
                   (("书院", "协会", "社工站"), NON_ENTERPRISE))


def registration_kind(name: str) -> str:
    """The kind of organisation a partner's name says it is, as its credit code's first two characters."""
    return next((kind for endings, kind in _KIND_BY_ENDING if name.endswith(endings)), ENTERPRISE)


def credit_code(rng: random.Random, region: str = "610881", kind: str = ENTERPRISE) -> str:
    """A valid, fictitious 统一社会信用代码 for an organisation of ``kind`` registered in 神木."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while True:
        body = kind + region + "".join(rng.choice(alphabet) for _ in range(9))
        number = body + uscc.calc_check_digit(body + "0")
        if uscc.is_valid(number):
            return number


def birth_date_for_age(age: int, rng: random.Random, on: dt.date) -> dt.date:
    """A birth date on which one is exactly ``age`` years old ``on`` that day."""
    latest = _years_before(on, age)
    earliest = _years_before(on, age + 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return dt.date(day.year - years, 2, 28)
