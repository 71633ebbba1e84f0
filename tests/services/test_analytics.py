"""Figures counted from rows, per station, the same whether asked one station or a whole city."""

from station_kit import analytics
from station_kit.db import read_session, write_session
from station_kit.services import volunteers as service
from tests.factories import make_station, volunteer_data


def test_roll_up_across_stations_matches_each_station(engine, station):
    with write_session(engine) as session:
        other = make_station(session, code="HX", name="和谐社区")
        for _ in range(3):
            service.register_volunteer(session=session, station_id=other.id, operator="t",
                                       data=volunteer_data(is_party_member=True, team_id=other.team_id))
        service.register_volunteer(session=session, station_id=station.id, operator="t",
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
        service.register_volunteer(session=session, station_id=station.id, operator="t", data=data)
    frame = analytics.volunteers(engine)
    assert frame.loc[0, "phone"] == "139****5678"
    assert frame.loc[0, "id_number"] == data.id_number[:6] + "********" + data.id_number[-4:]
    assert "id_number_cipher" not in frame.columns
