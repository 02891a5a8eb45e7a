"""Resource limits while a user's net.py runs: a wall-clock deadline that net.py cannot swallow, and
a cap on the extra memory (address space) it may take.

The deadline raises ``Expired``, a BaseException, so ``except Exception: pass`` in net.py cannot
catch it; it fires again every ``REFIRE`` seconds until tracing stops, so one bare ``except:`` does
not stop it either. If net.py still swallows it ``GRACE`` seconds later, ``on_stuck`` is called:
the command line sets it to print one error line and end the process (exit 2); a library caller
keeps the default (None) and the deadline simply keeps firing.

The memory cap lowers RLIMIT_AS to the current address space plus ``MEMORY_LIMIT`` bytes and
restores the previous limit afterwards, so a list growing forever ends in MemoryError rather than
taking the machine's memory. Both limits apply only in the main thread of a POSIX process.

Owns: deadline, memory_cap, lift, Expired, MEMORY_LIMIT, REFIRE, GRACE, on_stuck.
Never: print or exit by itself, run or import user code, raise a SymcnnError (the tracer does).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

try:
    import resource
except ImportError:  # not POSIX: no memory cap
    resource = None  # type: ignore[assignment]

MEMORY_LIMIT = 2 * 1024**3  # bytes of extra address space net.py may take while it is traced
REFIRE = 0.5  # seconds between repeated deadline signals once the deadline passed
GRACE = 10.0  # seconds after the deadline before on_stuck is called
on_stuck: Callable[[float], None] | None = None
_saved: tuple[int, int] | None = None  # the RLIMIT_AS in force before memory_cap lowered it


class Expired(BaseException):
    """The deadline passed. ``where`` is the net.py line that was running (or None)."""

    def __init__(self, where: Any = None):
        super().__init__(where)
        self.where = where


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def deadline(timeout: float | None, where: Callable[[], Any]) -> Iterator[None]:
    """Raise ``Expired(where())`` in the main thread once ``timeout`` seconds have passed."""
    if not timeout or not hasattr(signal, "setitimer") or not _main_thread():
        yield
        return
    start = time.monotonic()

    def expired(signum, frame):
        if on_stuck is not None and time.monotonic() - start > timeout + GRACE:
            on_stuck(timeout)
        raise Expired(where())

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, timeout, REFIRE)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _address_space() -> int | None:
    """Bytes of address space this process uses now (Linux /proc), or None when unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def memory_cap(limit: int | None = None) -> Iterator[None]:
    """Let the process take at most ``limit`` (default MEMORY_LIMIT) more bytes of address space."""
    limit = MEMORY_LIMIT if limit is None else limit
    used = _address_space() if limit and resource is not None and _main_thread() else None
    if used is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = used + limit
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield
        return
    global _saved
    _saved = (soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        _saved = None
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def lift() -> None:
    """Undo the memory cap now (the first thing to do on MemoryError: handling it needs memory,
    and under the cap every allocation fails). Allocates nothing itself."""
    if _saved is not None:
        resource.setrlimit(resource.RLIMIT_AS, _saved)


__all__ = ["GRACE", "MEMORY_LIMIT", "REFIRE", "Expired", "deadline", "lift", "memory_cap", "on_stuck"]
