"""The analysts' SQL views: their way into raw SQL (DESIGN.md §7, §10), one per kind of row, with a
station's code beside its id, names instead of ids where a name says more, and no personal column an
analysis does not need: no ID number in any form, no phone, no birth date (the birth year stays, for
ages), no guardian, no resident, and no free text a worker typed about a person (case and wish titles
and notes). Times are as stored: UTC. Documented in the README ("For analysts").

Views are derived from the tables, not part of the schema's history: migrations/env.py drops them
before any migration runs and creates them again, from this file, once the database is at the newest
revision. So a migration never has to step around them (SQLite refuses to rename a table a view
names, which its batch mode does for every ALTER), and a view always matches the tables it reads.
The same SQL runs on SQLite and PostgreSQL.
"""

VIEWS = {
    "analyst_stations": """
        SELECT s.id AS station_id, s.code AS station, s.name, s.city, s.street, s.population
        FROM station s""",
    "analyst_volunteers": """
        SELECT v.id AS volunteer_id, v.station_id, s.code AS station, v.number, v.name, v.gender, v.birth_year,
               v.residence_area, v.is_party_member, t.name AS team, q.name AS squad, v.registered_at, v.active,
               v.merged_into_id
        FROM volunteer v JOIN station s ON s.id = v.station_id
        LEFT JOIN team t ON t.id = v.team_id LEFT JOIN squad q ON q.id = v.squad_id""",
    "analyst_activities": """
        SELECT a.id AS activity_id, a.station_id, s.code AS station, a.title, a.category, a.hall, a.theme,
               p.name AS project, o.name AS post, a.place, a.starts_at, a.ends_at, a.status, a.beneficiaries
        FROM activity a JOIN station s ON s.id = a.station_id
        LEFT JOIN project p ON p.id = a.project_id LEFT JOIN post o ON o.id = a.post_id""",
    "analyst_service_records": """
        SELECT r.id AS record_id, r.station_id, s.code AS station, r.volunteer_id, r.activity_id, r.role,
               r.started_at, r.ended_at, r.minutes, r.status, r.no_show, r.is_backfill, r.entered_at, r.decided_at
        FROM servicerecord r JOIN station s ON s.id = r.station_id""",
    "analyst_grid_cases": """
        SELECT c.id AS case_id, c.station_id, s.code AS station, g.name AS grid, c.kind, c.channel, c.status,
               c.is_complex, c.received_at, c.accept_due_at, c.accepted_at, c.whistled_at, c.report_due_at,
               c.reported_at, c.resolve_due_at, c.resolved_at, c.rating, c.rated_at
        FROM gridcase c JOIN station s ON s.id = c.station_id JOIN grid g ON g.id = c.grid_id""",
    "analyst_requests": """
        SELECT r.id AS request_id, r.station_id, s.code AS station, g.name AS grid, r.kind, r.status,
               r.posted_at, r.claimed_at, r.fulfilled_at, r.cancelled_at, r.rating, r.rated_at,
               r.activity_id
        FROM request r JOIN station s ON s.id = r.station_id JOIN grid g ON g.id = r.grid_id""",
    "analyst_awards": """
        SELECT e.id AS entry_id, e.station_id, s.code AS station, w.level, w.period, w.status AS round_status,
               e.rank, e.subject_kind, e.subject_id, e.name, e.unit, e.points_tenths, e.eligible, e.winner,
               e.removed
        FROM awardentry e JOIN awardround w ON w.id = e.round_id JOIN station s ON s.id = e.station_id""",
}


def drop_views(execute) -> None:
    """``execute``: a callable that runs one SQL statement (alembic's ``context.execute``)."""
    for name in reversed(VIEWS):
        execute(f"DROP VIEW IF EXISTS {name}")


def create_views(execute) -> None:
    for name, query in VIEWS.items():
        execute(f"CREATE VIEW {name} AS {query}")
