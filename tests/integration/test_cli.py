"""The station-kit command: the demo reproduces the reference station, tally counts it back."""

import json
import re
import subprocess
import sys

import pytest

from station_kit.cli import build_parser, main
from station_kit.config import PROJECT_ROOT
from station_kit.rules import load_rules

# DESIGN.md §2: the reference station's figures as of 2022-08-31, as data/reference_station.toml keeps them.
REFERENCE_FIGURES = load_rules("reference_station")["figures"]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_demo_then_tally_prints_the_reference_figures(db_url, capsys):
    """On PostgreSQL the demo is built here; on SQLite the run's shared demo station is this same
    command's work (tests/databases.py), so it is counted rather than built a second time."""
    if db_url.startswith("sqlite"):
        from tests.databases import demo_station_url

        db_url = demo_station_url()
    else:
        assert run(capsys, "demo", "--db", db_url)[0] == 0
    code, out, _ = run(capsys, "tally", "--json", "--db", db_url)
    assert code == 0
    figures = json.loads(out)
    assert {key: figures[key] for key in REFERENCE_FIGURES} == REFERENCE_FIGURES
    assert figures["volunteers"] == 755 and figures["party_members"] == 225


def test_demo_refuses_a_database_that_already_holds_a_station(demo_copy, capsys):
    code, _, err = run(capsys, "demo", "--db", demo_copy)
    assert code == 1 and "兴神路社区" in err
    assert run(capsys, "demo", "--if-new", "--db", demo_copy)[0] == 0


def test_tally_on_an_empty_database_says_what_to_do(sqlite_url, capsys):
    code, _, err = run(capsys, "tally", "--db", sqlite_url)
    assert code == 1 and "station-kit demo" in err


def test_init_creates_a_station_and_refuses_a_taken_code(sqlite_url, capsys):
    assert run(capsys, "init", "--db", sqlite_url, "--code", "HX", "--name", "和谐社区")[0] == 0
    code, _, err = run(capsys, "init", "--db", sqlite_url, "--code", "HX", "--name", "和谐社区")
    assert code == 2 and "HX" in err
    # --db may come before the command too, and then names the same database.
    code, out, _ = run(capsys, "--db", sqlite_url, "tally")
    assert code == 0 and out.startswith("和谐社区")


def test_a_street_s_award_rounds_run_at_once_a_line_a_station(sqlite_url, capsys):
    for code, name, street in (("HX", "和谐社区", "麟州街道"), ("XC", "新村社区", "麟州街道"), ("DT", "店塔社区", "店塔镇")):
        assert run(capsys, "init", "--db", sqlite_url, "--code", code, "--name", name, "--street", street)[0] == 0
    code, out, _ = run(capsys, "awards", "run", "--db", sqlite_url, "--level", "month", "--period", "2022-08",
                       "--street", "麟州街道")
    assert code == 0 and out.splitlines() == [
        "HX 和谐社区：2022-08 评选草稿已计算（名额 5），用 awards show 查看排名",
        "XC 新村社区：2022-08 评选草稿已计算（名额 5），用 awards show 查看排名"]
    code, out, _ = run(capsys, "awards", "run", "--db", sqlite_url, "--level", "year", "--period", "2022", "--street")
    assert code == 0 and [line[:2] for line in out.splitlines()] == ["HX", "XC", "DT"]
    code, _, err = run(capsys, "awards", "run", "--db", sqlite_url, "--level", "year", "--period", "2022",
                       "--street", "西沙街道")
    assert code != 0 and "西沙街道" in err and "店塔镇" in err
    code, _, err = run(capsys, "awards", "show", "--db", sqlite_url, "--level", "year", "--period", "2022", "--street")
    assert code != 0 and "--street 只用于 run" in err


def _subcommands():
    parser = build_parser()
    return parser._subparsers._group_actions[0].choices


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_has_help_and_is_in_the_readme(name):
    subparser = _subcommands()[name]
    assert subparser.description
    assert all(action.help for action in subparser._actions if action.dest != "help")
    assert f"station-kit {name}" in (PROJECT_ROOT / "README.md").read_text()


def test_console_script_runs(sqlite_url):
    result = subprocess.run([sys.executable, "-m", "station_kit.cli", "tally", "--db", sqlite_url],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "station-kit demo" in result.stderr


@pytest.fixture
def demo_copy(demo_url, tmp_path) -> str:
    """A copy of the shared demo database, for a test that writes (the shared one must not change)."""
    import sqlite3

    copy = tmp_path / "station.db"
    with sqlite3.connect(demo_url.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return f"sqlite:///{copy}"


def test_certificate_writes_the_pdf_and_refuses_clearly(demo_copy, tmp_path, capsys):
    from sqlalchemy import func
    from sqlmodel import select

    from station_kit.db import get_engine, read_session
    from station_kit.models import IssuedCertificate, ServiceRecord, Volunteer
    from station_kit.models.work import RecordStatus
    from tests.pdfs import pdf_text

    engine = get_engine(demo_copy)
    approved = select(ServiceRecord.volunteer_id).where(ServiceRecord.status == RecordStatus.approved)
    with read_session(engine) as session:
        served = session.exec(select(Volunteer).where(Volunteer.id.in_(approved)).order_by(Volunteer.id)).first()
        idle = session.exec(select(Volunteer).where(Volunteer.id.not_in(approved), Volunteer.active)).first()

    def issued() -> int:
        with read_session(engine) as session:
            return session.exec(select(func.count()).select_from(IssuedCertificate)).one()

    out = tmp_path / "证明.pdf"
    code, printed, _ = run(capsys, "certificate", served.number, "--out", str(out), "--db", demo_copy)
    assert code == 0 and served.name in printed and str(out) in printed
    text = pdf_text(out.read_bytes())
    assert served.name in text and served.number in text and served.id_number_masked in text
    number = re.search(r"XSL-ZM-\d{4}-\d{5}", printed).group()
    assert number in text
    assert issued() == 1

    code, _, err = run(capsys, "certificate", "无此人", "--out", str(out), "--db", demo_copy)
    assert code == 2 and "无此人" in err
    code, _, err = run(capsys, "certificate", idle.number, "--out", str(tmp_path / "idle.pdf"), "--db", demo_copy)
    assert code == 2 and idle.number in err and not (tmp_path / "idle.pdf").exists()
    code, _, err = run(capsys, "certificate", served.number, "--out", str(tmp_path / "no" / "such" / "dir.pdf"),
                       "--db", demo_copy)
    assert code == 1 and "dir.pdf" in err
    assert issued() == 1  # neither refusal nor the unwritable path took a number
    engine.dispose()


def test_station_shows_the_issuer_details_and_an_admin_corrects_them(sqlite_url, capsys, monkeypatch):
    from station_kit.config import get_settings

    run(capsys, "init", "--db", sqlite_url, "--code", "HX", "--name", "和谐社")
    code, out, _ = run(capsys, "station", "--db", sqlite_url)
    assert code == 0 and "和谐社" in out and "未填写" in out
    code, _, err = run(capsys, "station", "--db", sqlite_url, "--contact", "0912-1234567")
    assert code == 2 and "管理员" in err  # the tests' settings work as staff
    monkeypatch.setenv("STATION_KIT_ROLE", "admin")
    get_settings.cache_clear()
    try:
        code, _, err = run(capsys, "station", "--db", sqlite_url, "--name", "和谐社区", "--contact", "打电话")
        assert code == 2 and "电话" in err
        code, out, _ = run(capsys, "station", "--db", sqlite_url, "--name", "和谐社区",
                           "--person-in-charge", "高文明", "--contact", "社区办公室 0912-1234567")
        assert code == 0 and "和谐社区" in out and "高文明" in out and "0912-1234567" in out
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert "高文明" in run(capsys, "station", "--db", sqlite_url)[1]


def test_exports_are_written_for_their_owner_only(demo_url, tmp_path, capsys):
    """An export holds names and hours: it is written 0600, like backups, even over an older file."""
    import os
    import stat

    older = tmp_path / "名册.xlsx"
    older.write_bytes(b"old")
    os.chmod(older, 0o644)
    for out in (older, tmp_path / "名册.csv"):
        code, printed, _ = run(capsys, "export", "volunteers", "--out", str(out), "--db", demo_url)
        assert code == 0 and str(out) in printed
        assert stat.S_IMODE(out.stat().st_mode) == 0o600 and out.stat().st_size > 1000


def test_files_and_databases_that_cannot_be_used_end_in_a_message(demo_url, tmp_path, capsys):
    """A missing file, a folder, an unwritable path, a PostgreSQL that is not running: a Chinese
    message and a non-zero exit, never a traceback."""
    from station_kit.i18n import t

    code, _, err = run(capsys, "import", "volunteers", str(tmp_path / "没有这个.xlsx"), "--db", demo_url)
    assert code == 1 and "没有这个.xlsx" in err and t("cli.file_missing") in err
    code, _, err = run(capsys, "import", "volunteers", str(tmp_path), "--db", demo_url)
    assert code == 1 and t("cli.file_is_folder") in err
    code, _, err = run(capsys, "export", "volunteers", "--out", str(tmp_path / "无" / "名册.xlsx"), "--db", demo_url)
    assert code == 1 and "名册.xlsx" in err and not (tmp_path / "无").exists()
    down = "postgresql+psycopg://station:secret-pw@127.0.0.1:9/station"  # nothing listens on port 9
    code, _, err = run(capsys, "tally", "--db", down)
    assert code == 1 and t("cli.database_unreachable",
                           url="postgresql+psycopg://station:***@127.0.0.1:9/station") in err
    assert "secret-pw" not in err and "Traceback" not in err


def test_a_file_that_is_no_backup_of_ours_is_called_so(sqlite_url, tmp_path, capsys, monkeypatch):
    import sqlite3

    from station_kit.config import get_settings
    from station_kit.i18n import t

    monkeypatch.setenv("STATION_KIT_ROLE", "admin")  # restoring is an admin's
    get_settings.cache_clear()

    other = tmp_path / "别的程序.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    empty = tmp_path / "空.db"
    empty.write_bytes(b"")
    try:
        for copy in (other, empty):
            code, _, err = run(capsys, "restore", str(copy), "--db", sqlite_url)
            assert code == 2 and t("backup.not_a_database", path=str(copy)) in err
    finally:
        monkeypatch.delenv("STATION_KIT_ROLE")
        get_settings.cache_clear()


def test_a_ranking_piped_into_head_ends_quietly(demo_copy):
    """`station-kit awards run … --json | head -3`: three lines and no BrokenPipeError traceback (the
    year's ranking is far larger than what a pipe holds, so the writer meets the closed pipe)."""
    command = (f"{sys.executable} -m station_kit.cli awards run --level year --period 2022 --json --db {demo_copy}"
               " | head -3")
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=300)
    assert len(result.stdout.splitlines()) == 3
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_serving_another_address_without_sign_in_is_refused(sqlite_url, capsys):
    assert main(["serve", "--host", "0.0.0.0", "--db", sqlite_url]) == 2
    assert "station-kit hub" in capsys.readouterr().err


def test_the_hub_needs_its_first_admin_and_says_so(sqlite_url, tmp_path, capsys):
    assert main(["hub", "--db", sqlite_url, "--folder", str(tmp_path / "hub")]) == 2
    assert "--admin" in capsys.readouterr().err
    assert oct((tmp_path / "hub").stat().st_mode)[-3:] == "700"  # password hashes and secrets live here


def test_an_admin_lists_one_person_s_actions(demo_copy, capsys, monkeypatch):
    from station_kit.config import get_settings

    code, _, err = run(capsys, "audit", "--person", "demo", "--db", demo_copy)
    assert code == 2 and "管理员" in err  # the tests' settings work as staff
    monkeypatch.setenv("STATION_KIT_ROLE", "admin")
    get_settings.cache_clear()
    try:
        code, out, _ = run(capsys, "audit", "--person", "demo", "--period", "2022-08", "--db", demo_copy)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    lines = out.strip().splitlines()
    assert code == 0 and lines[-1] == f"demo 共 {len(lines) - 1} 条操作记录" and len(lines) > 100  # the demo's August
    assert all(line.startswith("2022-08-") for line in lines[:-1])
