"""The kernels `station-kit serve` runs: how many, how long, and what they may tell a browser.

Every app page runs in a kernel of its own (about 60 MiB of its own when forked, see PAGE_KERNEL_MIB). Two guards keep a reload
storm or a stray script from exhausting the office PC the server runs on, and a third keeps
the kernels' insides on the server:

- `StationKernelManager` runs at most ``max_kernels`` kernels, preheated ones included, and
  soon shuts down a kernel no page ever connected to; the kernels of real pages are culled
  as before, after long idleness with no page connected.
- `StationPageHandler` answers a page request with 503 and the station's 503.html
  (服务器繁忙，请稍后刷新) when serving it could take the server past that limit.
- `ForkingKernelManager` starts each kernel as a fork of the server's zygote (station_kit.kernel_forks),
  which has imported the apps already: a kernel runs within a fraction of a second and shares that
  code's memory with the others.
- `StationWebsocketConnection` keeps tracebacks, error details and stderr out of what the
  kernel websocket sends, and writes them to the server log instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import select
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psutil
import tornado.web
from jupyter_client.provisioning import LocalProvisioner
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager, ServerKernelManager
from traitlets import Integer
from voila.tornado.handler import TornadoVoilaHandler
from voila.utils import ENV_VARIABLE

from station_kit import kernel_forks
from station_kit.kernel_forks import FORKS_ENV, ask_for_a_fork
from station_kit.services.actor import PERSON_HEADER

# Shown wherever a kernel reports an error to the page; the details go to the server log.
ERROR_TEXT = "页面运行出错，详细信息已记入服务器日志，请联系管理员。"
# A page's kernel, forked from the zygote (kernel_forks), holds about 60 MiB of its own once its page is
# usable and more as its person works (make bench); one started as a new Python, where kernels cannot be
# forked, about 240 MiB. The cap allows each page twice the first and keeps 40% of the PC's memory for the
# station's pages, the rest for the PC's own work: 25 kernels on an 8 GB office PC (there were 14 at
# 240 MiB), never fewer than 14.
PAGE_KERNEL_MIB = 125 if kernel_forks.available() else 250
PAGES_SHARE_OF_MEMORY = 0.4
MIN_KERNELS = 14


def physical_memory_mib() -> int:
    return psutil.virtual_memory().total // 2**20


def default_max_kernels(memory_mib: int | None = None) -> int:
    """The kernel cap for a PC with ``memory_mib`` of memory (this one's by default)."""
    memory = physical_memory_mib() if memory_mib is None else memory_mib
    return max(MIN_KERNELS, int(memory * PAGES_SHARE_OF_MEMORY) // PAGE_KERNEL_MIB)


MAX_KERNELS = default_max_kernels()
# A page connects to its kernel within seconds of loading; two minutes is generous.
UNCONNECTED_CULL_SECONDS = 120
# A page whose connection is gone — its tab closed without a word, the browser or the PC crashed or
# slept, the network dropped — and does not come back within this grace gives its kernel back. A
# reconnect (a blip on the office Wi-Fi) within it keeps the page; with the cull every
# CULL_INTERVAL_SECONDS (serve.py), the kernel is back within about two minutes of the page dying.
PAGE_GRACE_SECONDS = 90
# How often a preheated kernel that waits for a free place looks again.
POOL_WAIT_SECONDS = 1.0
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class KernelLimitReached(Exception):
    """Starting a kernel would take the server past its limit."""


class StationKernelManager(AsyncMappingKernelManager):
    """Jupyter's kernel manager with a limit on the kernels it runs, and a short cull for
    the kernels of pages that never connected.

    Voilà builds its preheating manager on this class. A kernel for a page is refused at
    the limit; a kernel that refills the preheated pool waits for a free place instead,
    since there is no page to refuse and the pool must come back once pages close.
    """

    max_kernels = Integer(
        MAX_KERNELS, config=True, help="Most kernels running at once, preheated ones included."
    )
    unconnected_cull_seconds = Integer(
        UNCONNECTED_CULL_SECONDS,
        config=True,
        help="Idle seconds after which a kernel no page ever connected to is shut down.",
    )
    page_grace_seconds = Integer(
        PAGE_GRACE_SECONDS,
        config=True,
        help="Seconds a kernel whose page lost its connection waits for it to come back before it is shut down.",
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._starting: set[str] = set()
        self._pages_opening = 0
        self._pool_waiting = 0
        self._closing = False
        self._connected_once: set[str] = set()
        self._disconnected_since: dict[str, datetime] = {}

    def kernel_count(self) -> int:
        """Kernels running or starting."""
        return len(self._starting.union(self.list_kernel_ids()))

    def kernels_owed(self) -> int:
        """Kernels not started yet but promised: pages being opened and preheated kernels
        waiting for a place will each need one. A page counts until it has been sent, which
        may be after its kernel started: in a burst, pages are refused a little early."""
        return self._pages_opening + self._pool_waiting

    def is_full(self) -> bool:
        """Whether one more page could take the server past its limit."""
        return self.kernel_count() + self.kernels_owed() >= self.max_kernels

    def page_opening(self) -> None:
        self._pages_opening += 1

    def page_opened(self) -> None:
        self._pages_opening -= 1

    async def start_kernel(self, *, kernel_id: str | None = None, **kwargs) -> str:
        """Start a kernel unless that would pass the limit: then a page's kernel raises
        `KernelLimitReached` and a preheated one waits. The check and the count happen
        with no await between them, so concurrent starts cannot all slip under the limit."""
        if kernel_id is not None and kernel_id in self:
            return await super().start_kernel(kernel_id=kernel_id, **kwargs)
        if kwargs.get("env", {}).get(ENV_VARIABLE.VOILA_PREHEAT) == "True":
            await self._wait_for_a_place()
        elif self.kernel_count() >= self.max_kernels:
            raise KernelLimitReached(f"{self.kernel_count()} kernels running, the limit")
        kernel_id = kernel_id or self.new_kernel_id()
        self._starting.add(kernel_id)
        try:
            return await super().start_kernel(kernel_id=kernel_id, **kwargs)
        finally:
            self._starting.discard(kernel_id)

    async def _wait_for_a_place(self) -> None:
        if self.kernel_count() < self.max_kernels:
            return
        self.log.warning(
            "%d kernels running, the limit: a preheated kernel waits for one to stop",
            self.kernel_count(),
        )
        self._pool_waiting += 1
        try:
            while self.kernel_count() >= self.max_kernels:
                if self._closing:
                    raise KernelLimitReached("the server is stopping")
                await asyncio.sleep(POOL_WAIT_SECONDS)
        finally:
            self._pool_waiting -= 1

    def notify_connect(self, kernel_id: str) -> None:
        super().notify_connect(kernel_id)
        self._connected_once.add(kernel_id)
        self._disconnected_since.pop(kernel_id, None)

    def notify_disconnect(self, kernel_id: str) -> None:
        super().notify_disconnect(kernel_id)
        if kernel_id in self and self._kernel_connections.get(kernel_id, 0) <= 0:
            self._disconnected_since[kernel_id] = datetime.now(timezone.utc)

    def remove_kernel(self, kernel_id: str):
        self._connected_once.discard(kernel_id)
        self._disconnected_since.pop(kernel_id, None)
        return super().remove_kernel(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """A page connects to its kernel within seconds of loading, so a kernel that no page
        ever connected to (a script's request, a reload before the page had loaded) goes
        after `unconnected_cull_seconds` of idleness, and one whose page lost its connection
        `page_grace_seconds` after that, unless it is still at work. The rest are culled as
        Jupyter does; Voilà's subclass keeps preheated kernels from reaching this method at all."""
        gone_since = self._disconnected_since.get(kernel_id)
        if kernel_id in self and gone_since is not None:
            kernel = self.get_kernel(kernel_id)
            busy = getattr(kernel, "execution_state", None) == "busy"
            if not busy and datetime.now(timezone.utc) - gone_since >= timedelta(seconds=self.page_grace_seconds):
                self.log.warning("Culling kernel %s: its page lost its connection %d seconds ago and did not "
                                 "come back", kernel_id, self.page_grace_seconds)
                await self.shutdown_kernel(kernel_id)
                return
        if kernel_id in self and kernel_id not in self._connected_once:
            kernel = self.get_kernel(kernel_id)
            last_activity = getattr(kernel, "last_activity", None)
            idle_for = timedelta(seconds=self.unconnected_cull_seconds)
            idle_since = datetime.now(timezone.utc) - idle_for
            busy = getattr(kernel, "execution_state", None) == "busy"
            if last_activity is not None and last_activity < idle_since and not busy:
                self.log.warning(
                    "Culling kernel %s: idle %d seconds, and no page ever connected to it",
                    kernel_id,
                    self.unconnected_cull_seconds,
                )
                await self.shutdown_kernel(kernel_id)
                return
        await super().cull_kernel_if_idle(kernel_id)

    async def shutdown_all(self, now: bool = False) -> None:
        """Preheated kernels waiting for a place give up, or they would start as the server
        stops."""
        self._closing = True
        await super().shutdown_all(now=now)


class StationPageHandler(TornadoVoilaHandler):
    """Voilà's app page, refused with 503 while the server runs as many kernels as it may,
    and sent with the cookie its kernel-shutdown beacon needs. Under the street's hub it also carries
    the signed-in person to the page's kernel, in a header this server sets (station_kit/hub)."""

    async def prepare(self):
        # Whatever a browser sent under the person's header is never passed on: only the server sets it.
        self.request.headers.pop(PERSON_HEADER, None)
        await super().prepare()
        person_header = getattr(self.identity_provider, "person_header", None)
        if person_header is not None and self.current_user is not None:
            found = await person_header(self)
            if found is not None:
                self.request.headers[found[0]] = found[1]

    @tornado.web.authenticated
    async def get(self, path=None):
        manager = self.kernel_manager
        if manager.is_full():
            self.log.warning(
                "Refused %s: %d kernels running and %d owed, limit %d",
                self.request.path,
                manager.kernel_count(),
                manager.kernels_owed(),
                manager.max_kernels,
            )
            raise tornado.web.HTTPError(503)
        # As it closes, the page asks the server to shut its kernel down, with the _xsrf
        # cookie in the form. Voilà never sets that cookie (voila-dashboards/voila#1458);
        # without it the request is refused and a closed tab holds its kernel until the
        # idle cull. Reading the token sets the cookie.
        _ = self.xsrf_token
        # Counted from here until the page is sent, so that requests arriving together
        # see each other before any of their kernels has started.
        manager.page_opening()
        try:
            await super().get(path)
        except KernelLimitReached as refused:
            self.log.warning("Refused %s: %s", self.request.path, refused)
            raise tornado.web.HTTPError(503) from refused
        finally:
            manager.page_opened()


def client_safe(msg_type: str, content: dict) -> dict | None:
    """The content a browser may see of a kernel message: unchanged, with the error's
    details replaced by `ERROR_TEXT`, or None when the message must not be sent at all.

    Tracebacks name server files and library versions, and a kernel's stderr carries its
    log (ipykernel logs a failed comm open there, traceback included) and warnings with
    file paths. None of it is meant for staff; all of it is for the server log.
    """
    if msg_type == "stream":
        return None if content.get("name") == "stderr" else content
    if msg_type == "error" or (msg_type == "execute_reply" and content.get("status") == "error"):
        return {**content, "ename": "Error", "evalue": ERROR_TEXT, "traceback": [ERROR_TEXT]}
    return content


def error_details(msg_type: str, content: dict) -> str:
    """What `client_safe` withholds, readable in the server log."""
    if msg_type == "stream":
        text = content.get("text", "")
    else:
        lines = content.get("traceback") or [f"{content.get('ename')}: {content.get('evalue')}"]
        text = "\n".join(lines)
    return ANSI_ESCAPE.sub("", text).rstrip()


class StationWebsocketConnection(ZMQChannelsWebsocketConnection):
    """Jupyter's kernel websocket, with each kernel message passed through `client_safe`.

    Only error, execute_reply and stream messages are unpacked to look inside; the rest,
    widget state included, pass as they came.
    """

    watched = frozenset({"error", "execute_reply", "stream"})

    def handle_outgoing_message(self, stream, outgoing_msg: list) -> None:
        idents, parts = self.session.feed_identities(outgoing_msg)
        msg_type = self.session.unpack(parts[1]).get("msg_type")
        if msg_type not in self.watched:
            return super().handle_outgoing_message(stream, outgoing_msg)
        content = self.session.unpack(parts[4])
        safe = client_safe(msg_type, content)
        if safe is content:
            return super().handle_outgoing_message(stream, outgoing_msg)
        self.log.warning(
            "Kernel %s %s, kept from the browser:\n%s",
            self.kernel_id,
            content.get("name") if msg_type == "stream" else msg_type,
            error_details(msg_type, content),
        )
        if safe is None:
            return None
        # Checks the kernel's signature before signing the changed message anew.
        msg = self.session.deserialize(parts)
        msg["content"] = safe
        return super().handle_outgoing_message(stream, self.session.serialize(msg, ident=idents))


_log = logging.getLogger(__name__)


class ForkedProcess:
    """What Jupyter's kernel manager holds of a forked kernel: Popen's poll, wait, signals and pid.
    The exit code is not known here (the zygote reaps its children), so an ended kernel reads 0."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._pidfd: int | None = os.pidfd_open(pid)  # stays this process's even if the pid is reused
        except (AttributeError, OSError):
            self._pidfd = None

    def poll(self) -> int | None:
        if self.returncode is None and not self._alive():
            self.returncode = 0
            if self._pidfd is not None:
                os.close(self._pidfd)
                self._pidfd = None
        return self.returncode

    def _alive(self) -> bool:
        if self._pidfd is not None:
            return not select.select([self._pidfd], [], [], 0)[0]
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.05)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def plain_ipykernel(cmd: list[str]) -> bool:
    """Whether ``cmd`` is this Python's ``python -m ipykernel_launcher …``, which a fork of the zygote is."""
    return (len(cmd) >= 3 and cmd[1:3] == ["-m", "ipykernel_launcher"]
            and Path(cmd[0]).resolve() == Path(sys.executable).resolve())


class ForkingProvisioner(LocalProvisioner):
    """Jupyter's local provisioner, launching a kernel as a fork of the zygote when there is one."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        path = os.environ.get(FORKS_ENV)
        launch = self._scrub_kwargs(kwargs)
        if not path or not plain_ipykernel(cmd) or set(launch) - {"env", "cwd"}:
            return await super().launch_kernel(cmd, **kwargs)
        env = {key: value for key, value in (launch.get("env") or os.environ).items() if key != FORKS_ENV}
        cwd = str(launch.get("cwd") or os.getcwd())
        try:
            pid = await ask_for_a_fork(path, cmd[3:], env, cwd)
        except (OSError, ValueError, asyncio.TimeoutError) as error:
            _log.warning("kernel forks: %s; starting the kernel the usual way", error)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedProcess(pid)
        self.pid = self.pgid = pid  # the child leads its own session before the zygote answers
        self.cwd = cwd
        return self.connection_info


class ForkingKernelManager(ServerKernelManager):
    """Jupyter server's kernel manager, whose kernels the zygote forks where there is one."""

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:  # not on a restart, which keeps its provisioner
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = ForkingProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)
