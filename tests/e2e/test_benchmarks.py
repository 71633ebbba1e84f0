"""`make bench` cannot stop running unseen (DESIGN.md §12): every benchmark runs once here, in its
quick mode, on a copy of the demo station. Nothing is asserted about speed, only that each figure is
produced, with a floor and a ratio. The hub's own (a street on PostgreSQL) run beside the browser tests,
on the other worker: tests/integration/test_benchmark_hub.py."""

from __future__ import annotations

import re
import subprocess
import sys

from station_kit.config import PROJECT_ROOT
from station_kit.ui import registry
from tests.databases import demo_station_url

FIGURES = ("tally (demo station)", "station roll-up DataFrame (demo)", "yearly award round 2021 (demo)",
           "register 20 volunteers", "import 300 volunteers (xlsx)", "dashboard shows a change (median)",
           *(f"{app.name} time to interactive (median)" for app in registry.APPS),
           "kernels back after 3 pages died without unload",
           "hours by month, every station", "hours by work task, every station", "retention cohorts, every station")
MEMORY = tuple(f"{app.name} page's kernel, USS (median)" for app in registry.APPS)


def test_every_benchmark_runs_once_in_quick_mode(browser):
    """(``browser`` only for its check that Chromium is there: the benchmarks launch their own.)"""
    result = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--skip", "hub", "--demo",
                             demo_station_url()],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    for figure in FIGURES:
        line = next((line for line in result.stdout.splitlines() if line.startswith(figure)), None)
        assert line is not None, f"no figure {figure!r} in:\n{result.stdout}"
        assert re.search(r"\d+\.\d+ms\s+\d+\.\d+ms\s+\d+\.\d+x", line), line
    for figure in MEMORY:
        line = next((line for line in result.stdout.splitlines() if line.startswith(figure)), None)
        assert line is not None, f"no figure {figure!r} in:\n{result.stdout}"
        assert re.search(r"\d+MiB\s+\d+MiB\s+\d+\.\d+x", line), line
