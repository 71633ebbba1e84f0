"""Set-up shared by tests/ and the notebooks in workbooks/ (run by nbval).

Nothing under test touches data/: the ID-number key comes from the environment, and notebooks run
against a demo database built in a temp folder, handed to their kernels through STATION_KIT_DB_URL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ["STATION_KIT_SECRET_KEY"] = "station-kit-test-secret"
# A message key no catalog has fails whatever test reaches it, in this process and in every kernel
# and server it starts (they inherit the environment).
os.environ["STATION_KIT_STRICT_MESSAGES"] = "1"
os.environ.pop("STATION_KIT_STATION", None)
os.environ.pop("STATION_KIT_DB_URL", None)


def pytest_collection_finish(session) -> None:
    """Build the notebooks' demo database once, only when notebooks were collected.

    nbval starts each notebook's kernel after collection, and kernels inherit this environment.
    """
    if not any(item.nodeid.endswith(".ipynb") or ".ipynb::" in item.nodeid for item in session.items):
        return
    folder = Path(tempfile.mkdtemp(prefix="station-kit-notebooks-"))
    url = f"sqlite:///{folder / 'station.db'}"
    subprocess.run([sys.executable, "-m", "station_kit.cli", "demo", "--db", url], check=True,
                   capture_output=True)
    os.environ["STATION_KIT_DB_URL"] = url
