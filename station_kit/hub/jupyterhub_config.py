# The street's JupyterHub (DESIGN.md §10), as `station-kit hub` starts it: `python -m station_kit.hub.app -f`
# this file (JupyterHub, waiting longer for the station server), with the STATION_KIT_HUB_* variables run.py
# sets. Everything listens on this machine; no request leaves it.
import os
import sys
from pathlib import Path

from station_kit.hub.analysts import prepare
from station_kit.hub.person import ROLE_GROUPS, STATION_GROUP_PREFIX
from station_kit.lab import LAB_SETTINGS_DIR

c = get_config()  # noqa: F821  (JupyterHub's config loader provides it)

folder = Path(os.environ["STATION_KIT_HUB_FOLDER"])
service_port = int(os.environ["STATION_KIT_HUB_SERVICE_PORT"])

c.JupyterHub.ip = os.environ.get("STATION_KIT_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("STATION_KIT_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["STATION_KIT_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['STATION_KIT_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["STATION_KIT_HUB_PROXY"]]
c.ConfigurableHTTPProxy.pid_file = str(folder / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{folder / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(folder / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(folder / "jupyterhub.pid")

# Sign-in: passwords hashed (bcrypt), 8 characters at least and not a common one; a sign-up waits for an
# admin's approval (/hub/authorize); five wrong passwords lock the name for ten minutes.
c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
c.NativeAuthenticator.open_signup = False
c.NativeAuthenticator.minimum_password_length = 8
c.NativeAuthenticator.check_common_password = True
c.NativeAuthenticator.allowed_failed_logins = 5
c.NativeAuthenticator.seconds_before_next_try = 600
c.Authenticator.allow_all = True  # whoever NativeAuthenticator lets in: approved by an admin
c.Authenticator.admin_users = set(filter(None, os.environ.get("STATION_KIT_HUB_ADMINS", "").split(",")))

# The station apps: one shared server (one pool of warm kernels for everybody) as a managed service.
keep = {name: value for name, value in os.environ.items()
        if name.startswith("STATION_KIT_") and not name.startswith("STATION_KIT_HUB")}
c.JupyterHub.services = [{
    "name": "station",
    "url": f"http://127.0.0.1:{service_port}",
    "command": [sys.executable, "-m", "station_kit.cli", "serve", "--hub", "--host", "127.0.0.1",
                "--port", str(service_port), "--db", os.environ["STATION_KIT_DB_URL"],
                # a street's pages on one server: as many kernels as its memory holds (run.kernel_cap)
                "--max-kernels", os.environ.get("STATION_KIT_HUB_MAX_KERNELS", "14")],
    "cwd": os.getcwd(),
    "environment": {**keep, "HOME": os.environ.get("HOME", str(folder))},
    "oauth_no_confirm": True,
    "display": False,
}]
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", "access:services!service=station"]},
    # the station server asks the hub which groups a signed-in person is in, and nothing else
    {"name": "station-service", "services": ["station"], "scopes": ["read:users:name", "read:users:groups"]},
]
# The role, station and grid groups, made if missing. The admins named at start (the first one, on the
# first run) are the street's admins: in the admin group and every station's, which is what they manage.
units = [group for group in os.environ.get("STATION_KIT_HUB_UNIT_GROUPS", "").split(",") if group]
admins = sorted(c.Authenticator.admin_users)
c.JupyterHub.load_groups = {
    **{group: {"users": admins if group == "admin" else []} for group in ROLE_GROUPS},
    **{group: {"users": admins if group.startswith(STATION_GROUP_PREFIX) else []} for group in units},
}


def _landing(handler) -> str:
    """Where a person lands after signing in: an analyst in their JupyterLab, everyone else on 首页."""
    user = handler.current_user
    if user is not None and "analyst" in {group.name for group in user.groups}:
        return handler.hub.base_url + "spawn"
    return "/services/station/"


c.JupyterHub.default_url = _landing
# The sign-in and sign-up pages in Chinese (the hub's other pages keep JupyterHub's English for now).
c.JupyterHub.template_paths = [str(Path(__file__).resolve().parent / "templates")]

# JupyterLab for analysts only, each as their own system user on their own read-only database role
# (analysts.py); staff, stewards and admins get the apps only, never a server that runs code.
c.JupyterHub.spawner_class = "station_kit.hub.analysts.AnalystSpawner"
c.Spawner.pre_spawn_hook = prepare
c.Spawner.cmd = [str(Path(sys.executable).parent / "jupyterhub-singleuser")]
c.Spawner.args = [f"--LabApp.app_settings_dir={LAB_SETTINGS_DIR}"]  # in Chinese, as station-kit lab is
c.Spawner.http_timeout = c.Spawner.start_timeout = 180  # a busy 2-core PC takes its time to start JupyterLab
c.JupyterHub.allow_named_servers = False
