"""What every use case needs besides its session: the vault for personal data."""

from __future__ import annotations

from functools import lru_cache

from station_kit.config import get_settings, load_secret_key
from station_kit.privacy import Vault


@lru_cache
def default_vault() -> Vault:
    return Vault(load_secret_key(get_settings()))
