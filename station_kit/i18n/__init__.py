"""Message catalogs: one TOML file per language (zh_CN is the default). ``t(key, **params)`` formats one."""

from __future__ import annotations

import logging
import os
import tomllib
from functools import lru_cache
from pathlib import Path

from station_kit.config import get_settings
from station_kit.errors import Key

CATALOG_DIR = Path(__file__).parent
_log = logging.getLogger(__name__)
LANGUAGES = ("zh_CN", "en")


@lru_cache
def catalog(lang: str) -> dict[str, str]:
    with open(CATALOG_DIR / f"{lang}.toml", "rb") as handle:
        return _flatten(tomllib.load(handle))


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


class UnknownMessage(KeyError):
    """A message key no catalog has: a typo, or a key built from a value nobody wrote a message for."""


def t(key: str, lang: str | None = None, **params) -> str:
    """The message for ``key`` in the configured language.

    An unknown key is a bug: with STATION_KIT_STRICT_MESSAGES set (the test suite and the kernels it
    starts set it) it raises, so every test that reaches it fails; a station's server logs it and
    shows the key rather than nothing."""
    messages = catalog(lang or get_settings().lang)
    if key not in messages:
        if os.environ.get("STATION_KIT_STRICT_MESSAGES"):
            raise UnknownMessage(key)
        _log.error("no message for key %r", key)
    text = messages.get(key, key)
    if not params:
        return text
    shown = {name: t(value, lang) if isinstance(value, Key) else value for name, value in params.items()}
    return text.format(**shown)


def refusals(error) -> list[str]:
    """Each refusal of a DomainError in the reader's language, as the apps show it beside its field."""
    return [t(item.key, **item.params) for item in error.errors]
