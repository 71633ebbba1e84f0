"""The demo's award calendar, run through 公示 to final, gives the article's awards; the command
line ranks a draft the same on every run and names a round by level and period."""

import json
import shutil
from pathlib import Path

from sqlmodel import select

from station_kit.analytics import headline_figures
from station_kit.cli import main
from station_kit.db import get_engine, read_session
from station_kit.models import AwardRound
from station_kit.models.awards import RoundStatus
from station_kit.rules import load_rules
from station_kit.rules.awards import award_rules
from station_kit.services import awards
from station_kit.services.scope import Scope
from tests.factories import READER


def test_the_demo_tally_gives_the_articles_awards(demo_url):
    figures = headline_figures(get_engine(demo_url), station=1)
    with read_session(get_engine(demo_url)) as session:
        rounds = session.exec(select(AwardRound).order_by(AwardRound.id)).all()
        notice = awards.award_notice(scope=Scope(session, READER), round_id=rounds[-1].id)
    assert figures["awards"] == {"week": 12, "month": 60, "quarter": 24, "year": 9, "collective": 5}
    assert figures["awards"] == load_rules("reference_station")["figures"]["awards"]
    assert {r.status for r in rounds} == {RoundStatus.final}
    assert {r.rules_hash for r in rounds} == {award_rules().hash}
    assert all(r.publicity_ends_on < r.finalised_at.date() for r in rounds)
    assert notice.entries and notice.title.startswith("兴神路社区")


def _copy(demo_url: str, tmp_path: Path) -> str:
    copy = tmp_path / "station.db"
    shutil.copy(demo_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def test_awards_run_prints_the_same_ranking_every_time_and_finalize_needs_an_admin(demo_url, tmp_path, capsys):
    url = _copy(demo_url, tmp_path)
    outputs = []
    for _ in range(2):
        assert main(["awards", "run", "--level", "month", "--period", "2021-08", "--json", "--db", url]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    ranking = json.loads(outputs[0])
    assert sum(entry["winner"] for entry in ranking["entries"]) == 5
    # 2021-09 is final in the demo: it never changes.
    assert main(["awards", "run", "--level", "month", "--period", "2021-09", "--db", url]) == 2
    assert "不能再重新计算" in capsys.readouterr().err
    assert main(["awards", "publish", "--level", "month", "--period", "2021-08", "--db", url]) == 0
    assert "公示期至" in capsys.readouterr().out
    # The tests' settings work as staff (STATION_KIT_ROLE unset).
    assert main(["awards", "finalize", "--level", "month", "--period", "2021-08", "--db", url]) == 2
    assert "站长" in capsys.readouterr().err
    assert main(["awards", "publish", "--level", "month", "--period", "2019-01", "--db", url]) == 2
    assert "找不到这次评选" in capsys.readouterr().err


def test_awards_show_prints_a_final_round_s_ranking_and_changes_nothing(demo_url, capsys):
    """A final round cannot be run again, but anyone can read its ranking back."""
    assert main(["awards", "show", "--level", "month", "--period", "2021-09", "--json", "--db", demo_url]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["period"] == "2021-09" and sum(entry["winner"] for entry in shown["entries"]) == 5
    assert main(["awards", "show", "--level", "collective", "--period", "2021", "--db", demo_url]) == 0
    printed = capsys.readouterr().out
    assert "服务分队" in printed and "入选" in printed
    assert main(["awards", "show", "--level", "month", "--period", "2019-01", "--db", demo_url]) == 2
