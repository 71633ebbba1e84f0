"""A wheel installed outside the checkout works: rule defaults, migrations and messages ship inside
the package, so `station-kit demo` and `tally --json` run from any folder (DESIGN.md §5)."""

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from station_kit.config import PROJECT_ROOT
from station_kit.rules import load_rules


def test_a_wheel_installed_in_a_fresh_venv_builds_and_tallies_the_demo(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels),
                    str(PROJECT_ROOT)], check=True, capture_output=True)
    # Nothing of the checkout's settings or paths: a PYTHONPATH naming a checkout makes pip think the
    # package is installed already, and install nothing.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("STATION_KIT_", "PYTHON"))}
    env["HOME"] = str(tmp_path / "home")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # The dependencies come from this venv's site-packages, added as a plain path: its .pth files,
    # the editable install of the checkout among them, are not read there.
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    *map(str, wheels.glob("station_kit-*.whl"))], env=env, check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    command = venv / "bin" / "station-kit"

    def run(*argv):
        return subprocess.run([command, *argv], cwd=elsewhere, env=env, check=True, capture_output=True,
                              text=True).stdout

    where = subprocess.run([python, "-c", "import station_kit; print(station_kit.__file__)"], cwd=elsewhere,
                           env=env, check=True, capture_output=True, text=True).stdout
    assert where.startswith(site)
    run("demo")
    figures = json.loads(run("tally", "--json"))
    expected = load_rules("reference_station")["figures"]
    assert {key: figures[key] for key in expected} == expected
    data = tmp_path / "home" / ".local" / "share" / "station_kit"
    assert (data / "station.db").is_file() and (data / "secret.key").is_file()
