"""The analysts' JupyterLab under the street's hub (DESIGN.md §10), as The Littlest JupyterHub runs its
users: each analyst's server runs as their own system user, ``jupyter-<name>``, made on their first
start, in their own home, with copies of the analysis notebooks in ``~/分析``.

Before it starts, the hub gives the analyst their own read-only PostgreSQL role (services/analysts.py)
for the stations of their ``station-<code>`` groups, with a fresh password, and hands the server that
role's URL and nothing else of the hub's: not the database owner's URL, not the key file (0600, the
operator's), not the hub's folder (0700). So whatever an analyst runs reads the views of their stations
and can change nothing. Everybody else gets no server at all: staff, stewards and admins use the apps.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from tornado import web

from station_kit.hub.person import person, read_units
from station_kit.services.actor import Actor, Role

SYSTEM_PREFIX = "jupyter-"  # The Littlest JupyterHub's prefix for its users' system accounts
NOTEBOOKS = "分析"
# The street's hub giving an analyst their role: what the operation log names for it.
HUB = Actor("hub", Role.admin)


def system_name(name: str) -> str:
    return SYSTEM_PREFIX + name


class AnalystSpawner(LocalProcessSpawner):
    """JupyterHub's local spawner, with the analyst's own system user instead of one named like them."""

    def make_preexec_fn(self, name):
        return super().make_preexec_fn(system_name(name))

    def user_env(self, env):
        entry = pwd.getpwnam(system_name(self.user.name))
        env.update(USER=entry.pw_name, HOME=entry.pw_dir, SHELL=entry.pw_shell)
        return env


def prepare(spawner) -> None:
    """The hub's ``pre_spawn_hook``: refuse anyone but an analyst, then make their user, role and folder."""
    groups = [group.name for group in spawner.user.groups]
    if "analyst" not in groups:
        raise web.HTTPError(403, "只有分析人员可以打开 JupyterLab；其他人请使用站点应用。")
    db_url = os.environ["STATION_KIT_DB_URL"]
    if not db_url.startswith("postgresql"):
        raise web.HTTPError(503, "分析人员的 JupyterLab 需要街道的 PostgreSQL 数据库（station-kit hub 不带 --db 即自带一个）。")
    if os.geteuid() != 0:
        raise web.HTTPError(503, "分析人员的 JupyterLab 以各自的系统用户运行：请以 root 身份启动 station-kit hub。")
    units = read_units(db_url)
    stations = person(spawner.user.name, groups, units)["stations"]
    if not stations:
        raise web.HTTPError(403, "管理员还没有把你加入任何站点组（station-站点代码），所以没有可分析的数据。")
    access = _grant(db_url, spawner.user.name, stations)
    home = _system_user(spawner.user.name)
    codes = {station_id: code for code, station_id in units.stations.items()}
    spawner.environment = {**spawner.environment, "STATION_KIT_DB_URL": access.url,
                           "STATION_KIT_STATION": codes[stations[0]]}
    spawner.notebook_dir = str(home / NOTEBOOKS)
    spawner.default_url = "/lab"


def _grant(db_url: str, name: str, stations: list[int]):
    from station_kit.db import get_engine, write_session
    from station_kit.services.analysts import grant_analyst
    from station_kit.services.scope import Scope

    with write_session(get_engine(db_url)) as session:
        return grant_analyst(scope=Scope(session, HUB), name=name, station_ids=stations)


def _let_pass(path: Path) -> None:
    """Let other users pass through the folders above ``path`` (o+x: open a path they know, never list
    one): a Python installed under /root (pyenv) is otherwise out of an analyst's reach."""
    for folder in path.resolve().parents:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


def _system_user(name: str) -> Path:
    """The analyst's system user (made on the first start) and their home, with copies of the notebooks
    they do not have yet; the Python the server runs, and station_kit, must be theirs to reach."""
    from station_kit.lab import LAB_SETTINGS_DIR, TEMPLATES_DIR, copy_notebooks

    system = system_name(name)
    try:
        entry = pwd.getpwnam(system)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--comment",
                        f"station_kit analyst {name}", system], check=True, capture_output=True)
        entry = pwd.getpwnam(system)
    for needed in (Path(sys.base_prefix), Path(sys.prefix), TEMPLATES_DIR, LAB_SETTINGS_DIR):
        _let_pass(needed)
    home = Path(entry.pw_dir)
    copied = copy_notebooks(home / NOTEBOOKS)
    for path in (home / NOTEBOOKS, *(home / NOTEBOOKS / notebook for notebook in copied.copied)):
        shutil.chown(path, entry.pw_uid, entry.pw_gid)
    return home
