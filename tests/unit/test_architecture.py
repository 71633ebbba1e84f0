"""Imports point downwards only (DESIGN.md §5): ui → services/analytics → models/rules → db.

Every import in the package is parsed (``import x``, ``from x import y``, ``from station_kit import
y``, imports inside functions too) and each edge between areas must go to a lower rank. Apps reach
the database only through the ui kit's context, and services never reach widgets.
"""

from __future__ import annotations

import ast
from pathlib import Path

import station_kit

PACKAGE = Path(station_kit.__file__).parent

# An area may import areas of a lower rank, and itself.
RANK = {
    "errors": 0, "clock": 0, "config": 0, "privacy": 0,
    "i18n": 1, "db": 1,
    "rules": 2, "models": 2,
    "validation": 3, "io": 3, "frames": 3,
    "services": 4, "analytics": 4, "plotting": 4, "narratives": 4,
    "reports": 4.5,  # a leader's report says what the narratives say and draws what plotting draws
    "ui": 5,
    "lab": 4.5,  # the analysts' notebooks and JupyterLab settings, which `station-kit lab` and the hub both use
    "demo": 6, "migrations": 6, "serve": 6,
    "hub": 5.8,  # the street's server: serve's kernel allowance, and serve itself in a subprocess
    "kernel_forks": 5.5,  # the process page kernels are forked from: it imports every app
    "serve_kernels": 5.7,  # the server's kernel manager, which asks kernel_forks for kernels
    "cli": 7,
}
# Outside libraries an area must not use: widgets stay in ui; the database stays below it.
FORBIDDEN_LIBRARIES = {
    "services": ("ipywidgets", "voila", "bqplot"),
    "models": ("ipywidgets", "voila", "bqplot"),
    "analytics": ("ipywidgets", "voila", "bqplot"),
    "frames": ("ipywidgets", "voila", "bqplot"),
    "reports": ("ipywidgets", "voila", "bqplot"),
    "ui": ("sqlmodel", "sqlalchemy.orm", "sqlalchemy.sql", "psycopg"),
}
# The one module of the ui that opens sessions (as the FastAPI template's SessionDep does).
SESSION_GATE = "ui/kit/context.py"


def _area(relative: str) -> str:
    return relative.split("/")[0].removesuffix(".py")


def imported_modules(source: str) -> list[str]:
    """Every module ``source`` imports, ``from station_kit import x`` read as station_kit.x."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "station_kit":
                found += [f"station_kit.{alias.name}" for alias in node.names]
            else:
                found.append(node.module)
    return found


def violations(sources: dict[str, str]) -> list[str]:
    """The imports in ``sources`` (path relative to the package → text) that break the layers."""
    broken = []
    for relative, source in sources.items():
        area = _area(relative)
        for module in imported_modules(source):
            if module.startswith("station_kit."):
                target = module.split(".")[1]
                if target != area and RANK.get(target, 99) >= RANK.get(area, -1):
                    broken.append(f"{relative} imports {module}")
                if area == "ui" and target == "db" and relative != SESSION_GATE:
                    broken.append(f"{relative} imports {module}: apps get sessions from ui.kit.context")
            elif module.startswith(FORBIDDEN_LIBRARIES.get(area, ())) and relative != SESSION_GATE:
                broken.append(f"{relative} imports {module}")
    return broken


def _package_sources() -> dict[str, str]:
    return {path.relative_to(PACKAGE).as_posix(): path.read_text() for path in PACKAGE.rglob("*.py")}


def test_every_area_of_the_package_has_a_rank():
    areas = {_area(relative) for relative in _package_sources()} - {"__init__", "__main__"}
    assert areas <= set(RANK)


def test_imports_point_downwards_only():
    assert violations(_package_sources()) == []


def test_a_wrong_import_is_caught_wherever_it_is_written():
    assert violations({"models/people.py": "from station_kit.ui.kit import forms"}) == [
        "models/people.py imports station_kit.ui.kit"]
    assert violations({"services/records.py": "def f():\n    from station_kit import analytics\n"}) == [
        "services/records.py imports station_kit.analytics"]
    assert violations({"ui/volunteers/search.py": "import station_kit.db"}) != []
    assert violations({"ui/volunteers/search.py": "from sqlmodel import select"}) != []
    assert violations({"services/audit.py": "import ipywidgets as widgets"}) != []


def test_apps_show_public_shapes_never_table_rows():
    """A row holds what a screen must not show (a volunteer's phone, the ciphers); apps get *Public
    shapes and form shapes, and may name enums, never a table class."""
    from sqlmodel import SQLModel

    import station_kit.models as models

    tables = {name for name, value in vars(models).items()
              if isinstance(value, type) and issubclass(value, SQLModel) and getattr(value, "__table__",
                                                                                     None) is not None}
    named = []
    for path in (PACKAGE / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("station_kit.models"):
                named += [f"{path.name}: {alias.name}" for alias in node.names if alias.name in tables]
    assert tables and named == []


def test_ui_runs_no_queries_of_its_own():
    calls = [path.name for path in (PACKAGE / "ui").rglob("*.py")
             if any(word in path.read_text() for word in ("session.exec(", "session.get(", "select("))]
    assert calls == []


def _services_handing_back_rows() -> set[str]:
    """The public service functions whose return annotation names a table class (or a list or union of
    one); a private one (``_name``) is not for other modules by its name."""
    import importlib
    import inspect
    import pkgutil
    import typing

    from sqlmodel import SQLModel

    import station_kit.services as services

    def names_a_table(annotation) -> bool:
        if isinstance(annotation, type) and issubclass(annotation, SQLModel):
            return getattr(annotation, "__table__", None) is not None
        return any(names_a_table(argument) for argument in typing.get_args(annotation))

    found = set()
    for info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"station_kit.services.{info.name}")
        for name, function in vars(module).items():
            if inspect.isfunction(function) and function.__module__ == module.__name__ and name[0] != "_":
                if names_a_table(typing.get_type_hints(function).get("return")):
                    found.add(name)
    return found


def test_nothing_outside_services_and_models_holds_a_table_row():
    """Services hand back *Public shapes or small results (DESIGN.md §5): the few helpers that return a
    row serve other services only, and no app, command, demo step or benchmark calls them."""
    helpers = _services_handing_back_rows()
    outside = [path for path in (*PACKAGE.rglob("*.py"), *(PACKAGE.parent / "benchmarks").rglob("*.py"))
               if not path.relative_to(PACKAGE.parent).as_posix().startswith(("station_kit/services/",
                                                                                 "station_kit/models/"))]
    callers = []
    for path in outside:
        for node in ast.walk(ast.parse(path.read_text())):
            named = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
            if named in helpers:
                callers.append(f"{path.name}: {named}")
    assert helpers, "the check found no helper: is it still looking at the services?"
    assert callers == []


# What writes to a table: SQL's write statements, and a session's way to add, delete or merge a row.
WRITE_STATEMENTS = {"insert", "update", "delete"}
SESSION_WRITES = {"add", "add_all", "delete", "merge", "bulk_save_objects", "bulk_insert_mappings"}
# Where rows are written: the use cases, the tables' own module, the schema's migrations, and db.py.
WRITERS = ("services/", "models/", "migrations/", "db.py")


def writes_outside_services(sources: dict[str, str]) -> list[str]:
    """The modules of ``sources`` outside WRITERS that build a write statement or add a row to a session."""
    found = []
    for relative, source in sources.items():
        if relative.startswith(WRITERS):
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("sqlalchemy", "sqlmodel")):
                found += [f"{relative} imports {alias.name}" for alias in node.names if alias.name in WRITE_STATEMENTS]
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in SESSION_WRITES and "session" in ast.unparse(node.func.value)):
                found.append(f"{relative} calls {ast.unparse(node.func)}")
    return found


def test_only_services_write_rows():
    """The demo, the CLI, the apps and the analytics write through a service (and its audit line), never
    a row of their own: the demo's years of history come in through services.history."""
    assert writes_outside_services(_package_sources()) == []


def test_a_write_outside_services_is_caught():
    planted = {"demo/extra.py": "from sqlalchemy import insert\ndef f(scope, row):\n    scope.session.add(row)\n",
               "services/fine.py": "from sqlalchemy import insert\n"}
    assert writes_outside_services(planted) == ["demo/extra.py imports insert", "demo/extra.py calls scope.session.add"]
