"""gunicorn with three worker processes (`gunicorn -w 3 qa_app.wsgi:app`, as deploy/ runs it) under
QADESK_SCHEDULER=external: it serves the app through real HTTP (login with the CSRF token, pages,
an upload), and no web process runs a job: the uploaded recording stays queued and no scheduler
lease is taken until a `qadesk scheduler` beside them transcribes it."""
from __future__ import annotations

import http.cookiejar
import importlib.util
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from qa_app.extensions import db
from qa_app.jobs import LEASE
from qa_app.models import Job
from qa_app.services import jobs, transcription
from tests.clocked import one_clock_env
from tests.conftest import FIXTURES, PASSWORD, ROOT
from tests.functional.test_browser_loop import _free_port, _wait_until_up

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(importlib.util.find_spec("gunicorn") is None,
                                 reason="gunicorn is not installed (a dependency of qadesk: pip install -e .): skipped")]
DEADLINE_SECONDS = 600  # generous: a transcription on a loaded two-core machine; not a timing check


def _env(instance: Path) -> dict:
    return one_clock_env(QADESK_INSTANCE=str(instance), QADESK_SCHEDULER="external",
                         QADESK_SCHEDULER_TICK_SECONDS="1")


@contextmanager
def running(command: list[str], env: dict, log: Path):
    """The command as a process (output to `log`, not a pipe that could fill); stopped on leaving."""
    with open(log, "w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Browser:
    """urllib with a cookie jar: pages, forms with their CSRF token, multipart uploads."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict, files: dict | None = None) -> tuple[str, str]:
        """POST the form at `path` with its CSRF token; (final URL, page) after redirects."""
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path)).group(1)
        boundary = uuid.uuid4().hex
        body = b"".join(_part(boundary, name, value) for name, value in {"csrf_token": token, **fields}.items())
        body += b"".join(_part(boundary, name, data, filename) for name, (filename, data) in (files or {}).items())
        request = urllib.request.Request(self.base + path, data=body + f"--{boundary}--\r\n".encode(),
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        with self.opener.open(request, timeout=120) as response:
            return response.url, response.read().decode()


def _part(boundary: str, name: str, value, filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    data = value if isinstance(value, bytes) else str(value).encode()
    return f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"


def transcription_jobs() -> list[Job]:
    db.session.rollback()  # read as the next process would
    return jobs.by_kind(transcription.KIND, ("queued", "running", "done", "failed"))


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def test_gunicorn_with_three_workers_serves_the_app_and_leaves_every_job_to_the_scheduler(app, instance_dir,
                                                                                          tmp_path):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    gunicorn = [sys.executable, "-m", "gunicorn", "-w", "3", "-b", f"127.0.0.1:{port}", "qa_app.wsgi:app"]
    with running(gunicorn, _env(instance_dir), tmp_path / "gunicorn.log") as web:
        _wait_until_up(url, web)
        browser = Browser(url)
        landed, _ = browser.post("login", {"login": "admin", "password": PASSWORD})
        assert "/login" not in landed
        _, page = browser.post("conversations/upload", {"agent": "ann.call", "create_agents": "y"},
                               {"files": ("call_stereo.ogg", (FIXTURES / "audio" / "call_stereo.ogg").read_bytes())})
        assert "Queued for transcription" in page
        for _ in range(6):  # more requests than workers: whichever worker took the upload has answered again
            assert "Upload conversations" in browser.get("conversations/upload")
        queued = transcription_jobs()
        assert [(j.status, j.attempts) for j in queued] == [("queued", 0)]
        assert jobs.lease_holder(LEASE) is None  # no web process ever beat
        assert len(worker_pids(web.pid)) == 3
        with running([sys.executable, "-m", "qa_app", "scheduler"], _env(instance_dir), tmp_path / "scheduler.log"):
            deadline = time.monotonic() + DEADLINE_SECONDS
            while transcription_jobs()[0].status in ("queued", "running"):
                assert time.monotonic() < deadline, (tmp_path / "scheduler.log").read_text()
                time.sleep(0.5)
        done = transcription_jobs()
        assert [(j.status, j.attempts) for j in done] == [("done", 1)], done[0].error
        assert "call_stereo" in browser.get("conversations/")  # the transcript, served by gunicorn
