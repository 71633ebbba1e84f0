"""The street's own PostgreSQL, when `station-kit hub` is given no --db: started from pgserver's binaries
(PyPI, no system install) in ``data/postgres``, the way a street's server would be set up by hand.

Unlike pgserver's throwaway servers (trust for everyone on a private socket) it asks every connection
for a password (scram-sha-256) and listens on 127.0.0.1 only, with no Unix socket: the analysts'
servers, which run as their own system users, connect with their own read-only role and password,
and nobody reaches the data as its owner without the owner's password, which is kept with the rest of
the owner's URL in ``data/postgres.url`` (0600; ``station-kit … --db "$(cat data/postgres.url)"``) and
handed to the station apps alone. As root, PostgreSQL runs as
the system user ``pgserver`` (the one pgserver itself uses), since it refuses to run as root.
"""

from __future__ import annotations

import os
import secrets
import socket
import tempfile
from pathlib import Path

DATABASE = "station"
OWNER = "postgres"
SYSTEM_USER = "pgserver"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(data_dir: Path) -> str:
    """The owner's URL of the street's database under ``data_dir``: read, or made on the first run (a new
    password and a free port) and kept in a file only its owner reads."""
    kept = data_dir / "postgres.url"
    if kept.exists():
        return kept.read_text(encoding="utf-8").strip()
    url = f"postgresql+psycopg://{OWNER}:{secrets.token_urlsafe(24)}@127.0.0.1:{_free_port()}/{DATABASE}"
    kept.touch(mode=0o600)
    kept.write_text(url + "\n", encoding="utf-8")
    return url


def street_database(data_dir: Path) -> str:
    """Initialise (first run) and start (when stopped) the street's PostgreSQL under ``data_dir``, with a
    database for the stations; returns its URL, the owner's password included."""
    from pgserver._commands import POSTGRES_BIN_PATH, initdb, pg_ctl
    from sqlalchemy.engine import make_url

    data_dir.mkdir(parents=True, exist_ok=True)
    cluster = data_dir / "postgres"
    url = database_url(data_dir)
    password, port = make_url(url).password, make_url(url).port
    user = None
    if os.geteuid() == 0:
        from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

        user = SYSTEM_USER
        entry = ensure_user_exists(user)
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
        cluster.mkdir(mode=0o700, exist_ok=True)
        ensure_prefix_permissions(cluster)
        os.chown(cluster, entry.pw_uid, entry.pw_gid)
    if not (cluster / "PG_VERSION").exists():
        with tempfile.NamedTemporaryFile("w", suffix=".pw", delete=False) as secret:
            secret.write(password + "\n")
        try:
            if user:
                os.chown(secret.name, entry.pw_uid, entry.pw_gid)
            initdb(["--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--encoding=utf8", "--locale=C.UTF-8",
                    "-U", OWNER, f"--pwfile={secret.name}"], pgdata=cluster, user=user)
        finally:
            os.unlink(secret.name)
    if not _running(cluster, user):
        pg_ctl(["-w", "-o", f"-h 127.0.0.1 -p {port} -k ''", "-l", str(cluster / "server.log"), "start"],
               pgdata=cluster, user=user, timeout=120)
    _create_database(port, password)
    return url


def stop_street_database(data_dir: Path) -> None:
    from pgserver._commands import pg_ctl

    cluster = data_dir / "postgres"
    user = SYSTEM_USER if os.geteuid() == 0 else None
    if (cluster / "PG_VERSION").exists() and _running(cluster, user):
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=cluster, user=user, timeout=120)


def _running(cluster: Path, user: str | None) -> bool:
    import subprocess

    from pgserver._commands import POSTGRES_BIN_PATH

    status = subprocess.run([str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(cluster), "status"], user=user,
                            capture_output=True, timeout=30)
    return status.returncode == 0


def _create_database(port: int, password: str) -> None:
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=port, user=OWNER, password=password, dbname="postgres",
                         autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone() is None:
            connection.execute(f"CREATE DATABASE {DATABASE}")
