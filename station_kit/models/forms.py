"""What the *Update shapes share with their *Base: each field's length limit is written once, on the
base, and an edit form's optional field takes it from there (STYLE.md, "a rule lives once")."""

from __future__ import annotations

from typing import Any

from sqlmodel import Field, SQLModel


def limit_of(base: type[SQLModel], name: str) -> int | None:
    """The longest text ``base`` allows in field ``name`` (None: no limit)."""
    return next((rule.max_length for rule in base.model_fields[name].metadata if hasattr(rule, "max_length")), None)


def optional_like(base: type[SQLModel], name: str) -> Any:
    """Field ``name`` of ``base`` as an edit form's optional field: None leaves it as it is, and a
    value is held to the same length as on ``base``."""
    return Field(default=None, max_length=limit_of(base, name))
