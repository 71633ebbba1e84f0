"""Running code as a kernel runs it, on an event loop, whatever else this test process runs."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def in_a_thread_of_its_own(work: Callable[[], T]) -> T:
    """``work()`` in a fresh thread: one with no event loop running, where the browser tests' Playwright
    (whose synchronous API keeps a loop running in the thread that uses it) cannot be seen."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(work).result()


def on_a_loop_of_its_own(coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """The coroutine ``coroutine()`` makes, run to its end on a new event loop in a fresh thread."""
    import asyncio

    return in_a_thread_of_its_own(lambda: asyncio.run(coroutine()))
