"""Page kernels forked from one process that has already imported what every app needs (DESIGN.md §8).

A kernel started the usual way is a new Python that imports IPython, ipywidgets, pandas, SQLModel and
the apps before it can draw anything: seconds of a 2-core PC's time per page, and about 240 MiB of
memory each, most of it the same code loaded again. So `station-kit serve` starts one *zygote*
(`python -m station_kit.kernel_forks SOCKET`) that imports all of that once and waits. Each kernel is
a fork of it: running a fraction of a second after it is asked for, sharing the imported code's memory
with the zygote and every other kernel (copy on write; ``gc.freeze`` keeps the collector from
touching, hence copying, what was imported).

The server asks over a Unix socket in a folder only its own user can enter, sending the kernel's
arguments, environment and folder; the zygote forks, and the child becomes the kernel exactly as
``python -m ipykernel_launcher`` would: its own session (so signals reach the kernel and whatever it
starts, never the zygote), default signal handling, stdin from /dev/null, the environment it was
sent, the folder, and ``sys.path`` without the zygote's own folder. Kernels watch the zygote (as they
watch the server when started the usual way) and the zygote watches the server: a server that dies
takes both with it.

``serve_kernels.ForkingKernelManager`` is the server's side: Jupyter's kernel manager, whose process
handle is the forked pid. Where there is no zygote (not Linux, not started, or gone) or the command is not a plain
ipykernel, a kernel starts the usual way; nothing else changes.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import gc
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

FORKS_ENV = "STATION_KIT_KERNEL_FORKS"  # the zygote's socket, in the server's environment
# What every app's kernel imports before it draws: the kernel itself, the widgets, Voilà's request
# hook, and the apps with everything they import (pandas, SQLModel, the models, the services).
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.comm",
           "ipywidgets", "voila.utils", "station_kit.ui.registry")
# What `top`, `ps -o comm` and /proc/PID/comm call the zygote and the kernels (their command line is
# the zygote's): 15 bytes at most.
ZYGOTE_NAME = "station-zygote"
KERNEL_NAME = "station-kernel"
READY_TIMEOUT_SECONDS = 120  # a zygote importing on a busy 2-core machine
PARENT_POLL_SECONDS = 1.0


def is_kernel(name: str, cmdline: str) -> bool:
    """Whether a process (its /proc name and command line) is a page kernel: forked here, or started as
    ``python -m ipykernel_launcher``."""
    return name == KERNEL_NAME or "ipykernel" in cmdline


# --- the zygote --------------------------------------------------------------------------------------

def preload() -> None:
    """Import what every app's kernel would: the modules above and each app's own code."""
    for module in PRELOAD:
        importlib.import_module(module)
    from station_kit.ui.registry import APPS, prepare_app

    for app in APPS:
        prepare_app(app.name)


def serve_forks(path: str) -> int:
    """The zygote: preload, then fork a kernel for each request on the socket at ``path`` until the
    process that started it is gone."""
    _name_process(ZYGOTE_NAME)
    preload()
    if threading.active_count() != 1:  # a fork copies only the calling thread: locks held elsewhere stay held
        print(f"station-kit kernel forks: {threading.active_count()} threads after preloading; not forking",
              file=sys.stderr)
        return 1
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernels are reaped as they end
    server = os.getppid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    listener.settimeout(PARENT_POLL_SECONDS)
    try:
        while os.getppid() == server:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                _answer(connection, listener)
    finally:  # only the zygote comes here: a kernel ends in os._exit
        listener.close()
        with contextlib.suppress(OSError):
            os.unlink(path)
            os.rmdir(Path(path).parent)
    return 0


def _answer(connection: socket.socket, listener: socket.socket) -> None:
    """Fork a kernel for the request on ``connection`` and answer with its pid (or what went wrong)."""
    connection.settimeout(10)
    try:
        request = json.loads(_read_line(connection))
        reply = {"pid": _fork_kernel(request, listener, connection)}
    except (OSError, ValueError, KeyError, TypeError) as error:
        reply = {"error": f"{type(error).__name__}: {error}"}
    with contextlib.suppress(OSError):
        connection.sendall(json.dumps(reply).encode() + b"\n")


def _name_process(name: str) -> None:
    """Set the process's name as `top` shows it (Linux prctl PR_SET_NAME)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(15, name.encode()[:15], 0, 0, 0)


def _read_line(connection: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _fork_kernel(request: dict, *inherited: socket.socket) -> int:
    """Fork a kernel for ``request`` ({args, env, cwd}); the pid, once the child leads its own session."""
    args, env, cwd = list(request["args"]), dict(request["env"]), str(request["cwd"])
    ready, told = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready)
        for sock in inherited:
            sock.close()
        _become_kernel(args, env, cwd, told)  # never returns
    os.close(told)
    os.read(ready, 1)  # end of file once the child has its own session (or has died)
    os.close(ready)
    return pid


def _become_kernel(args: list[str], env: dict[str, str], cwd: str, told: int) -> None:
    """In the child: become ``python -m ipykernel_launcher ARGS`` in ``cwd`` with ``env``, then exit."""
    code = 1
    try:
        os.setsid()
        os.close(told)
        _name_process(KERNEL_NAME)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        if "station_kit.config" in sys.modules:  # settings read from the zygote's environment
            sys.modules["station_kit.config"].get_settings.cache_clear()
        if sys.path and Path(sys.path[0] or ".").resolve() == Path(_zygote_folder).resolve():
            del sys.path[0]  # as ipykernel_launcher does; the shell puts the kernel's folder back
        # The kernel watches the zygote as it would the server (read from JPY_PARENT_PID when ipykernel
        # was imported, in the zygote, so given here): it ends when the zygote does.
        args = [*args, f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = ["ipykernel_launcher", *args]
        from ipykernel.kernelapp import IPKernelApp

        kernel = IPKernelApp.instance()  # as ipykernel_launcher's launch_new_instance, with one step between
        kernel.initialize(args)
        _as_if_imported_in_the_kernel()
        kernel.start()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:  # noqa: BLE001 — a kernel's last words go to the server's log, then it ends
        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            with contextlib.suppress(BaseException):
                stream.flush()
        os._exit(code)


_zygote_folder = os.getcwd()


def _as_if_imported_in_the_kernel() -> None:
    """What preloaded modules do when imported in a running kernel, which the zygote is not: ipywidgets
    registers its comm targets (without them the page's widget manager cannot ask for the widgets)."""
    if "ipywidgets" in sys.modules:
        sys.modules["ipywidgets"]._handle_ipython()


# --- the server's side -------------------------------------------------------------------------------

def available() -> bool:
    """Kernels can be forked here: Linux (macOS forbids forking a process that loaded its frameworks)."""
    return sys.platform.startswith("linux")


_zygotes: dict[str, subprocess.Popen] = {}  # this server's, by socket


@contextlib.contextmanager
def zygote() -> Iterator[str | None]:
    """Start the zygote for this server and set FORKS_ENV; yields its socket's path (None where kernels
    cannot be forked). The zygote ends with the server, or when this context ends."""
    if not available():
        yield None
        return
    folder = tempfile.mkdtemp(prefix="station-kit-forks-")  # 0700: only the server's user may ask
    path = str(Path(folder) / "zygote.sock")
    # A session of its own: Ctrl+C in the server's terminal stops the server, which stops the zygote.
    process = subprocess.Popen([sys.executable, "-m", "station_kit.kernel_forks", path],
                               stdin=subprocess.DEVNULL, close_fds=True, start_new_session=True)
    _zygotes[path] = process
    previous = os.environ.get(FORKS_ENV)
    os.environ[FORKS_ENV] = path
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop(FORKS_ENV, None)
        else:
            os.environ[FORKS_ENV] = previous
        del _zygotes[path]
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        if process.poll() is None:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)


async def ask_for_a_fork(path: str, args: list[str], env: dict[str, str], cwd: str,
                         timeout: float = READY_TIMEOUT_SECONDS) -> int:
    """A forked kernel's pid, waiting while the zygote still imports."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            reader, writer = await asyncio.open_unix_connection(path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            zygote_process = _zygotes.get(path)
            if zygote_process is not None and zygote_process.poll() is not None:
                raise OSError(f"the zygote ended (exit code {zygote_process.returncode})") from None
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)
    try:
        writer.write(json.dumps({"args": args, "env": env, "cwd": cwd}).encode() + b"\n")
        await writer.drain()
        reply = json.loads(await asyncio.wait_for(reader.readline(), timeout=60) or b"{}")
    finally:
        writer.close()
    if "pid" not in reply:
        raise OSError(reply.get("error") or "the zygote hung up")
    return int(reply["pid"])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m station_kit.kernel_forks SOCKET")
    sys.exit(serve_forks(sys.argv[1]))
