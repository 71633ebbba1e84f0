"""The station-kit command: the demo reproduces the reference station, tally counts it back."""

import json
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
    assert run(capsys, "demo", "--db", db_url)[0] == 0
    code, out, _ = run(capsys, "tally", "--json", "--db", db_url)
    assert code == 0
    figures = json.loads(out)
    assert {key: figures[key] for key in REFERENCE_FIGURES} == REFERENCE_FIGURES
    assert figures["volunteers"] == 755 and figures["party_members"] == 225


def test_demo_refuses_a_database_that_already_holds_a_station(sqlite_url, capsys):
    run(capsys, "demo", "--db", sqlite_url)
    code, _, err = run(capsys, "demo", "--db", sqlite_url)
    assert code == 1 and "兴神路社区" in err
    assert run(capsys, "demo", "--if-new", "--db", sqlite_url)[0] == 0


def test_tally_on_an_empty_database_says_what_to_do(sqlite_url, capsys):
    code, _, err = run(capsys, "tally", "--db", sqlite_url)
    assert code == 1 and "station-kit demo" in err


def test_init_creates_a_station_and_refuses_a_taken_code(sqlite_url, capsys):
    assert run(capsys, "init", "--db", sqlite_url, "--code", "HX", "--name", "和谐社区")[0] == 0
    code, _, err = run(capsys, "init", "--db", sqlite_url, "--code", "HX", "--name", "和谐社区")
    assert code == 2 and "HX" in err


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
