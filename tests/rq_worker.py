"""`python -m tests.rq_worker ARGS` is `qadesk ARGS` with two test-only job kinds that workers
can run (registered through qa_app.broker.register_handler, the same way as any other kind):

- "test_wait" finishes only once the file named by payload["release"] exists, so a test can kill
  its worker while it is certainly still running;
- "test_count" appends a line to the file payload["log"], so a test can count how often it ran.
"""
from __future__ import annotations

import time
from pathlib import Path

from qa_app import broker
from qa_app.cli import main

WAIT_LIMIT_SECONDS = 600  # a worker the test forgot must not wait for ever


def wait_for_release(payload: dict) -> dict:
    release = Path(payload["release"])
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while not release.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{release} never appeared")
        time.sleep(0.2)
    return {"released": True}


def count_run(payload: dict) -> dict:
    with open(payload["log"], "a", encoding="utf-8") as log:
        log.write("ran\n")
    return {"counted": True}


broker.register_handler("test_wait", wait_for_release)
broker.register_handler("test_count", count_run)

if __name__ == "__main__":
    main()
