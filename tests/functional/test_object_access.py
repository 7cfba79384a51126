"""Each kind of object, owned by agent A of team London, for its owner, another agent of the same
team, the team's lead and a lead of another team: its page answers as the table says (404 for those
who may not see it: nothing says it exists), and list pages link to it exactly when its page opens.
The world is tests/functional/access_world.py; who may open which route at all is
tests/functional/test_route_matrix.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import pytest

from tests.functional.access_world import WHO, client_of

VIEWERS = ("agent", "other_agent", "lead", "other_lead")


@dataclass(frozen=True)
class Kind:
    """An object's page, the status each viewer gets (in VIEWERS order), the list page that links to
    it, and what must not show on its page even to those who open it (a regex)."""

    name: str
    url: str
    statuses: tuple[int, int, int, int]
    listed_on: Optional[str] = None
    hidden: Optional[str] = None


KINDS = [
    Kind("conversation", "/conversations/{conv}", (200, 404, 200, 404), "/conversations/?agent={login}"),
    Kind("evaluation (review page)", "/review/{conv}", (403, 403, 200, 404)),
    Kind("call audio", "/conversations/{audio_conv}/audio", (200, 404, 200, 404)),
    Kind("dispute", "/disputes/{dispute}", (200, 404, 200, 404), "/disputes/"),
    # the London reviewer answered; the London lead, a rater too, must not see it before close
    Kind("calibration answer before close", "/calibration/{calibration}", (403, 403, 200, 404), "/calibration/",
         hidden=r'<option value="\w+" selected>'),
    Kind("training assignment", "/training/{assignment}", (200, 404, 200, 404), "/training/"),
    Kind("quiz attempt", "/training/{assignment}/attempts/{attempt}", (200, 404, 200, 404)),
    Kind("certificate", "/training/certificates/{certificate}", (200, 404, 200, 404)),
    Kind("coaching note", "/coaching/{coaching}", (200, 404, 200, 404), "/coaching/"),
    Kind("appraisal", "/appraisals/{appraisal}", (200, 404, 200, 404), "/appraisals/"),
]


def _path(url: str) -> str:
    return url.split("?")[0]


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_an_object_opens_for_those_who_may_see_it_and_is_listed_exactly_for_them(world, kind, who):
    app, ids = world
    client = client_of(app, who)
    url = kind.url.format(**ids)
    expected = kind.statuses[VIEWERS.index(who)]
    response = client.get(url)
    assert response.status_code == expected, f"{who} GET {url}"
    if kind.hidden and expected == 200:
        assert not re.search(kind.hidden, response.get_data(as_text=True)), f"{who} sees another's answer"
    if kind.listed_on:
        listing = client.get(kind.listed_on.format(**ids))
        if listing.status_code == 200:
            assert (f'href="{_path(url)}"' in listing.get_data(as_text=True)) is (expected == 200), \
                f"{who}: {kind.listed_on} and {url}"


EXPORTS = ["/reports/appraisal.csv", "/training/effectiveness.xlsx", "/dashboards/qa.json"]


@pytest.mark.parametrize("url", EXPORTS)
@pytest.mark.parametrize("who, shown", [("lead", True), ("other_lead", False)])
def test_an_export_names_agent_a_only_to_those_who_cover_a(world, url, who, shown):
    """The reports' downloads (tests/functional/test_team_visibility.py has the HR and admin side)."""
    import io
    app, _ids = world
    response = client_of(app, who).get(url)
    assert response.status_code == 200, url
    body = response.get_data()
    if url.endswith(".xlsx"):
        from openpyxl import load_workbook
        book = load_workbook(io.BytesIO(body), read_only=True)
        body = " ".join(str(v) for s in book.worksheets for row in s.iter_rows(values_only=True) for v in row)
    else:
        body = body.decode("utf-8")
    assert (WHO["agent"][0] in body) is shown, f"{who} {url}"


def test_the_rater_who_answered_sees_their_own_answer_so_the_hidden_pattern_can_match(world):
    app, ids = world
    page = client_of(app, "reviewer").get(f"/calibration/{ids['calibration']}").get_data(as_text=True)
    assert re.search(KINDS[4].hidden, page)
