"""The demo's service history: the article's 323,416.0 approved hours, and a history that obeys the
station's own rules (no room double-booked, no one in two places at once, records within their
activity and after registration), with named activities on their real dates."""

import datetime as dt
import json
import random

import holidays
import pandas as pd
from sqlalchemy import text

from station_kit.cli import main
from station_kit.db import get_engine, read_session
from station_kit.demo.history import APPROVED_MINUTES, Person, _targets, most_minutes
from station_kit.rules.calendar import is_backfill
from station_kit.services.context import vault_for
from station_kit.validation import age_on


def frame(url: str, sql: str) -> pd.DataFrame:
    with get_engine(url).connect() as connection:
        result = pd.read_sql(text(sql), connection)
    for column in result.columns:
        if column.endswith("_at"):
            result[column] = pd.to_datetime(result[column], utc=True, format="ISO8601").dt.tz_convert("Asia/Shanghai")
    return result


def test_tally_shows_the_articles_approved_hours(demo_url, capsys):
    assert main(["tally", "--json", "--db", demo_url]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["approved_hours"] == 323416.0
    assert figures["pending_records"] > 0 and figures["activities"] > 1000
    assert sum(figures["star_levels"].values()) > 300 and figures["star_levels"]["5"] > 0


def test_no_room_is_double_booked(demo_url):
    booked = frame(demo_url, "SELECT room_id, starts_at, ends_at FROM activity WHERE room_id IS NOT NULL")
    booked = booked.sort_values(["room_id", "starts_at"])
    previous_end = booked.groupby("room_id")["ends_at"].shift()
    assert not (booked["starts_at"] < previous_end).any()


def test_no_volunteer_is_in_two_places_at_once(demo_url):
    records = frame(demo_url, "SELECT volunteer_id, started_at, ended_at FROM servicerecord "
                              "WHERE status != 'rejected' AND NOT no_show").sort_values(["volunteer_id", "started_at"])
    previous_end = records.groupby("volunteer_id")["ended_at"].shift()
    assert not (records["started_at"] < previous_end).any()


def test_records_fit_their_activity_and_follow_registration(demo_url):
    records = frame(demo_url, """
        SELECT r.minutes, r.started_at, r.ended_at, a.starts_at AS activity_starts_at,
               a.ends_at AS activity_ends_at, v.registered_at
        FROM servicerecord r JOIN activity a ON a.id = r.activity_id JOIN volunteer v ON v.id = r.volunteer_id""")
    assert (records["started_at"] >= records["activity_starts_at"]).all()
    assert (records["ended_at"] <= records["activity_ends_at"]).all()
    assert (records["started_at"] >= records["registered_at"]).all()
    assert (records["activity_ends_at"] <= pd.Timestamp("2022-09-01", tz="Asia/Shanghai")).all()


def test_pending_rejected_no_show_and_backfilled_records_exist(demo_url):
    records = frame(demo_url, "SELECT r.status, r.no_show, r.is_backfill, r.backfill_reason, r.decision_reason, "
                              "r.minutes, r.entered_at, a.starts_at AS activity_starts_at "
                              "FROM servicerecord r JOIN activity a ON a.id = r.activity_id")
    assert (records["status"] == "pending").sum() > 100
    rejected = records[records["status"] == "rejected"]
    assert len(rejected) > 50 and (rejected["decision_reason"] != "").all()
    no_shows = records[records["no_show"].astype(bool)]
    assert len(no_shows) > 50 and (no_shows["minutes"] == 0).all()
    backfills = records[records["is_backfill"].astype(bool)]
    assert len(backfills) > 50 and (backfills["backfill_reason"] != "").all()
    assert (backfills["status"] == "approved").all() and (backfills["decision_reason"] != "").all()
    assert all(is_backfill(a.date(), e.date()) for a, e in zip(backfills["activity_starts_at"],
                                                                 backfills["entered_at"]))


def _first_days(name: str) -> dict[int, dt.date]:
    days = {}
    for day, holiday in holidays.China(years=range(2019, 2023)).items():
        if holiday == name:
            days[day.year] = min(day, days.get(day.year, day))
    return days


def _days_of(url: str, title: str) -> list[dt.date]:
    found = frame(url, f"SELECT starts_at FROM activity WHERE title = '{title}' ORDER BY starts_at")
    return [moment.date() for moment in found["starts_at"]]


def test_named_activities_fall_on_their_real_dates(demo_url):
    qingming = _first_days("Tomb-Sweeping Day")
    assert _days_of(demo_url, "文明祭祀") == [qingming[year] for year in range(2019, 2023)]
    spring = _first_days("Chinese New Year (Spring Festival)")
    for day in _days_of(demo_url, "写春联送温暖"):
        festival = spring[day.year] if spring[day.year] > day else spring[day.year + 1]
        assert 0 < (festival - day).days <= 10
    fridays = _days_of(demo_url, "周五爱国卫生大扫除")
    assert len(fridays) > 150 and {day.weekday() for day in fridays} == {4}
    reached = frame(demo_url, "SELECT count(DISTINCT beneficiaries) AS kinds FROM activity "
                              "WHERE title = '周五爱国卫生大扫除'")
    assert reached.loc[0, "kinds"] > 50  # a clean-up reaches more households one week, fewer the next


def test_the_learning_hall_served_over_a_thousand_residents(demo_url):
    served = frame(demo_url, "SELECT sum(beneficiaries) AS served FROM activity "
                             "WHERE title LIKE '守望邻里·乐享学堂%'")
    assert served.loc[0, "served"] > 1000


def test_every_lecture_hall_has_sessions_with_speakers(demo_url):
    halls = frame(demo_url, "SELECT hall, count(*) AS sessions, min(length(speaker)) AS shortest "
                            "FROM activity WHERE hall IS NOT NULL GROUP BY hall")
    assert len(halls) == 6 and (halls["sessions"] > 20).all() and (halls["shortest"] > 0).all()


def test_a_few_volunteers_give_most_hours(demo_url):
    totals = frame(demo_url, "SELECT volunteer_id, sum(minutes) AS minutes FROM servicerecord "
                             "WHERE status = 'approved' GROUP BY volunteer_id")["minutes"].sort_values(ascending=False)
    top_fifth = totals.head(755 // 5).sum() / totals.sum()
    assert top_fifth > 0.6  # the busiest fifth give most of the hours
    assert len(totals) < 755  # some registered volunteers have no approved service yet


def test_nobody_gives_more_than_their_age_allows_and_no_cap_shows(demo_url):
    """A person of 70 or more gives at most 300 h in a year, of 60 or more 600 h, anyone 1,000 h; and the
    busiest do not stop at one figure (the old generator had eleven people at exactly 4,000.0 h)."""
    years = frame(demo_url, """
        SELECT r.volunteer_id, v.birth_year, CAST(strftime('%Y', r.started_at) AS INTEGER) AS year,
               sum(r.minutes) / 60.0 AS hours
        FROM servicerecord r JOIN volunteer v ON v.id = r.volunteer_id
        WHERE r.status = 'approved' GROUP BY r.volunteer_id, year""")
    age = years["year"] - years["birth_year"] - 1  # on 1 January, at the youngest
    assert years.loc[age >= 71, "hours"].max() <= 300
    assert years.loc[age >= 61, "hours"].max() <= 600
    assert years["hours"].max() <= 1_000
    totals = years.groupby("volunteer_id")["hours"].sum().round(1).sort_values(ascending=False)
    assert totals.head(50).value_counts().max() <= 2
    assert (years.groupby("volunteer_id")["hours"].apply(lambda hours: hours.round(1).value_counts().max()) <= 2).all()


def test_targets_sum_exactly_and_respect_the_caps():
    start = dt.datetime(2018, 3, 1, tzinfo=dt.timezone.utc)
    volunteers = [Person(n, start + dt.timedelta(days=n), dt.date(2008 if n % 10 == 0 else 1970, 5, 1))
                  for n in range(1, 400)]
    targets = _targets(random.Random(1), volunteers)
    assert sum(targets.values()) == APPROVED_MINUTES
    assert all(targets.get(person.id, 0) <= most_minutes(person) for person in volunteers)
    # Born in May 2008, a volunteer is still 13 on 1 January 2022: at most 40 h in each year 2018–2022.
    children = [person for person in volunteers if person.birth_date.year == 2008]
    assert max(targets.get(person.id, 0) for person in children) <= 5 * 40 * 60


def test_neighbours_festival_is_yearly_and_numbered_from_its_first_edition(demo_url):
    # The article reports 2022's 端午 event as the second 邻里一家亲: the first was in 2021, none before.
    held = frame(demo_url, """
        SELECT a.title, a.starts_at FROM activity a LEFT JOIN project p ON p.id = a.project_id
        WHERE a.title LIKE '%邻里一家亲%' OR p.name = '邻里一家亲' ORDER BY a.starts_at""")
    duanwu = _first_days("Dragon Boat Festival")
    assert [(moment.date(), title) for title, moment in zip(held["title"], held["starts_at"])] == [
        (duanwu[2021] - dt.timedelta(days=1), "第一届“邻里一家亲”慈善互动“端午节”新时代文明实践活动"),
        (duanwu[2022] - dt.timedelta(days=1), "第二届“邻里一家亲”慈善互动“端午节”新时代文明实践活动"),
    ]


def test_no_unit_name_says_service_twice(demo_url):
    tables = ("team", "squad", "servicepoint", "servicebase", "association", "partnerunit", "post", "project",
              "room")
    names = frame(demo_url, " UNION ALL ".join(f"SELECT name FROM {table}" for table in tables))["name"]
    assert len(names) > 100
    assert not [name for name in names if "服务服务" in name]
    assert "法律服务分队" in set(names)


ADULT_ONLY_POSTS = ("疫情常态防控", "安全生产监管", "民事调解维权")


def _records_with_exact_ages(url: str) -> pd.DataFrame:
    """Every record (approved or not, no-shows too) with the volunteer's exact age on the activity's day."""
    records = frame(url, """
        SELECT r.volunteer_id, r.status, r.minutes, a.starts_at AS activity_starts_at, p.name AS post,
               v.birth_year, v.birth_date_cipher
        FROM servicerecord r JOIN activity a ON a.id = r.activity_id JOIN post p ON p.id = a.post_id
        JOIN volunteer v ON v.id = r.volunteer_id""")
    with read_session(get_engine(url)) as session:
        vault = vault_for(session)
        births = {cipher: vault.decrypt_date(cipher) for cipher in records["birth_date_cipher"].unique()}
    days = [moment.date() for moment in records["activity_starts_at"]]
    records["age"] = [age_on(births[cipher], day) for cipher, day in zip(records["birth_date_cipher"], days)]
    records["day"] = days
    return records


def test_volunteers_register_and_serve_from_the_age_of_ten(demo_url):
    volunteers = frame(demo_url, "SELECT birth_year, registered_at FROM volunteer")
    ages_at_registration = volunteers["registered_at"].dt.year - volunteers["birth_year"]
    assert ages_at_registration.min() >= 10 and ages_at_registration.max() <= 80
    assert _records_with_exact_ages(demo_url)["age"].min() >= 10


def test_minors_are_kept_off_adult_shifts_school_days_and_late_evenings(demo_url):
    records = _records_with_exact_ages(demo_url)
    minors = records[records["age"] < 18]
    assert len(minors) > 100  # the station does have young volunteers
    assert not minors["post"].isin(ADULT_ONLY_POSTS).any()  # no checkpoint duty, inspection or mediation
    assert (records[records["post"] == "疫情常态防控"]["age"] >= 18).all()
    china = holidays.China(years=range(2018, 2023))

    def off_school(day: dt.date) -> bool:
        return (day.weekday() >= 5 or day in china or dt.date(day.year, 7, 10) <= day <= dt.date(day.year, 8, 31)
                or dt.date(day.year, 1, 15) <= day <= dt.date(day.year, 2, 20))

    assert all(off_school(day) for day in minors["day"])
    children = minors[minors["age"] < 14]
    assert len(children) > 10 and (children["activity_starts_at"].dt.hour < 19).all()


def test_a_minors_yearly_hours_stay_within_a_few_dozen(demo_url):
    records = _records_with_exact_ages(demo_url)
    approved = records[records["status"] == "approved"].assign(year=lambda r: r["day"].map(lambda d: d.year))
    yearly = approved.groupby(["volunteer_id", "year", "birth_year"])["minutes"].sum().reset_index()
    age_reached = yearly["year"] - yearly["birth_year"]
    # A year counts as a child's (a minor's) if the volunteer was under 14 (18) on any day of it.
    assert (yearly[age_reached <= 14]["minutes"] <= 40 * 60).all()
    assert (yearly[age_reached <= 18]["minutes"] <= 80 * 60).all()
    assert yearly[age_reached <= 18]["minutes"].sum() > 0


def test_some_lecture_sessions_are_co_held_with_a_caring_enterprise(demo_url):
    partners = frame(demo_url, """
        SELECT a.id, a.hall, u.name, u.kind FROM activity a JOIN activitypartner ap ON ap.activity_id = a.id
        JOIN partnerunit u ON u.id = ap.partner_unit_id WHERE a.hall IS NOT NULL""")
    with_enterprise = partners[partners["kind"] == "caring_enterprise"]
    assert with_enterprise["id"].nunique() > 20
    assert set(with_enterprise[with_enterprise["name"] == "神木惠民大药房"]["hall"]) == {"health"}
