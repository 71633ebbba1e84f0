"""The app registry (DESIGN.md §5): every staff app declared once. The home page's links, the thin
notebooks in workbooks/apps, each app's way back to 首页 and the browser smoke test of every app
are all derived from this list, so adding an app is one entry here plus its module.

Run ``python -m station_kit.ui.registry [FOLDER]`` to write the notebooks (default workbooks/apps);
a test fails when the files there differ from what the registry says.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets

STAFF = frozenset({"staff", "admin"})
WITH_STEWARDS = STAFF | {"steward"}  # a grid steward opens 首页 and 民呼我应, nothing else
ADMINS = frozenset({"admin"})


@dataclass(frozen=True)
class App:
    """One staff app: ``name`` is its module under station_kit.ui and its notebook's name."""

    name: str
    title_key: str  # the page title, and the notebook's heading
    link_key: str | None  # the home page's link text; None: not linked from home
    roles: frozenset[str] = STAFF  # who may open it
    back_link: bool = True  # a link back to 首页 (not on home itself, nor on the TV screen)
    heading: bool = True  # the notebook's title line; the TV screen draws its own
    # A kernel kept warm so the page opens at once. Each holds about 60 MiB of its own all day (a
    # fork of the zygote, kernel_forks), so apps opened a few times a month start theirs when asked
    # (a fork is ready in about half a second; a new Python, where kernels cannot be forked, takes seconds).
    preheat: bool = True

    @property
    def notebook(self) -> str:
        return f"{self.name}.ipynb"

    def builder(self) -> Callable[..., widgets.Widget]:
        """The module's ``app`` function, imported only when the app is opened."""
        return importlib.import_module(f"station_kit.ui.{self.name}").app


APPS: tuple[App, ...] = (
    App("home", "app.home", None, roles=WITH_STEWARDS, back_link=False),
    App("volunteers", "app.volunteers", "home.app_volunteers"),
    App("activities", "app.activities", "home.app_activities"),
    App("lectures", "app.lectures", "home.app_lectures"),
    App("residents", "app.residents", "home.app_residents", preheat=False),
    App("wishes", "app.wishes", "home.app_wishes"),
    App("cases", "app.cases", "home.app_cases", roles=WITH_STEWARDS),
    App("awards", "app.awards", "home.app_awards", preheat=False),
    App("works", "app.works", "home.app_works", preheat=False),
    App("transfer", "app.transfer", "home.app_transfer", preheat=False),
    App("audit", "app.audit", "home.app_audit", roles=ADMINS, preheat=False),
    App("dashboard", "app.dashboard", "home.app_dashboard", back_link=False, heading=False),
)
HOME = APPS[0]


def get(name: str) -> App:
    for app in APPS:
        if app.name == name:
            return app
    raise KeyError(name)


def cold_notebooks(warm: list[str] | None = None) -> list[str]:
    """The notebooks the server keeps no warm kernel for: the apps opened a few times a month — or, when
    ``warm`` names the apps a PC's people open every day, every other app but 首页 (which is where
    everybody lands)."""
    if warm is None:
        return [app.notebook for app in APPS if not app.preheat]
    kept = {HOME.name, *warm}
    return [app.notebook for app in APPS if app.name not in kept]


def unknown_apps(names: list[str]) -> list[str]:
    known = {app.name for app in APPS}
    return [name for name in names if name not in known]


def linked_from_home(role: str) -> list[App]:
    """The apps the home page links to, for a person in ``role``."""
    return [app for app in APPS if app.link_key and role in app.roles]


def notebook_json(app: App) -> dict:
    """The thin notebook Voilà serves for ``app``: a heading, then one call. A preheated kernel
    runs it before anyone opens the page, so it reads the database only once asked (``open_page``)."""
    from station_kit.i18n import t

    code = ("from voila.utils import wait_for_request\n"
            "from station_kit.ui.registry import open_page, prepare_app\n\n"
            "# A preheated kernel runs this before anyone opens the page: it loads the app's code,\n"
            "# then reads the database only once asked.\n"
            f'prepare_app("{app.name}")\n'
            "wait_for_request()\n"
            f'open_page("{app.name}")')
    heading = [{"cell_type": "markdown", "id": f"{app.name}-title", "metadata": {},
                "source": [f"# {t(app.title_key, 'zh_CN')}"]}] if app.heading else []
    return {
        "cells": [
            *heading,
            {"cell_type": "code", "execution_count": None, "id": f"{app.name}-app", "metadata": {},
             "outputs": [], "source": code.splitlines(keepends=True)},
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_text(app: App) -> str:
    return json.dumps(notebook_json(app), ensure_ascii=False, indent=1) + "\n"


def write_notebooks(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for app in APPS:
        path = folder / app.notebook
        path.write_text(notebook_text(app), encoding="utf-8")
        written.append(path)
    return written


def prepare_app(name: str) -> None:
    """What a notebook calls before it waits for its page: load the app's code (pandas, the models,
    the catalog), so that a warm kernel, once asked, only reads the database and draws."""
    from station_kit.i18n import t
    from station_kit.ui.kit import context, layout  # noqa: F401  (open_app's own imports)

    get(name).builder()
    t("app.not_allowed")


def open_app(name: str) -> widgets.Widget:
    """The app built for the person working, or a calm refusal."""
    from station_kit.i18n import t
    from station_kit.ui.kit.context import current_actor
    from station_kit.ui.kit.layout import page, text_block

    app = get(name)
    if current_actor().role not in app.roles:
        return page(name, text_block(t("app.not_allowed"), "sk-message"))
    return app.builder()()


def open_page(name: str) -> widgets.Widget:
    """What a notebook calls: ``open_app(name)`` built just after the notebook's cell ends.

    Voilà holds the page's HTML until the cell ends, and its scripts start only once the HTML is
    complete (on the window's load), so an app built inside the cell (0.05–0.4 s of reading and
    widgets) kept the browser idle for that long. The cell returns an empty box at once; the kernel
    builds the app into it on its event loop while the browser loads Voilà's scripts, and the page
    asks for the widgets once those have run, by when the app is there (or arrives as it is built).
    Outside a running kernel (a test, a script) the app is built at once."""
    import asyncio

    from station_kit.i18n import t
    from station_kit.ui.kit.layout import build_guarded, text_block

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return open_app(name)
    box = widgets.VBox([text_block(t("app.loading"), "sk-loading")])

    def build() -> None:
        box.children = (build_guarded(name, lambda: open_app(name)),)

    loop.call_soon(build)
    return box


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "workbooks" / "apps"
    for written in write_notebooks(target):
        print(written)
