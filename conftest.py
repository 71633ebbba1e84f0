"""Set-up shared by tests/ and the notebooks in workbooks/ (run by nbval).

Nothing under test touches data/: the ID-number key comes from the environment, and notebooks run
against a demo street (tests/databases.py) built in a temp folder, handed to their kernels through
STATION_KIT_DB_URL.
"""

from __future__ import annotations

import os

import pytest

os.environ["STATION_KIT_SECRET_KEY"] = "station-kit-test-secret"
# A message key no catalog has fails whatever test reaches it, in this process and in every kernel
# and server it starts (they inherit the environment).
os.environ["STATION_KIT_STRICT_MESSAGES"] = "1"
os.environ.pop("STATION_KIT_STATION", None)
os.environ.pop("STATION_KIT_DB_URL", None)


def _is_notebook(nodeid: str) -> bool:
    return nodeid.endswith(".ipynb") or ".ipynb::" in nodeid


def pytest_collection_finish(session) -> None:
    """Name the notebooks' demo database when notebooks were collected; it is built before the first
    notebook runs (below), so that a worker starts on other tests meanwhile.

    nbval starts each notebook's kernel after collection, and kernels inherit this environment.
    """
    if not any(_is_notebook(item.nodeid) for item in session.items):
        return
    from tests.databases import street_url_to_come

    # The reference station first (the one the notebooks' station-level calls find), then three more
    # for the street roll-up.
    os.environ["STATION_KIT_DB_URL"] = street_url_to_come()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item) -> None:
    """Before a notebook's kernel starts: the street it reads, built once per run."""
    if _is_notebook(item.nodeid):
        from tests.databases import street_url

        street_url()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """How `make test` spreads the suite over its pytest-xdist workers: each module's tests, and each
    notebook's cells, stay together on one worker, so a module's fixtures are set up once and a notebook
    runs in order; the browser tests all run on one worker, one server at a time, since on two cores two
    servers warming their kernels at once slow each other past every wait."""
    from xdist.scheduler import LoadScopeScheduling

    class ModulesAndBrowser(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::")[0]
            return "browser" if path.startswith("tests/e2e/") else path

    return ModulesAndBrowser(config, log)
