"""The functional tests see the database as the next request would: a service whose commit is
removed makes its tests fail (each request has its own session; nothing the test reads comes
from a session a request wrote into)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# (service function, the functional tests that exercise it through real requests)
CASES = [
    ("qa_app.services.preferences:set_locale",
     ["tests/functional/test_translations.py::test_a_user_who_switches_to_chinese_keeps_it_whatever_the_browser_says",
      "tests/functional/test_web_pages.py::test_the_language_switch_stores_the_choice_and_returns_to_the_page"]),
    ("qa_app.services.review:acknowledge",
     ["tests/functional/test_review_queue.py::test_the_agent_acknowledges_the_final_evaluation_once_and_it_is_audited"]),
    ("qa_app.services.review:submit_review",
     ["tests/functional/test_review_page.py::test_the_overall_comment_is_stored_with_the_review_and_shown_on_the_conversation_page"]),
    ("qa_app.services.surveys:import_text",
     ["tests/functional/test_web_surveys.py::test_admin_hr_and_reviewers_upload_a_file_and_see_the_report_with_bad_lines"
      "[hr1]"]),
]


def _run(tests: list[str], mutate: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, "QADESK_MUTATE": mutate or ""}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.mutation",
                           *tests], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize("target, tests", CASES, ids=[c[0].split(":")[1] for c in CASES])
def test_removing_a_services_commit_makes_its_functional_tests_fail(target, tests):
    intact = _run(tests, None)
    assert intact.returncode == 0, intact.stdout[-2000:]
    mutant = _run(tests, target)
    assert "mutation: removed" in mutant.stdout
    assert mutant.returncode == 1 and f"{len(tests)} failed" in mutant.stdout, mutant.stdout[-2000:]
