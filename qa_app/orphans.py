"""Worker processes end when the process that started them is gone.

A pool's workers block reading their task queue, whose write end they hold themselves, so when the
main process dies without shutting the pool down (kill -9, the OOM killer) they would wait forever,
holding memory, locks and the terminal's pipes. A forkserver would not save them either: every
worker it forks holds its "client alive" pipe, so it waits for them in turn. Each worker therefore
watches the process that created it (multiprocessing's parent, the main process under spawn and
forkserver alike) through a pidfd, which becomes readable the moment that process exits, zombie or
not. Where pidfds are missing (not Linux, or Linux before 5.3), it polls for its own reparenting."""
from __future__ import annotations

import multiprocessing
import os
import select
import threading
import time

POLL_SECONDS = 0.5


def exit_with_parent() -> None:
    """From a pool worker's initializer: start a daemon thread that ends this process (status 1)
    once the process that started the pool has exited. Does nothing outside a multiprocessing child."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.pid is None:
        return
    try:
        handle = os.pidfd_open(parent.pid)
    except ProcessLookupError:  # gone before this worker even started
        os._exit(1)
    except (AttributeError, OSError):
        handle = None
    watch = _wait_on_pidfd if handle is not None else _poll_reparenting
    threading.Thread(target=watch, args=(handle,), name="qadesk-parent-watch", daemon=True).start()


def _wait_on_pidfd(handle: int) -> None:
    select.select([handle], [], [])
    os._exit(1)  # no clean-up: the process that owned this work is gone


def _poll_reparenting(_handle: None) -> None:
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)
