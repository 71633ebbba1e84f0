"""Loaders for the rule files in data/*.toml, which a locality may edit (each default cites its source)."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

from station_kit.config import PROJECT_ROOT


def rules_dir() -> Path:
    return Path(os.environ.get("STATION_KIT_RULES_DIR", PROJECT_ROOT / "data"))


@lru_cache
def load_rules(name: str) -> dict:
    with open(rules_dir() / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)
