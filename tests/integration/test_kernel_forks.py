"""Page kernels forked from the server's zygote (station_kit.kernel_forks): a forked kernel is a kernel
as ipykernel_launcher makes one — its folder, its environment, interrupts, shutdown — with the apps
already imported, and it ends with the zygote; without a zygote, kernels start the usual way."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

from station_kit import kernel_forks
from station_kit.serve_kernels import ForkedProcess, ForkingKernelManager

pytestmark = pytest.mark.skipif(not kernel_forks.available(), reason="kernels are forked on Linux only")

PROBE = ("import os, sys, json; print(json.dumps({'pid': os.getpid(), 'parent': os.getppid(), 'cwd': os.getcwd(), "
         "'marker': os.environ.get('SK_PROBE'), 'forks': os.environ.get('STATION_KIT_KERNEL_FORKS'), "
         "'preloaded': 'pandas' in sys.modules and 'station_kit.ui.home' in sys.modules, "
         "'name': open('/proc/self/comm').read().strip()}))")


def in_a_thread(coroutine):
    """Run ``coroutine`` on an event loop of its own: a test run before this one, on the same worker, may
    have left its loop running in this thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def manager(root: Path | None = None) -> AsyncMappingKernelManager:
    return AsyncMappingKernelManager(root_dir=str(root or Path.cwd()),
                                     kernel_manager_class=f"{ForkingKernelManager.__module__}.ForkingKernelManager")


async def run(kernels: AsyncMappingKernelManager, kernel_id: str, code: str, timeout: float = 60) -> dict:
    """Run ``code`` in the kernel: its reply's content, and what it printed."""
    client = kernels.get_kernel(kernel_id).client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=timeout)
        printed: list[str] = []
        reply = await client.execute_interactive(
            code, timeout=timeout,
            output_hook=lambda message: printed.append(message["content"].get("text", "")))
        return {**reply["content"], "printed": "".join(printed)}
    finally:
        client.stop_channels()


def probe(kernels, kernel_id) -> dict:
    import json

    return json.loads(in_a_thread(run(kernels, kernel_id, PROBE))["printed"])


def gone(pid: int, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists() and b"Z" not in _state(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _state(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return b"Z"


def test_a_forked_kernel_runs_where_and_as_it_was_asked_with_the_apps_imported(tmp_path, monkeypatch):
    folder = tmp_path / "apps"
    folder.mkdir()
    monkeypatch.setenv("SK_PROBE", "given")
    with kernel_forks.zygote() as path:
        kernels = manager(tmp_path)
        kernel_id = in_a_thread(kernels.start_kernel(kernel_name="python3", path="apps"))
        try:
            process = kernels.get_kernel(kernel_id).provisioner.process
            assert isinstance(process, ForkedProcess)
            seen = probe(kernels, kernel_id)
            zygote = kernel_forks._zygotes[path]
            assert seen["pid"] == process.pid and seen["parent"] == zygote.pid
            assert seen["cwd"] == str(folder) and seen["marker"] == "given" and seen["forks"] is None
            assert seen["preloaded"] and seen["name"] == kernel_forks.KERNEL_NAME

            # An interrupt stops a long cell, and the kernel goes on.
            async def interrupted() -> dict:
                running = asyncio.ensure_future(run(kernels, kernel_id, "import time; time.sleep(60)"))
                await asyncio.sleep(2)
                await kernels.interrupt_kernel(kernel_id)
                return await running
            assert in_a_thread(interrupted())["ename"] == "KeyboardInterrupt"
            assert probe(kernels, kernel_id)["pid"] == process.pid
        finally:
            in_a_thread(kernels.shutdown_kernel(kernel_id))
        assert gone(process.pid)


def test_kernels_end_with_their_zygote(monkeypatch):
    with kernel_forks.zygote() as path:
        kernels = manager()
        kernel_id = in_a_thread(kernels.start_kernel(kernel_name="python3"))
        pid = kernels.get_kernel(kernel_id).provisioner.process.pid
        assert probe(kernels, kernel_id)["pid"] == pid
        os.kill(kernel_forks._zygotes[path].pid, signal.SIGKILL)  # as when the server dies and the zygote sees it
        assert gone(pid)
        in_a_thread(kernels.shutdown_kernel(kernel_id, now=True))


def test_without_a_zygote_a_kernel_starts_the_usual_way(monkeypatch):
    monkeypatch.delenv(kernel_forks.FORKS_ENV, raising=False)
    kernels = manager()
    kernel_id = in_a_thread(kernels.start_kernel(kernel_name="python3"))
    try:
        process = kernels.get_kernel(kernel_id).provisioner.process
        assert isinstance(process, subprocess.Popen)
        assert probe(kernels, kernel_id)["pid"] == process.pid
    finally:
        in_a_thread(kernels.shutdown_kernel(kernel_id))


def test_a_zygote_that_ended_is_not_waited_for(tmp_path):
    """A zygote that cannot start (here: one that exits at once) is noticed at once: the kernel starts the
    usual way instead of after the zygote's two minutes of grace."""
    path = str(tmp_path / "zygote.sock")
    kernel_forks._zygotes[path] = subprocess.Popen([sys.executable, "-c", "pass"])
    kernel_forks._zygotes[path].wait()
    try:
        started = time.monotonic()
        with pytest.raises(OSError, match="zygote ended"):
            in_a_thread(kernel_forks.ask_for_a_fork(path, [], {}, str(tmp_path)))
        assert time.monotonic() - started < kernel_forks.READY_TIMEOUT_SECONDS / 2
    finally:
        del kernel_forks._zygotes[path]
