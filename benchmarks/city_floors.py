"""The floors of `make bench-city`: for each figure, one hand-written PostgreSQL statement (or a few)
doing the same work the plainest way — the same rows, the same groups, the same China-time months."""

from __future__ import annotations

from sqlalchemy import text

MONTH = "to_char(timezone('Asia/Shanghai', {column}), 'YYYY-MM')"
RECORD_MONTH = MONTH.format(column="r.started_at")

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
HOURS_BY_TASK = text("""
SELECT s.code, a.category, sum(r.minutes) AS minutes, count(*), count(DISTINCT r.volunteer_id)
FROM servicerecord r JOIN station s ON s.id = r.station_id JOIN activity a ON a.id = r.activity_id
WHERE r.status = 'approved' GROUP BY s.code, a.category ORDER BY s.code, minutes DESC""")
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

# A yearly 时尚达人 round's sums per volunteer (benchmarks.awards), for one station or every one.
_AWARD_SUMS = """
SELECT r.station_id, r.volunteer_id,
       sum(CASE WHEN r.no_show THEN 0 ELSE r.minutes END),
       count(DISTINCT CASE WHEN NOT r.no_show THEN r.activity_id END),
       sum(CASE WHEN r.role = 'leader' AND NOT r.no_show THEN 1 ELSE 0 END),
       sum(CASE WHEN r.no_show THEN 1 ELSE 0 END),
       sum((CASE WHEN r.no_show THEN 0 ELSE r.minutes END)
           * CASE WHEN a.theme IN ('neighbourly', 'environment', 'culture') THEN 120 ELSE 100 END),
       sum(CASE WHEN a.theme = 'neighbourly' AND NOT r.no_show THEN r.minutes ELSE 0 END),
       sum(CASE WHEN a.theme = 'environment' AND NOT r.no_show THEN r.minutes ELSE 0 END),
       sum(CASE WHEN a.theme = 'culture' AND NOT r.no_show THEN r.minutes ELSE 0 END)
FROM servicerecord r JOIN activity a ON a.id = r.activity_id
WHERE r.status = 'approved' AND r.started_at >= :start AND r.started_at < :end {station}
GROUP BY r.station_id, r.volunteer_id"""
AWARD_ONE = text(_AWARD_SUMS.format(station="AND r.station_id = :s"))
AWARD_EVERY = text(_AWARD_SUMS.format(station=""))

# A month's service records of one station, as the 导入导出 app's export lists them.
MONTH_EXPORT = text("""
SELECT v.number, v.name, a.title, r.started_at, r.ended_at, r.minutes, r.status, r.is_backfill, r.entered_by
FROM servicerecord r JOIN volunteer v ON v.id = r.volunteer_id JOIN activity a ON a.id = r.activity_id
WHERE r.station_id = :s AND NOT r.no_show AND r.started_at >= :start AND r.started_at < :end
ORDER BY r.started_at, r.id""")

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
