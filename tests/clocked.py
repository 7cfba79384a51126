"""`python -m tests.clocked INSTANT ARGS...` runs `qadesk ARGS` in its own process with the product's
clock set to INSTANT (ISO 8601 with an offset) and ticking from there: the `frozen_clock` fixture
of tests/conftest.py for a real process (several schedulers at once, a server).

time-machine rather than libfaketime: it is a test dependency everywhere the suite runs, and it
also overrides a clock libfaketime already fakes (`make test-dates`), so the instant is the test's.
"""
from __future__ import annotations

import os
import sys
from datetime import datetime

import time_machine


def one_clock_env(**extra: str) -> dict[str, str]:
    """This environment for a child process without libfaketime (`make test-dates`), plus `extra`:
    under it every process starts its own fake clock at its own start, so the processes of one
    deployment (web workers, schedulers) would disagree about the time, which they share in the database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKETIME", "DONT_FAKE_MONOTONIC"))}
    preload = [p for p in env.pop("LD_PRELOAD", "").split() if "faketime" not in p]
    return {**env, **({"LD_PRELOAD": " ".join(preload)} if preload else {}), **extra}


def main(argv: list[str]) -> None:
    """Travel to argv[0], then run the qadesk command line argv[1:] (exits with its status)."""
    instant = datetime.fromisoformat(argv[0])
    if instant.tzinfo is None:
        raise SystemExit(f"{argv[0]}: give the instant with its UTC offset")
    from qa_app.cli import main as qadesk  # imported first, so start-up does not eat into the test's time
    time_machine.travel(instant, tick=True).start()
    qadesk(argv[1:], prog_name="qadesk")


if __name__ == "__main__":
    main(sys.argv[1:])
