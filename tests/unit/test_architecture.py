"""Imports point downwards only (DESIGN.md §5): ui → services/analytics → models/rules → db."""

import ast
from pathlib import Path

import pytest

import station_kit

PACKAGE = Path(station_kit.__file__).parent

# What each layer must not import.
FORBIDDEN = {
    # ui may use models for form shapes (VolunteerCreate) and enums, never to query.
    "ui": ("sqlmodel", "sqlalchemy.orm", "sqlalchemy.sql", "station_kit.migrations"),
    "services": ("station_kit.ui", "ipywidgets"),
    "models": ("station_kit.services", "station_kit.ui", "station_kit.analytics"),
}


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_downwards_only(layer):
    offenders = [(path.name, name) for path in (PACKAGE / layer).rglob("*.py") for name in _imports(path)
                 if name.startswith(FORBIDDEN[layer])]
    assert offenders == []


def test_ui_runs_no_queries_of_its_own():
    calls = [path.name for path in (PACKAGE / "ui").rglob("*.py")
             if any(word in path.read_text() for word in ("session.exec(", "session.get(", "select("))]
    assert calls == []
