"""Figures counted from rows, per station, the same whether asked one station or a whole city."""

from station_kit import analytics
from station_kit.db import read_session, write_session
from station_kit.services import volunteers as service
from station_kit.services.actor import Actor
from tests.factories import make_station, volunteer_data


def test_roll_up_across_stations_matches_each_station(engine, station):
    with write_session(engine) as session:
        other = make_station(session, code="HX", name="和谐社区")
        for _ in range(3):
            service.register_volunteer(session=session, station_id=other.id, actor=Actor("t"),
                                       data=volunteer_data(is_party_member=True, team_id=other.team_id))
        service.register_volunteer(session=session, station_id=station.id, actor=Actor("t"),
                                   data=volunteer_data())
    frame = analytics.station_figures(engine).set_index("code")
    with read_session(engine) as session:
        for code, station_id in (("TST", station.id), ("HX", other.id)):
            figures = analytics.headline_figures(session, station_id)
            assert {key: int(frame.loc[code, key]) for key in analytics.HEADLINE_KEYS} == {
                key: figures[key] for key in analytics.HEADLINE_KEYS}
    assert (frame.loc["HX", "volunteers"], frame.loc["HX", "party_members"]) == (3, 3)


def test_volunteers_frame_masks_personal_data(engine, station):
    data = volunteer_data(phone="13912345678")
    with write_session(engine) as session:
        service.register_volunteer(session=session, station_id=station.id, actor=Actor("t"), data=data)
    frame = analytics.volunteers(engine)
    assert frame.loc[0, "phone"] == "139****5678"
    assert frame.loc[0, "id_number"] == "*" * 14 + data.id_number[-4:]
    assert frame.loc[0, "birth_year"] == int(data.id_number[6:10])
    assert not {"id_number_cipher", "birth_date", "birth_date_cipher"} & set(frame.columns)


def test_months_are_counted_in_china_time(engine, station):
    import datetime as dt

    from station_kit.clock import CHINA
    from station_kit.services import activities, records
    from tests.factories import activity_data

    with write_session(engine) as session:
        volunteer = service.register_volunteer(session=session, station_id=station.id, actor=Actor("t"),
                                               data=volunteer_data())
        ids = []
        # 23:00 on 31 August and 01:00 on 1 September in China are both 31 August in UTC.
        for start in (dt.datetime(2022, 8, 31, 22, 0, tzinfo=CHINA), dt.datetime(2022, 9, 1, 0, 30, tzinfo=CHINA)):
            activity = activities.plan_activity(session=session, station_id=station.id, actor=Actor("t"),
                                                data=activity_data(starts_at=start, hours=1.5))
            ids += [r.id for r in records.record_attendance(
                session=session, activity_id=activity.id, entries=[records.Attendance(volunteer.id)],
                actor=Actor("t"), entered_at=start + dt.timedelta(hours=2))]
        records.approve_records(session=session, record_ids=ids, actor=Actor("t"))
    with read_session(engine) as session:
        months = analytics.hours_by_month(session, station.id)
        assert months.to_dict("records") == [{"month": "2022-08", "hours": 1.5},
                                             {"month": "2022-09", "hours": 1.5}]
        assert analytics.latest_month_with_hours(session, station.id) == "2022-09"
        top = analytics.top_volunteers(session, station.id, "2022-09")
    assert top["hours"].tolist() == [1.5]
