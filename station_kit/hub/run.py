"""`station-kit hub`: start the street's JupyterHub (jupyterhub_config.py) and, on the first run, sign up
its first admin the way anyone signs up, through the hub's own sign-up page."""

from __future__ import annotations

import getpass
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from station_kit.errors import DomainError
from station_kit.hub.person import read_units
from station_kit.i18n import t
from station_kit.serve_kernels import MIN_KERNELS, PAGE_KERNEL_MIB, physical_memory_mib

CONFIG = Path(__file__).resolve().parent / "jupyterhub_config.py"
PROXY = "configurable-http-proxy"
START_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


KEPT_FOR_THE_REST_MIB = 4096  # the hub, the proxy, PostgreSQL, the analysts' servers, the system


def kernel_cap() -> int:
    """How many kernels the street's station server may run: what this server's memory holds after
    the rest, at serve's allowance a page — never fewer than one PC's 14."""
    return max(MIN_KERNELS, (physical_memory_mib() - KEPT_FOR_THE_REST_MIB) // PAGE_KERNEL_MIB)


def hub_environment(*, db_url: str, folder: Path, host: str, port: int, admins: list[str]) -> dict[str, str]:
    """The variables jupyterhub_config.py reads: where the hub keeps its files, its ports, its admins
    and the groups it creates for the stations and grids."""
    proxy = shutil.which(PROXY)
    if proxy is None:
        raise DomainError.on("hub", "hub.no_proxy")
    return {**os.environ, "STATION_KIT_DB_URL": db_url, "STATION_KIT_HUB_FOLDER": str(folder),
            "STATION_KIT_HUB_IP": host, "STATION_KIT_HUB_PORT": str(port), "STATION_KIT_HUB_PROXY": proxy,
            "STATION_KIT_HUB_API_PORT": str(_free_port()), "STATION_KIT_HUB_PROXY_API_PORT": str(_free_port()),
            "STATION_KIT_HUB_SERVICE_PORT": str(_free_port()), "STATION_KIT_HUB_ADMINS": ",".join(admins),
            "STATION_KIT_HUB_UNIT_GROUPS": ",".join(read_units(db_url).groups),
            "STATION_KIT_HUB_MAX_KERNELS": str(kernel_cap())}


def _admins(folder: Path, admin: str | None) -> list[str]:
    """The admins named so far (kept in the hub's folder, so a later run needs no --admin)."""
    kept = folder / "admins"
    admins = [line for line in kept.read_text(encoding="utf-8").splitlines() if line] if kept.exists() else []
    if admin and admin not in admins:
        admins.append(admin)
        kept.write_text("\n".join(admins) + "\n", encoding="utf-8")
    return admins


def hub_url(host: str, port: int) -> str:
    return f"http://{'127.0.0.1' if host in ('', '0.0.0.0', '::') else host}:{port}"


def wait_until_answering(url: str, process: subprocess.Popen, seconds: float = START_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise DomainError.on("hub", "hub.stopped", code=process.returncode)
        try:
            urllib.request.urlopen(f"{url}/hub/login", timeout=5).close()
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise DomainError.on("hub", "hub.no_answer", seconds=int(seconds))


def sign_up(url: str, name: str, password: str) -> str:
    """Sign ``name`` up through the hub's sign-up page, as a person would; returns the page's message."""
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    page = opener.open(f"{url}/hub/signup", timeout=30).read().decode()
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page)
    form = {"username": name, "signup_password": password, "signup_password_confirmation": password,
            "_xsrf": xsrf.group(1) if xsrf else ""}
    with opener.open(f"{url}/hub/signup", data=urllib.parse.urlencode(form).encode(), timeout=30) as answer:
        return answer.read().decode()


def run_hub(*, db_url: str, folder: Path, host: str, port: int, admin: str | None, password: str | None,
            own_database: Path | None = None) -> int:
    """Run the hub until it stops; ``own_database``: the data folder of the street's own PostgreSQL
    (hub/postgres.py), stopped with the hub. Stopped with SIGTERM (`kill`, a service manager) as with
    Ctrl+C: JupyterHub is stopped and waited for, and then the database; ended at once instead, it left
    JupyterHub running on, its folder gone from under it."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return _run_hub(db_url=db_url, folder=folder, host=host, port=port, admin=admin, password=password)
    finally:
        signal.signal(signal.SIGTERM, previous)  # a second SIGTERM ends it at once
        if own_database is not None:
            from station_kit.hub.postgres import stop_street_database

            stop_street_database(own_database)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _run_hub(*, db_url: str, folder: Path, host: str, port: int, admin: str | None, password: str | None) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)  # the hub's database (password hashes) and secrets: nobody else's to read
    admins = _admins(folder, admin)
    if not admins:
        raise DomainError.on("admin", "hub.no_admin")
    if admin and not password:
        password = os.environ.get("STATION_KIT_HUB_PASSWORD") or (
            getpass.getpass(t("hub.password_prompt", name=admin)) if sys.stdin.isatty() else None)
        if not password:
            raise DomainError.on("password", "hub.no_password")
    environment = hub_environment(db_url=db_url, folder=folder, host=host, port=port, admins=admins)
    process = subprocess.Popen([sys.executable, "-m", "station_kit.hub.app", "-f", str(CONFIG)], env=environment,
                               cwd=folder)
    try:
        url = hub_url(host, port)
        wait_until_answering(url, process)
        if admin:
            sign_up(url, admin, password)
        print(t("hub.ready", url=url), flush=True)
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
