"""`station-kit serve`: the staff apps under standalone Voilà (DESIGN.md §6, §8).

Voilà runs in this process, as a small subclass of its own application class, so that
`/` can lead to the home app and the home URL is printed once 首页 can be served.

What an app notebook must do: a preheated kernel runs its notebook when the server starts
(and again each time it refills its pool), long before anyone opens the page. So a
notebook imports first, then calls ``voila.utils.wait_for_request()``, and only after that
reads the database; anything read before that call is as old as the kernel.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import jinja2
from jupyter_server.utils import url_path_join
from tornado.ioloop import IOLoop
from tornado.web import RedirectHandler
from voila.app import Voila
from voila.exporter import VoilaExporter
from voila.request_info_handler import RequestInfoSocketHandler
from voila.tornado.handler import TornadoVoilaHandler

from station_kit import kernel_forks
from station_kit.i18n import t
from station_kit.serve_kernels import (
    ERROR_TEXT,
    MAX_KERNELS,
    PAGE_GRACE_SECONDS,
    UNCONNECTED_CULL_SECONDS,
    ForkingKernelManager,
    StationKernelManager,
    StationPageHandler,
    StationWebsocketConnection,
)
from station_kit.ui.registry import APPS, cold_notebooks, unknown_apps

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_APPS_DIR = PACKAGE_DIR.parent / "workbooks" / "apps"
JUPYTER_DATA_DIR = PACKAGE_DIR / "jupyter_data"
APPS_DIR_ENV = "STATION_KIT_APPS_DIR"
DB_URL_ENV = "STATION_KIT_DB_URL"

HOME_APP = "home.ipynb"
READY_TIMEOUT_SECONDS = 180  # after this the address is printed anyway, with pages still warming
TEMPLATE = "station"
KERNEL_POOL_SIZE = 1
# A page that took its app's warm kernel is still loading for a second or two; the next warm kernel is
# forked and runs its notebook after that, not beside it on 2 cores (Voilà waits 1 s by default, which
# slowed 首页 and 实时数据 by about a fifth). Whoever opens the same app again within these seconds gets
# a kernel started on request, about half a second slower.
POOL_REFILL_DELAY_SECONDS = 4
CULL_IDLE_SECONDS = 30 * 60
# Often enough for the short culls of kernels no page is connected to (serve_kernels): a kernel whose page
# died is back within PAGE_GRACE_SECONDS and one interval. A cull pass only reads each kernel's state.
CULL_INTERVAL_SECONDS = 15
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})


def qualified_name(cls: type) -> str:
    """How a traitlets Type option names a class."""
    return f"{cls.__module__}.{cls.__qualname__}"


def home_url(host: str, port: int, token: str | None) -> str:
    """The address staff open first; the token rides along so one click logs them in."""
    query = f"?token={token}" if token else ""
    return f"http://{host}:{port}/voila/render/{HOME_APP}{query}"


def voila_argv(
    *,
    host: str = "127.0.0.1",
    port: int = 8866,
    token: str | None = None,
    apps_dir: Path | None = None,
    open_browser: bool = False,
    max_kernels: int = MAX_KERNELS,
    page_grace_seconds: int = PAGE_GRACE_SECONDS,
    hub_prefix: str | None = None,
    warm: list[str] | None = None,
) -> list[str]:
    """Voilà's command line for the station: the §8 requirements, one option each.

    ``hub_prefix`` (the service's path under the street's hub, e.g. /services/station/) serves the apps
    as a JupyterHub service: every request is signed in with the hub (hub OAuth), and the signed-in
    person reaches each page's kernel in the one header Voilà is told to pass on (station_kit/hub).

    Port retries are off so the server binds the port it was asked for or fails; the
    template cannot be switched from the URL because the lab template loads a CDN. Pages
    show no tracebacks, and neither does the kernel websocket; the kernels are limited in
    number, and those no page connected to are culled soon (station_kit.serve_kernels).
    """
    argv = [
        str(apps_dir or DEFAULT_APPS_DIR),
        f"--Voila.ip={host}",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        f"--Voila.open_browser={open_browser}",
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--VoilaExecutor.cell_error_instruction={ERROR_TEXT}",
        f"--Voila.kernel_websocket_connection_class={qualified_name(StationWebsocketConnection)}",
        "--VoilaConfiguration.preheat_kernel=True",
        f"--VoilaConfiguration.default_pool_size={KERNEL_POOL_SIZE}",
        f"--VoilaKernelManager.preheat_denylist={json.dumps(cold_patterns(warm))}",
        f"--VoilaKernelManager.fill_delay={POOL_REFILL_DELAY_SECONDS}",
        f"--VoilaConfiguration.multi_kernel_manager_class={qualified_name(StationKernelManager)}",
        f"--StationKernelManager.max_kernels={max_kernels}",
        f"--StationKernelManager.unconnected_cull_seconds={UNCONNECTED_CULL_SECONDS}",
        f"--StationKernelManager.page_grace_seconds={page_grace_seconds}",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
    ]
    if os.name == "posix":
        # Kernels talk to the server over Unix sockets, one set of files per kernel, rather than TCP
        # ports chosen before each kernel binds them: seven kernels warming at once could lose a port to
        # each other (a preheated kernel then died), and no other user of the PC can reach a socket file.
        argv.append("--KernelManager.transport=ipc")
    if kernel_forks.available():
        # Each kernel a fork of one process that has imported the apps (station_kit.kernel_forks).
        argv.append(f"--StationKernelManager.kernel_manager_class={qualified_name(ForkingKernelManager)}")
    if token:
        argv.append(f"--Voila.token={token}")
    if hub_prefix:
        from station_kit.hub.identity import StationHubIdentityProvider
        from station_kit.services.actor import PERSON_HEADER

        argv += [f"--Voila.base_url={hub_prefix}",
                 f"--Voila.identity_provider_class={qualified_name(StationHubIdentityProvider)}",
                 f"--VoilaConfiguration.http_header_envs={json.dumps([PERSON_HEADER])}"]
    return argv


def cold_patterns(warm: list[str] | None = None) -> list[str]:
    """Voilà's preheat deny list: a pattern per app kept without a warm kernel (registry.cold_notebooks).
    Voilà matches each entry against the notebook's full path, as a substring and as a regular
    expression from its start, so each names the file after the last separator."""
    return [rf".*[/\\]{re.escape(name)}$" for name in cold_notebooks(warm)]


def kernel_limit_problem(max_kernels: int, apps_dir: Path, warm: list[str] | None = None) -> str | None:
    """Why the limit cannot work, if it cannot: the preheated kernels count towards it, and
    Voilà keeps a pool of them for every notebook under the apps folder but the cold ones."""
    cold = set(cold_notebooks(warm))
    notebooks = [p for p in apps_dir.rglob("*.ipynb")
                 if ".ipynb_checkpoints" not in p.parts and p.relative_to(apps_dir).as_posix() not in cold]
    preheated = len(notebooks) * KERNEL_POOL_SIZE
    if max_kernels > preheated:
        return None
    return (
        f"--max-kernels {max_kernels} leaves no kernel for a page: the server keeps "
        f"{preheated} kernels preheated (one per app), and they count"
    )


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def open_door_problem(host: str, token: str | None, hub: bool) -> str | None:
    """One PC serves itself without sign-in; any other address would let anyone on the network in as the
    server's person, so it needs a token (one shared door) or the street's hub (each person signs in)."""
    if host in LOOPBACK_HOSTS or token or hub:
        return None
    return t("serve.open_door", host=host)


def station_env(
    *, db_url: str, host: str, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The variables Voilà and its kernels need, to be merged into the environment.

    Kernels inherit the server's environment, which is how they learn the database URL.
    JUPYTER_PATH is how Voilà finds the station template. ``wait_for_request()`` in a
    preheated kernel calls back to VOILA_APP_IP, 127.0.0.1 by default, which is wrong
    when the server is bound to one LAN address only.
    """
    environ = os.environ if environ is None else environ
    inherited = [p for p in environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    return {
        DB_URL_ENV: db_url,
        "JUPYTER_PATH": os.pathsep.join([str(JUPYTER_DATA_DIR), *inherited]),
        "VOILA_APP_IP": "127.0.0.1" if host in WILDCARD_HOSTS else host,
    }


class CompiledTemplates(jinja2.BytecodeCache):
    """The page templates as Jinja compiled them, kept while the server runs. nbconvert makes a new
    template environment for every page Voilà renders (an app opened without a warm kernel, and
    every kernel heated to refill a pool), and each compiled the templates again: about 0.2 s of the
    server's time a page, beside the browser and the kernel on a 2-core PC. Jinja compares each
    template's source with what was compiled, so a changed template is compiled again."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


def keep_compiled_templates() -> None:
    """Give every Voilà page renderer of this process one `CompiledTemplates` (their environments
    are all made alike: asynchronous, with the same loaders and filters)."""
    make_environment = VoilaExporter.environment.fget
    if getattr(make_environment, "keeps_compiled", False):
        return
    compiled = CompiledTemplates()

    def environment(exporter: VoilaExporter) -> jinja2.Environment:
        made = make_environment(exporter)
        made.bytecode_cache = compiled
        return made

    environment.keeps_compiled = True
    VoilaExporter.environment = property(environment)


class StationVoila(Voila):
    """Voilà with four station touches: `/` opens the home app, app pages are refused while
    the server runs its limit of kernels, the home URL is printed once 首页 can be served, and
    kernels are shut down when the server stops."""

    def init_handlers(self) -> list:
        """Put a redirect to the home app before Voilà's tree page at `/` (the query,
        hence any token, is carried over); an apps folder without a home app keeps the tree.
        App pages go to `StationPageHandler`, which answers 503 at the kernel limit."""
        handlers = [
            (pattern, StationPageHandler, *rest)
            if handler is TornadoVoilaHandler
            else (pattern, handler, *rest)
            for pattern, handler, *rest in super().init_handlers()
        ]
        # Voilà mounts its identity provider's handlers (the hub's OAuth callback, sign-out) at the root:
        # under a prefix they belong under it too.
        handlers = [(pattern if pattern.startswith(self.server_url) else url_path_join(self.server_url, pattern),
                     *rest) for pattern, *rest in handlers]
        if (Path(self.root_dir) / HOME_APP).is_file():
            target = f"{self.server_url}voila/render/{HOME_APP}"
            redirect = {"url": target, "permanent": False}
            handlers.insert(0, (self.server_url, RedirectHandler, redirect))
        return handlers

    def init_settings(self) -> dict:
        """The station's cookies belong under its own path: at "/" its cross-site cookie would stand
        beside the hub's and make the hub's own forms fail for anyone who had opened an app."""
        settings = super().init_settings()
        settings["xsrf_cookie_kwargs"] = {**settings.get("xsrf_cookie_kwargs", {}), "path": self.base_url}
        return settings

    def listen(self) -> None:
        """Voilà binds the port, then runs the loop: the first callback means we are serving."""
        IOLoop.current().add_callback(self._announce)
        super().listen()

    def _announce(self) -> None:
        print(t("serve.starting"), flush=True)
        IOLoop.current().spawn_callback(self._announce_when_ready)

    async def _announce_when_ready(self) -> None:
        """Print the address once 首页 can be served: on 2 cores the preheated kernels of every app
        warm together for up to half a minute, and a page asked for before then stays blank."""
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline and not self._home_ready():
            await asyncio.sleep(0.5)
        host = "127.0.0.1" if self.ip in WILDCARD_HOSTS else self.ip
        print(t("serve.ready", url=home_url(host, self.port, self.token)), flush=True)

    def _home_ready(self) -> bool:
        """True when 首页's preheated kernel has run its notebook (or there is no 首页 to wait for)."""
        if not (Path(self.root_dir) / HOME_APP).is_file():
            return True
        pools = getattr(self.kernel_manager, "_pools", {})
        pool = next((tasks for name, tasks in pools.items() if Path(str(name)).name == HOME_APP), None)
        return bool(pool) and all(_has_run(task) for task in pool)

    def stop(self) -> None:
        """Voilà only removes its connection files; without this the kernels would linger
        until each noticed its parent had gone."""
        IOLoop.current().run_sync(functools.partial(self.kernel_manager.shutdown_all, now=True))
        super().stop()


def _has_run(pool_task: asyncio.Task) -> bool:
    """Whether a preheated kernel has run its notebook as far as it can before a page asks for it.
    Voilà's pool task is done once the kernel has started, and hands back the task that runs the
    notebook in it. An app notebook runs its imports, then waits for its page's request in
    ``wait_for_request()``, which holds a websocket to the server open; a notebook without that call
    runs to its end."""
    if not pool_task.done() or pool_task.cancelled() or pool_task.exception() is not None:
        return False
    kernel = pool_task.result()
    render = kernel.get("task")
    return kernel.get("kernel_id") in RequestInfoSocketHandler._waiters or (render is not None and render.done())


def serve(
    *,
    db_url: str,
    host: str = "127.0.0.1",
    port: int = 8866,
    token: str | None = None,
    apps_dir: Path | None = None,
    open_browser: bool = False,
    max_kernels: int = MAX_KERNELS,
    page_grace_seconds: int = PAGE_GRACE_SECONDS,
    hub: bool = False,
    warm: list[str] | None = None,
) -> int:
    """Serve the staff apps until interrupted; returns the exit code. ``hub``: as the street hub's
    service (JupyterHub starts it so, with the JUPYTERHUB_* variables of a managed service).
    ``warm``: the apps to keep a warm kernel for besides 首页 (default: the registry's daily ones).

    ``apps_dir`` defaults to $STATION_KIT_APPS_DIR, then workbooks/apps: the CLI has no
    option for it, and the browser tests point it at a temporary folder. This sets
    variables in ``os.environ`` because Voilà and the kernels it starts read them there.
    A kernel limit that leaves no kernel for a page beside the preheated ones is refused.
    """
    apps_dir = apps_dir or Path(os.environ.get(APPS_DIR_ENV) or DEFAULT_APPS_DIR)
    unknown = unknown_apps(warm or [])
    problem = ((unknown and t("serve.unknown_apps", names="、".join(unknown), apps="、".join(app.name for app in APPS)))
               or kernel_limit_problem(max_kernels, apps_dir, warm) or open_door_problem(host, token, hub))
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    os.environ.update(station_env(db_url=db_url, host=host))
    hub_prefix = None
    if hub:
        from station_kit.services.actor import HUB_ENV

        hub_prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX")
        if not hub_prefix:
            print(f"error: {t('hub.not_under_hub')}", file=sys.stderr)
            return 2
        os.environ[HUB_ENV] = "1"  # the kernels act as the person each page is handed, never the server's
    argv = voila_argv(
        host=host,
        port=port,
        token=token,
        apps_dir=apps_dir,
        open_browser=open_browser,
        max_kernels=max_kernels,
        page_grace_seconds=page_grace_seconds,
        hub_prefix=hub_prefix,
        warm=warm,
    )
    # The singleton, because Voilà's notebook renderers have no parent and log through
    # traitlets' global logger, which is the app's log only for Application.instance().
    app = StationVoila.instance()
    keep_compiled_templates()
    try:
        with kernel_forks.zygote():  # before Voilà starts its preheated kernels
            app.initialize(argv)
            app.start()
    except SystemExit as exit_:
        if exit_.code is None:
            return 0
        return exit_.code if isinstance(exit_.code, int) else 1
    return 0
