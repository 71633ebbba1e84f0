"""Demo databases built once per test run and shared: the notebooks (nbval) and the street tests
read the same `station-kit demo --stations 4`, and the integration tests, the browser tests and the
quick benchmarks the same `station-kit demo`, so a full run builds each once.

`make test` runs the suite in several pytest-xdist workers; the first worker that asks for a database
builds it under a lock in a folder named after the run, and the others wait for it and read the same
file, so the workers of a run build each database once between them."""

from __future__ import annotations

import fcntl
import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

STREET_STATIONS = 4
DATABASE_FILE = "station.db"
BUILT_MARKER = "built"


@functools.cache
def _folder(name: str) -> Path:
    """Where the run keeps database ``name``: shared by the run's workers (per process without xdist)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        return Path(tempfile.mkdtemp(prefix=f"station-kit-{name}-"))
    folder = Path(tempfile.gettempdir()) / f"station-kit-tests-{run}" / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _url(name: str) -> str:
    return f"sqlite:///{_folder(name) / DATABASE_FILE}"


def _built_once(name: str, *demo_args: str) -> str:
    """`station-kit demo *demo_args` into the run's folder for ``name``, once per run."""
    folder = _folder(name)
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait here while the first one builds
        if not (folder / BUILT_MARKER).exists():
            _build(folder, demo_args)
            (folder / BUILT_MARKER).touch()
    return _url(name)


def _build(folder: Path, demo_args: tuple[str, ...]) -> None:
    subprocess.run([sys.executable, "-m", "station_kit.cli", "demo", *demo_args, "--db",
                    f"sqlite:///{folder / DATABASE_FILE}"], check=True, capture_output=True)


@functools.cache
def street_url() -> str:
    """The reference station and three smaller ones of 麟州街道, in a temp folder; read it, never change it."""
    return _built_once("street", "--stations", str(STREET_STATIONS))


def street_url_to_come() -> str:
    """Where street_url() builds the street: known before it is built, for kernels started later."""
    return _url("street")


@functools.cache
def demo_station_url() -> str:
    """The reference station alone (`station-kit demo`), built once per test run for every test that
    reads it: the integration tests, the browser tests' copies and the quick benchmarks' copy. Read
    it or copy it; never change it."""
    return _built_once("demo")
