"""The password rule: at least 12 characters, not the login, not one of the 20,000 most common."""
from __future__ import annotations

import pytest

from qa_app.password_policy import MIN_LENGTH, common_passwords, problem
from qa_app.demo.values import DEMO_PASSWORD
from tests.conftest import PASSWORD


@pytest.mark.parametrize("password, reason", [
    ("", "at least 12 characters (this one has 0)"),
    ("12345678", "at least 12 characters (this one has 8)"),
    ("short-pass1", "at least 12 characters (this one has 11)"),
    ("q1w2e3r4t5y6", "one of the most common passwords"),
    ("1QAZ2WSX3EDC", "one of the most common passwords"),  # case does not rescue a common one
    ("emma.jones.1", "must not be the login"),
])
def test_a_short_common_or_login_password_is_refused_with_the_reason(password, reason):
    assert reason in problem(password, login="Emma.Jones.1")


@pytest.mark.parametrize("password", ["correct-horse-battery", "Zhang-wei 2026!", "长城长城长城长城长城长城"])
def test_a_long_uncommon_password_is_allowed(password):
    assert problem(password, login="emma.jones") is None


def test_the_shipped_list_is_the_20000_common_passwords_read_from_the_package():
    words = common_passwords()
    assert MIN_LENGTH == 12 and len(words) == 19_640
    assert {"123456", "password", "qwerty", "1qaz2wsx3edc"} <= words


def test_the_test_and_demo_passwords_follow_the_rule():
    assert problem(PASSWORD) is None and problem(DEMO_PASSWORD) is None


def test_the_reason_never_repeats_the_password():
    assert "q1w2e3r4t5y6" not in problem("q1w2e3r4t5y6")
