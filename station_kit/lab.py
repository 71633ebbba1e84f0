"""JupyterLab for analysts, in Chinese, on copies of the analysis notebooks.

The notebooks in workbooks/analysis are templates: an analyst works on copies in a folder of their
own (data/analysis by default), so opening one, running it, or JupyterLab's autosave never changes
the checkout, and a newer template never overwrites an analyst's edits. JupyterLab's language comes
from the zh-CN language pack with zh_CN as the default locale (jupyter_data/lab/settings/overrides.json,
JupyterLab's documented way to set a setting's default), which anyone can still switch in 设置 → 语言.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR.parent / "workbooks" / "analysis"
LAB_SETTINGS_DIR = PACKAGE_DIR / "jupyter_data" / "lab" / "settings"


@dataclass(frozen=True)
class Copied:
    folder: Path
    copied: list[str]
    kept: list[str]  # already there: the analyst's own version stays


def copy_notebooks(folder: Path, templates: Path = TEMPLATES_DIR) -> Copied:
    """Copy every analysis notebook missing from ``folder`` into it; never overwrite one there."""
    folder.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for template in sorted(templates.glob("*.ipynb")):
        target = folder / template.name
        if target.exists():
            kept.append(template.name)
            continue
        shutil.copyfile(template, target)
        copied.append(template.name)
    return Copied(folder, copied, kept)


def lab_command(folder: Path, *, host: str, port: int) -> list[str]:
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.ip={host}",
               f"--ServerApp.port={port}", f"--ServerApp.root_dir={folder}",
               f"--LabApp.app_settings_dir={LAB_SETTINGS_DIR}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # a container or a CI machine: Jupyter asks to be told
        command.append("--allow-root")
    return command


def run_lab(folder: Path, *, db_url: str, host: str, port: int) -> int:
    """Start JupyterLab on ``folder`` with its kernels reading ``db_url``; returns when it stops."""
    environment = {**os.environ, "STATION_KIT_DB_URL": db_url}
    return subprocess.call(lab_command(folder, host=host, port=port), env=environment)
