"""The hub's benchmark (benchmarks/hub.py) runs once in its quick mode, as `make bench` runs it: a street
on its own PostgreSQL, one staff member and one analyst signed in, beside one PC's serve. Nothing is
asserted about speed or memory, only that each figure is produced with its floor and ratio.

It is not among the browser tests (tests/e2e), which share one worker: it starts its own servers and
Chromium, so it runs on the other worker, beside them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from station_kit.config import PROJECT_ROOT

FIGURES = ("hub: sign-in to a usable 首页", "hub: memory, 1 staff + 1 analyst signed in",
           "hub: memory per signed-in person")


def test_the_hub_benchmark_runs_once_in_quick_mode():
    missing = [need for need, there in (("root", os.geteuid() == 0), ("Chromium", os.path.exists("/usr/bin/chromium")),
                                        ("configurable-http-proxy", shutil.which("configurable-http-proxy")))
               if not there]
    if missing:
        reason = f"the hub's benchmark needs {', '.join(missing)}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
        pytest.skip(reason)
    result = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--only", "hub"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    for figure in FIGURES:
        line = next((line for line in result.stdout.splitlines() if line.startswith(figure)), None)
        assert line is not None, f"no figure {figure!r} in:\n{result.stdout}"
        assert re.search(r"\d+(\.\d+ms|MiB)\s+\d+(\.\d+ms|MiB)\s+\d+\.\d+x", line), line
    # `station-kit hub` stopped (SIGTERM) stops its JupyterHub and waits for it: none is left running in
    # the benchmark's folder, which is gone (one was, every run, until the hub handled SIGTERM).
    assert _hubs_left_in("hub-bench") == []


def _hubs_left_in(folder_name: str) -> list[int]:
    """JupyterHub processes whose working folder is a ``folder_name`` (read from /proc)."""
    left = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"jupyterhub" in cmdline.read_bytes() and folder_name in os.readlink(cmdline.parent / "cwd"):
                left.append(int(cmdline.parent.name))
        except OSError:
            continue  # the process ended while being read
    return left
