"""`station-kit serve` in a subprocess for a benchmark, and Chromium's launch arguments."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"server at {url} did not answer")


BENCH_MAX_KERNELS = 40


@contextmanager
def serving(db_url: str, log_path: Path, env: dict[str, str] | None = None, args: list[str] | None = None
            ) -> Iterator[tuple[str, int]]:
    """Serve the apps over ``db_url`` (its output in ``log_path``, more serve options in ``args``); yields
    (the base URL, the server's pid) once it answers."""
    port = _free_port()
    with log_path.open("wb") as log:
        # Room for every page a benchmark opens: it measures loading, not serve's kernel limit.
        server = subprocess.Popen([sys.executable, "-m", "station_kit.cli", "serve", "--port", str(port),
                                   "--db", db_url, "--max-kernels", str(BENCH_MAX_KERNELS), *(args or [])],
                                  stdout=log, stderr=subprocess.STDOUT,
                                  env={**os.environ, **(env or {})}, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base_url}/voila/render/home.ipynb")
        yield base_url, server.pid
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
