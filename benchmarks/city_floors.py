"""The floors of `make bench-city`: for each figure, one hand-written PostgreSQL statement (or a few)
doing the same work the plainest way — the same rows, the same groups, the same China-time months."""

from __future__ import annotations

from sqlalchemy import bindparam, text

MONTH = "to_char(timezone('Asia/Shanghai', {column}), 'YYYY-MM')"
RECORD_MONTH = MONTH.format(column="r.started_at")

# What the tally counts besides benchmarks.tally's statement: wishes, grid cases (open, late at :now, the
# counts behind 三率) and the works ledger.
TALLY_COMMUNITY = [text("""
SELECT count(*), count(claimed_at), count(fulfilled_at) FROM request WHERE station_id = :s AND kind = 'wish'"""),
                   text("""
SELECT count(CASE WHEN status IN ('received', 'accepted', 'whistled', 'reported') THEN 1 END),
       count(CASE WHEN status IN ('received', 'accepted', 'whistled', 'reported')
                   AND ((accepted_at IS NULL AND accept_due_at < :now) OR (reported_at IS NULL AND report_due_at < :now)
                        OR (resolved_at IS NULL AND resolve_due_at < :now)) THEN 1 END)
FROM gridcase WHERE station_id = :s"""), text("""
SELECT count(*), count(CASE WHEN accepted_at <= accept_due_at THEN 1 END), count(resolved_at), count(rating),
       count(CASE WHEN rating >= 4 THEN 1 END)
FROM gridcase c JOIN grid g ON g.id = c.grid_id WHERE c.station_id = :s"""), text("""
SELECT item, unit, sum(quantity), min(id) FROM worksitem WHERE station_id = :s GROUP BY item, unit ORDER BY min(id)"""),
                   text("SELECT coalesce(sum(investment_yuan), 0) FROM worksitem WHERE station_id = :s")]

# The figures of a street (:street) or, without the condition, of the whole city: approved hours by
# month, activities by month, new volunteers by month (analytics.monthly_figures).
_MONTHLY = (
    f"""SELECT s.code, {RECORD_MONTH} AS month, sum(r.minutes), count(*), count(DISTINCT r.volunteer_id)
    FROM servicerecord r JOIN station s ON s.id = r.station_id
    WHERE r.status = 'approved' {{street}} GROUP BY s.code, month ORDER BY s.code, month""",
    f"""SELECT s.code, {MONTH.format(column="a.starts_at")} AS month, count(*), sum(a.beneficiaries)
    FROM activity a JOIN station s ON s.id = a.station_id
    WHERE a.status != 'cancelled' {{street}} GROUP BY s.code, month ORDER BY s.code, month""",
    f"""SELECT s.code, {MONTH.format(column="v.registered_at")} AS month, count(*)
    FROM volunteer v JOIN station s ON s.id = v.station_id
    WHERE v.active {{street}} GROUP BY s.code, month""",
)
STREET_MONTHLY = [text(statement.format(street="AND s.street = :street")) for statement in _MONTHLY]
CITY_MONTHLY = [text(statement.format(street="")) for statement in _MONTHLY]

STATION_FIGURES = text("""
SELECT s.id, s.code, s.name, s.city, s.street,
       (SELECT count(*) FROM volunteer x WHERE x.station_id = s.id AND x.active),
       (SELECT count(*) FROM volunteer x WHERE x.station_id = s.id AND x.active AND x.is_party_member),
       (SELECT count(*) FROM team x WHERE x.station_id = s.id),
       (SELECT count(*) FROM squad x WHERE x.station_id = s.id),
       (SELECT count(*) FROM servicepoint x WHERE x.station_id = s.id),
       (SELECT count(*) FROM servicebase x WHERE x.station_id = s.id),
       (SELECT count(*) FROM association x WHERE x.station_id = s.id),
       (SELECT count(*) FROM partnerunit x WHERE x.station_id = s.id AND x.kind = 'co_building'),
       (SELECT count(*) FROM post x WHERE x.station_id = s.id),
       (SELECT count(*) FROM project x WHERE x.station_id = s.id),
       (SELECT count(*) FROM project x WHERE x.station_id = s.id AND x.is_brand),
       (SELECT count(*) FROM grid x WHERE x.station_id = s.id)
FROM station s ORDER BY s.id""")

HOURS_BY_MONTH = text(f"""
SELECT s.code, {RECORD_MONTH} AS month, sum(r.minutes), count(*), count(DISTINCT r.volunteer_id)
FROM servicerecord r JOIN station s ON s.id = r.station_id
WHERE r.status = 'approved' GROUP BY s.code, month ORDER BY s.code, month""")

RETENTION = [text(f"""
WITH served AS (
    SELECT s.code AS station, r.volunteer_id, {RECORD_MONTH} AS month
    FROM servicerecord r JOIN station s ON s.id = r.station_id JOIN volunteer v ON v.id = r.volunteer_id
    WHERE r.status = 'approved' AND NOT r.no_show AND r.minutes > 0 AND v.active
    GROUP BY s.code, r.volunteer_id, month)
SELECT served.station, {MONTH.format(column="v.registered_at")} AS cohort, served.month, count(*)
FROM served JOIN volunteer v ON v.id = served.volunteer_id
WHERE served.month >= {MONTH.format(column="v.registered_at")}
GROUP BY served.station, cohort, served.month"""), text(f"""
SELECT s.code, {MONTH.format(column="v.registered_at")} AS cohort, count(*)
FROM volunteer v JOIN station s ON s.id = v.station_id WHERE v.active GROUP BY s.code, cohort""")]

# A yearly 时尚达人 round for one station (:s) or every one: the round's row, and each candidate's sums,
# points (10 a theme-weighted hour, half up; 5 a lead, minus 10 a no-show), eligibility (100 h and 20
# activities), rank (tie-break: minutes, activities, registration, id), 3 winners and breakdown, written
# in one statement (run in a transaction that is rolled back). The rules are the defaults, written by hand.
_AWARD_ROUND = """
WITH round AS (
    INSERT INTO awardround (station_id, level, period, first_day, last_day, quota, status, rules_hash, rules_json,
                            computed_at, computed_by, finalised_by, created_at, updated_at)
    SELECT id, 'year', :period, :first_day, :last_day, 3, 'draft', 'floor', '{{}}', now(), 'floor', '', now(), now()
    FROM station WHERE {stations} RETURNING id AS round_id, station_id),
sums AS (
    SELECT r.station_id, r.volunteer_id,
           sum(CASE WHEN r.no_show OR r.minutes = 0 THEN 0 ELSE r.minutes END) AS minutes,
           count(DISTINCT CASE WHEN NOT r.no_show AND r.minutes > 0 THEN r.activity_id END) AS activities,
           sum(CASE WHEN r.role = 'leader' AND NOT r.no_show AND r.minutes > 0 THEN 1 ELSE 0 END) AS led,
           sum(CASE WHEN r.no_show THEN 1 ELSE 0 END) AS no_shows,
           sum((CASE WHEN r.no_show OR r.minutes = 0 THEN 0 ELSE r.minutes END)
               * CASE WHEN a.theme IN ('neighbourly', 'environment', 'culture') THEN 120 ELSE 100 END) AS weighted,
           sum(CASE WHEN a.theme = 'neighbourly' AND NOT r.no_show THEN r.minutes ELSE 0 END) AS neighbourly,
           sum(CASE WHEN a.theme = 'environment' AND NOT r.no_show THEN r.minutes ELSE 0 END) AS environment,
           sum(CASE WHEN a.theme = 'culture' AND NOT r.no_show THEN r.minutes ELSE 0 END) AS culture
    FROM servicerecord r JOIN activity a ON a.id = r.activity_id
    WHERE r.status = 'approved' AND r.started_at >= :start AND r.started_at < :end {records}
    GROUP BY r.station_id, r.volunteer_id),
scored AS (
    SELECT s.*, v.number, v.name, v.registered_at, coalesce(q.name, t.name, '') AS unit,
           (2 * s.weighted * 100 + 6000) / 12000 + s.led * 50 - s.no_shows * 100 AS points,
           s.minutes >= 6000 AND s.activities >= 20 AS eligible
    FROM sums s JOIN volunteer v ON v.id = s.volunteer_id
    LEFT JOIN squad q ON q.id = v.squad_id LEFT JOIN team t ON t.id = v.team_id WHERE v.active),
ranked AS (
    SELECT scored.*, row_number() OVER (PARTITION BY station_id ORDER BY eligible DESC, points DESC, minutes DESC,
                                        activities DESC, registered_at, volunteer_id) AS rank
    FROM scored)
INSERT INTO awardentry (station_id, round_id, rank, subject_kind, subject_id, name, unit, points_tenths, eligible,
                        ineligible_reason, winner, removed, promoted, breakdown_json)
SELECT ranked.station_id, round.round_id, rank, 'volunteer', volunteer_id, name, unit, points, eligible,
       CASE WHEN minutes < 6000 THEN 'awards.ineligible.hours'
            WHEN activities < 20 THEN 'awards.ineligible.activities' ELSE '' END,
       eligible AND rank <= 3, false, false,
       json_build_object('number', number, 'minutes', minutes, 'activities', activities, 'led', led,
                         'no_shows', no_shows, 'theme_minutes', json_build_object(
                             'neighbourly', neighbourly, 'environment', environment, 'culture', culture),
                         'registered_on', (registered_at AT TIME ZONE 'Asia/Shanghai')::date,
                         'points', points / 10.0)::text
FROM ranked JOIN round ON round.station_id = ranked.station_id"""
AWARD_ONE = text(_AWARD_ROUND.format(stations="id = :s", records="AND r.station_id = :s"))
AWARD_EVERY = text(_AWARD_ROUND.format(stations="id IN :stations", records="AND r.station_id IN :stations")
                   ).bindparams(bindparam("stations", expanding=True))

# A month's service records of one station, as the 导入导出 app's export lists them: its cells (China-time
# date and times, hours to one decimal half up, the status in words), ready for the file.
MONTH_EXPORT = text("""
SELECT v.number, v.name, a.title, (r.started_at AT TIME ZONE 'Asia/Shanghai')::date,
       to_char(r.started_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'),
       coalesce(to_char(r.ended_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'), ''), round(r.minutes / 60.0, 1)::float,
       CASE r.status WHEN 'approved' THEN '已通过' WHEN 'pending' THEN '待审核' ELSE '未通过' END,
       CASE WHEN r.is_backfill THEN '是' ELSE '否' END, r.entered_by
FROM servicerecord r JOIN volunteer v ON v.id = r.volunteer_id JOIN activity a ON a.id = r.activity_id
WHERE r.station_id = :s AND NOT r.no_show AND r.started_at >= :start AND r.started_at < :end
ORDER BY r.started_at, r.id""")
MONTH_EXPORT_HEADERS = ("志愿者编号", "姓名", "活动名称", "日期", "开始", "结束", "服务时长（小时）", "审核状态", "补录", "录入人")

# What 实时数据 reads when it redraws (after the tally): hours by month, post and task; the latest month
# with hours and its top ten.
DASHBOARD = [text(f"""
SELECT {RECORD_MONTH} AS month, sum(r.minutes) FROM servicerecord r
WHERE r.station_id = :s AND r.status = 'approved' GROUP BY month ORDER BY month"""), text("""
SELECT p.name, sum(r.minutes) FROM servicerecord r JOIN activity a ON a.id = r.activity_id
JOIN post p ON p.id = a.post_id WHERE r.station_id = :s AND r.status = 'approved'
GROUP BY p.name ORDER BY sum(r.minutes) DESC"""), text("""
SELECT a.category, sum(r.minutes) FROM servicerecord r JOIN activity a ON a.id = r.activity_id
WHERE r.station_id = :s AND r.status = 'approved' GROUP BY a.category ORDER BY a.category"""), text(f"""
SELECT max({RECORD_MONTH}) FROM servicerecord r WHERE r.station_id = :s AND r.status = 'approved'"""), text("""
SELECT v.number, v.name, sum(r.minutes) FROM servicerecord r JOIN volunteer v ON v.id = r.volunteer_id
WHERE r.station_id = :s AND r.status = 'approved' AND r.started_at >= :start AND r.started_at < :end
GROUP BY v.id, v.number, v.name ORDER BY sum(r.minutes) DESC, v.number LIMIT 10""")]
