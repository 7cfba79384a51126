"""Every route of the URL map, by every kind of person, against the one declared table
(tests/functional/route_expectations.py): GET for all, and a POST by anyone the table refuses is
answered 403/404 (strangers: the login page) and changes no stored row.

The world (tests/functional/access_world.py, fixture `world` in tests/functional/conftest.py) is the demo plus one object of each kind owned by agent A
of team London; "other_agent" is an agent of the same team, "other_lead" a lead of Shanghai only.
CSRF is off in this app so that what refuses a POST is the permission check, not a missing token.
"""
from __future__ import annotations

import re

import pytest

from tests.functional import access_world
from tests.functional.route_expectations import ROUTES



def _refused(who: str, status: int) -> bool:
    """Whether the table refuses `who` this POST: 403/404, or the login page for a stranger."""
    return status in (403, 404) or who == "anonymous"


def _fill(text: str, params: dict) -> str:
    return text.format(**params)


def test_every_rule_of_the_url_map_has_exactly_one_entry_in_the_route_table(world):
    """A new route fails here until its roles are declared in route_expectations.ROUTES."""
    app, _ = world
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - set(ROUTES)) == [], "routes without an entry in route_expectations.ROUTES"
    assert sorted(set(ROUTES) - endpoints) == [], "entries in route_expectations.ROUTES naming no route"


def test_each_entry_declares_every_method_its_rule_answers(world):
    app, _ = world
    missing = []
    for rule in app.url_map.iter_rules():
        entry = ROUTES.get(rule.endpoint)
        if entry is None:
            continue
        for method, expect in (("GET", entry.get), ("POST", entry.post)):
            if method in rule.methods and expect is None and rule.endpoint not in LEFT_TO_OTHER_FILES:
                missing.append(f"{method} {rule.rule}")
            if method not in rule.methods and expect is not None:
                missing.append(f"{rule.rule} has no {method}")
    assert missing == []


# POST rules the matrix does not send (each has its own test of who may use it)
LEFT_TO_OTHER_FILES = {
    "auth.login",  # everyone may try; throttling: tests/integration/test_login_throttle.py
    "auth.logout",  # anyone logged in logs themselves out
    "home.set_language",  # one's own preference
    "notifications.mark_read",  # one's own notifications (tests/functional/test_email_notifications.py)
    "api.post_conversations",  # bearer tokens, not sessions: tests/functional/test_api.py
}


@pytest.mark.parametrize("who", access_world.WORLD_ROLES)
def test_each_role_gets_the_declared_answer_on_every_page(world, who):
    app, params = world
    client = access_world.client_of(app, who)
    wrong = []
    for endpoint, entry in sorted(ROUTES.items()):
        if entry.get is None:
            continue
        url = _fill(entry.url, params)
        response = client.get(url)
        expected = entry.get[who]
        if response.status_code != expected:
            wrong.append(f"GET {url} ({endpoint}): {response.status_code}, declared {expected}")
        elif expected == 302 and who == "anonymous" and not response.location.startswith("/login"):
            wrong.append(f"GET {url}: sent to {response.location}, not the login page")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("who", access_world.WORLD_ROLES)
def test_a_post_the_table_refuses_is_answered_so_and_changes_nothing(world, who):
    app, params = world
    client = access_world.client_of(app, who)
    wrong = []
    for endpoint, entry in sorted(ROUTES.items()):
        if entry.post is None or not _refused(who, entry.post[who]):
            continue
        url = _fill(entry.url, params)
        before = access_world.snapshot()
        response = client.post(url, data={k: _fill(v, params) for k, v in entry.form.items()})
        if response.status_code != entry.post[who]:
            wrong.append(f"POST {url} ({endpoint}) by {who}: {response.status_code}, declared {entry.post[who]}")
        after = access_world.snapshot()
        changed = sorted(t for t in before if before[t] != after[t])
        if changed:
            wrong.append(f"POST {url} ({endpoint}) by {who} changed {changed}")
    assert not wrong, "\n".join(wrong)
