"""Settings read from the environment (prefix ``STATION_KIT_``), with defaults for one station on one PC."""

from __future__ import annotations

import base64
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _default_data_dir() -> Path:
    """data/ of the checkout when run from one (``make serve``), else the user's data folder
    (~/.local/share/station_kit on Linux) for a package installed anywhere."""
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / "data"
    from platformdirs import user_data_path

    return user_data_path("station_kit")


DEFAULT_DATA_DIR = _default_data_dir()
# Who works when nobody said (one station PC, STATION_KIT_OPERATOR unset): the log says "system", and
# a paper that needs a person's signature leaves the line blank for one.
UNNAMED_OPERATOR = "system"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STATION_KIT_", extra="ignore")

    data_dir: Path = DEFAULT_DATA_DIR
    db_url: str | None = None
    lang: Literal["zh_CN", "en"] = "zh_CN"
    secret_key: str | None = None
    key_file: Path | None = None
    operator: str = UNNAMED_OPERATOR
    # Who works on this server: "admin" may unmask one volunteer's ID number and phone (audited);
    # "analyst" reads and writes nothing; "steward" handles grid cases only. Under the street's hub
    # each page's person comes from their hub groups instead (station_kit/hub/person.py).
    role: Literal["staff", "admin", "analyst", "steward"] = "staff"

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_dir / 'station.db'}"

    @property
    def key_path(self) -> Path:
        return self.key_file or self.data_dir / "secret.key"


@lru_cache
def get_settings() -> Settings:
    return Settings()


def load_secret_key(settings: Settings, *, create: bool = False) -> bytes:
    """The key that encrypts ID numbers: from the environment, else from the key file.

    The key file is created only when ``create`` is set (a database that holds no encrypted data
    yet), with mode 0600, because anyone who can read it can read every ID number in the database.
    Whether the key is the database's own is checked against the database (services.context).
    """
    if settings.secret_key:
        return settings.secret_key.encode()
    path = settings.key_path
    if not path.exists():
        if not create:
            raise MissingSecretKey(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")
    secret = path.read_text().strip().encode()
    if not secret:
        raise EmptySecretKey(path)
    return secret


class MissingSecretKey(RuntimeError):
    def __init__(self, path: Path):
        super().__init__(
            f"No secret key: set STATION_KIT_SECRET_KEY or run `station-kit init` to create {path}"
        )
        self.path = path


class EmptySecretKey(RuntimeError):
    def __init__(self, path: Path):
        super().__init__(f"The key file {path} is empty")
        self.path = path
