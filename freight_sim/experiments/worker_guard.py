"""Worker processes that do not outlive the batch that started them.

A pool worker runs :func:`guard_worker` first: it ignores Ctrl-C (the driver decides how a batch stops)
and exits as soon as the driver process is gone, however it went (``kill -9`` included). On Linux the
kernel sends the worker SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``); everywhere a daemon
thread polls the driver's pid, since with the ``forkserver`` start method a worker's parent is the fork
server rather than the driver.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1
POLL_S = 0.5


def _kill_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, killed but not yet reaped, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def _watch(driver_pid: int, parent_pid: int, poll_s: float) -> None:
    while True:
        time.sleep(poll_s)
        if not process_alive(driver_pid) or os.getppid() != parent_pid:
            os._exit(1)


def guard_worker(driver_pid: int, poll_s: float = POLL_S) -> None:
    """Pool-worker initializer: ignore SIGINT, die with the parent, exit when ``driver_pid`` is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _kill_with_parent()
    threading.Thread(target=_watch, args=(driver_pid, os.getppid(), poll_s), name="driver-watch", daemon=True).start()
