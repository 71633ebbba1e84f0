"""Rule files: defaults ship inside the package (rules/defaults/*.toml, each default citing its
source), so an install anywhere works; a locality overrides any of them with a file of the same
name in its data folder (``STATION_KIT_RULES_DIR``, else the settings' data folder), key by key."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

DEFAULTS_DIR = Path(__file__).parent / "defaults"


def rules_dir() -> Path:
    """Where a locality's overrides live."""
    from station_kit.config import get_settings

    return Path(os.environ.get("STATION_KIT_RULES_DIR") or get_settings().data_dir)


@lru_cache
def load_rules(name: str) -> dict:
    with open(DEFAULTS_DIR / f"{name}.toml", "rb") as handle:
        rules = tomllib.load(handle)
    override = rules_dir() / f"{name}.toml"
    if override.is_file():
        with open(override, "rb") as handle:
            rules = _merged(rules, tomllib.load(handle))
    return rules


def _merged(defaults: dict, override: dict) -> dict:
    """The defaults with the override's values in their place; tables merge, everything else replaces."""
    merged = dict(defaults)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged
