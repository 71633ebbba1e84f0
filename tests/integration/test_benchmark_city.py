"""The city's benchmark (benchmarks/city.py, `make bench-city`) runs once in its quick mode: three small
city stations on their own PostgreSQL, every figure beside its hand-written SQL floor, the query plans
of the three slowest, and the apps on the city in headless Chromium. Nothing is asserted about speed,
only that each figure is produced."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from benchmarks.city import YEAR
from station_kit.config import PROJECT_ROOT

pytestmark = pytest.mark.postgres

FIGURES = ("build 3 small city stations", "tally, one station", "实时数据 redraw, one station",
           "street roll-up, monthly", "city roll-up, monthly", "city roll-up, station figures",
           f"yearly award round {YEAR}, one station", f"yearly award round {YEAR}, every station",
           "monthly export 2022-07 (.xlsx), one station", "hours by month, city", "hours by work task, city",
           "retention cohorts, city", "home on the city", "dashboard on the city", "volunteers search on the city",
           "peak memory of this process")


def test_the_city_benchmark_runs_once_in_quick_mode():
    if not os.path.exists("/usr/bin/chromium"):
        if os.environ.get("CI"):
            pytest.fail("the city's benchmark needs Chromium (CI is set, so this fails instead of skipping)",
                        pytrace=False)
        pytest.skip("the city's benchmark needs Chromium")
    result = subprocess.run([sys.executable, "-m", "benchmarks.city", "--quick", "--explain"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    for figure in FIGURES:
        line = next((line for line in lines if line.startswith(figure)), None)
        assert line is not None, f"no figure {figure!r} in:\n{result.stdout}"
        assert re.search(r"\d+(\.\d+ms|MiB)\s+\d+(\.\d+ms|MiB)\s+\d+\.\d+x", line), line
    assert len(re.findall(r"^### .+: \d+ ms$", result.stdout, re.MULTILINE)) == 3
    assert result.stdout.count("Execution Time:") == 3
