"""Demo databases built once per test run and shared: the notebooks (nbval) and the street tests
read the same `station-kit demo --stations 3`, and the integration tests, the browser tests and the
quick benchmarks the same `station-kit demo`, so a full run builds each once."""

from __future__ import annotations

import functools
import subprocess
import sys
import tempfile
from pathlib import Path

STREET_STATIONS = 3


@functools.cache
def street_url() -> str:
    """The reference station and two smaller ones of 麟州街道, in a temp folder; read it, never change it."""
    folder = Path(tempfile.mkdtemp(prefix="station-kit-street-"))
    url = f"sqlite:///{folder / 'station.db'}"
    subprocess.run([sys.executable, "-m", "station_kit.cli", "demo", "--stations", str(STREET_STATIONS),
                    "--db", url], check=True, capture_output=True)
    return url


@functools.cache
def demo_station_url() -> str:
    """The reference station alone (`station-kit demo`), built once per test run for every test that
    reads it: the integration tests, the browser tests' copies and the quick benchmarks' copy. Read
    it or copy it; never change it."""
    folder = Path(tempfile.mkdtemp(prefix="station-kit-demo-"))
    url = f"sqlite:///{folder / 'station.db'}"
    subprocess.run([sys.executable, "-m", "station_kit.cli", "demo", "--db", url], check=True, capture_output=True)
    return url
