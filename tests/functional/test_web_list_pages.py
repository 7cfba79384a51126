"""List pages go past any fixed limit: true totals, every row on exactly one page, search and filters kept."""
from __future__ import annotations

import html
import json
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import PASSWORD

START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
ROW = re.compile(r'href="/conversations/\d+">([\w-]+)</a>')


def record(external_id: str, agent: str, hour: int | None, words: str = "Where is my parcel?",
           channel: str = "chat") -> dict:
    """A two-turn chat; `hour` None gives a conversation with no start (turns timed by offset only)."""
    at = None if hour is None else (START + timedelta(hours=hour)).isoformat()
    turns = [{"speaker": "customer", "text": words}, {"speaker": "agent", "text": "Hello, let me look."}]
    turns = [dict(t, at=at) if at else dict(t, start=2.0 * i, end=2.0 * i + 1) for i, t in enumerate(turns)]
    return {"id": external_id, "agent": agent, "channel": channel, "customer": f"cust-{external_id}",
            **({"started_at": at} if at else {}), "turns": turns}


def store(*records: dict) -> None:
    from qa_app.services import ingest
    ingest.ingest_text("".join(json.dumps(r) + "\n" for r in records), "list.ndjson",
                       ingest.IngestOptions(create_agents=True))


def ids_on(response) -> list[str]:
    assert response.status_code == 200
    return ROW.findall(response.get_data(as_text=True))


def link(response, rel: str) -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', response.get_data(as_text=True))
    return html.unescape(found.group(1)) if found else None


def showing(response) -> str:
    return html.unescape(re.search(r"<span data-showing>([^<]+)</span>", response.get_data(as_text=True)).group(1))


@pytest.fixture
def thirteen(client, auth, make_user):
    """13 conversations of agent1: 9 with a start (hours 0..8), 4 with none; rev1 is signed in."""
    make_user("rev1", "reviewer")
    make_user("agent1", "agent", team="team-a")
    make_user("agent2", "agent", team="team-a")
    store(*(record(f"t-{h}", "agent1", h) for h in range(9)), *(record(f"none-{i}", "agent1", None) for i in range(4)))
    auth.login("rev1", PASSWORD)
    return client


NEWEST_FIRST = [f"t-{h}" for h in range(8, -1, -1)]


def test_the_first_page_shows_the_true_total_and_the_newest_rows(thirteen):
    first = thirteen.get("/conversations/?per_page=5")
    assert showing(first) == "Showing 1–5 of 13"
    assert ids_on(first) == NEWEST_FIRST[:5]


def test_following_next_links_reaches_every_row_once_including_those_without_a_start(thirteen):
    seen, url, pages = [], "/conversations/?per_page=5", []
    while url:
        response = thirteen.get(url)
        seen += ids_on(response)
        pages.append(showing(response))
        url = link(response, "next")
    assert pages == ["Showing 1–5 of 13", "Showing 6–10 of 13", "Showing 11–13 of 13"]
    assert seen[:9] == NEWEST_FIRST
    assert sorted(seen[9:]) == [f"none-{i}" for i in range(4)] and len(seen) == len(set(seen)) == 13


def test_page_two_by_number_has_the_rows_after_page_one(thirteen):
    assert ids_on(thirteen.get("/conversations/?per_page=5&page=2")) == NEWEST_FIRST[5:9] + ["none-3"]


def test_previous_links_walk_back_to_the_first_page(thirteen):
    forward = [thirteen.get("/conversations/?per_page=5")]
    while (url := link(forward[-1], "next")):
        forward.append(thirteen.get(url))
    back = thirteen.get(link(forward[-1], "prev"))
    assert ids_on(back) == ids_on(forward[1]) and showing(back) == "Showing 6–10 of 13"
    first = thirteen.get(link(back, "prev"))
    assert ids_on(first) == ids_on(forward[0]) and link(first, "prev") is None


def test_a_row_added_meanwhile_does_not_repeat_a_row_on_the_next_page(thirteen):
    first = thirteen.get("/conversations/?per_page=5")
    store(record("newer", "agent1", 20))
    second = thirteen.get(link(first, "next"))
    assert ids_on(second) == NEWEST_FIRST[5:9] + ["none-3"]
    assert showing(second) == "Showing 7–11 of 14"


@pytest.mark.parametrize("query", ["page=-3", "page=abc", "page=0", "page=99999999999999999999999999",
                                   "per_page=-1", "per_page=lots", "after=not-a-cursor", "before=%%%"])
def test_bad_paging_arguments_show_a_page_rather_than_an_error(thirteen, query):
    response = thirteen.get(f"/conversations/?{query}")
    assert response.status_code == 200
    assert ids_on(response), "an out-of-range page still shows the nearest real page"


def test_a_page_past_the_end_shows_the_last_page(thirteen):
    response = thirteen.get("/conversations/?per_page=5&page=999")
    assert showing(response) == "Showing 11–13 of 13"


def test_filters_and_search_survive_in_page_links(thirteen):
    response = thirteen.get("/conversations/?per_page=2&q=parcel&channel=chat&agent=agent1")
    for rel in ("next",):
        args = parse_qs(urlsplit(link(response, rel)).query)
        assert args["q"] == ["parcel"] and args["channel"] == ["chat"] and args["agent"] == ["agent1"]
        assert args["per_page"] == ["2"]
    numbered = re.findall(r'<a href="(/conversations/\?[^"]+)">3</a>', response.get_data(as_text=True))
    assert numbered and "q=parcel" in html.unescape(numbered[0]) and "channel=chat" in html.unescape(numbered[0])


@pytest.fixture
def two_agents(client, auth, make_user):
    make_user("rev1", "reviewer")
    make_user("agent1", "agent", team="team-a")
    make_user("agent2", "agent", team="team-b")
    store(record("own-1", "agent1", 1, words="My parcel never came"),
          record("other-1", "agent2", 2, words="My parcel is broken", channel="email"),
          record("other-2", "agent2", 3, words="A refund for the toaster please"))
    return client, auth


@pytest.mark.parametrize("q, found", [("other-2", ["other-2"]), ("OTHER", ["other-2", "other-1"]),
                                      ("agent2", ["other-2", "other-1"]), ("toaster", ["other-2"]),
                                      ("PARCEL", ["other-1", "own-1"]), ("cust-own", ["own-1"]),
                                      ("100%", [])])
def test_search_finds_conversations_by_id_agent_customer_and_words_said(two_agents, q, found):
    client, auth = two_agents
    auth.login("rev1", PASSWORD)
    assert ids_on(client.get("/conversations/", query_string={"q": q})) == found


@pytest.mark.parametrize("q", ["other", "agent2", "toaster", "parcel", "broken"])
def test_an_agent_searching_never_finds_another_agents_conversation(two_agents, q):
    client, auth = two_agents
    auth.login("agent1", PASSWORD)
    assert set(ids_on(client.get("/conversations/", query_string={"q": q}))) <= {"own-1"}


@pytest.mark.parametrize("query, found", [("channel=email", ["other-1"]), ("period=2026-11", ["other-2", "other-1", "own-1"]),
                                          ("period=2026-10", []), ("review=unscored", ["other-2", "other-1", "own-1"]),
                                          ("review=reviewed", []), ("team=team-b&q=parcel", ["other-1"])])
def test_filters_narrow_the_list(two_agents, query, found):
    client, auth = two_agents
    auth.login("rev1", PASSWORD)
    assert ids_on(client.get(f"/conversations/?{query}")) == found


@pytest.mark.parametrize("query", ["period=someday", "review=maybe"])
def test_a_bad_filter_says_what_is_wrong(two_agents, query):
    client, auth = two_agents
    auth.login("rev1", PASSWORD)
    response = client.get(f"/conversations/?{query}")
    assert response.status_code == 400 and "Not filtered" in html.unescape(response.get_data(as_text=True))


@pytest.fixture
def said(client, auth, make_user):
    make_user("rev1", "reviewer")
    make_user("agent1", "agent", team="team-a")
    store(record("zh-1", "agent1", 1, words="我的包裹没到，请帮我查一下"),
          record("en-1", "agent1", 2, words="The courier left my parcel at the wrong door"),
          record("en-2", "agent1", 3, words="Please cancel my subscription"))
    auth.login("rev1", PASSWORD)
    return client


@pytest.mark.parametrize("q, found", [("包裹", ["zh-1"]), ("包裹没到", ["zh-1"]), ("courier", ["en-1"]),
                                      ("COURIER LEFT", ["en-1"]), ("subscr", ["en-2"]), ("my", ["en-2", "en-1"]),
                                      ('"parcel"', []), ("wrong door", ["en-1"]), ("elephant", [])])
def test_full_text_search_finds_words_said_in_any_language(said, q, found):
    assert ids_on(said.get("/conversations/", query_string={"q": q})) == found


def test_an_erased_customer_is_no_longer_found_by_what_was_said(said, cli):
    assert ids_on(said.get("/conversations/?q=courier")) == ["en-1"]
    assert cli("erase", "--customer", "cust-en-1").exit_code == 0
    assert ids_on(said.get("/conversations/?q=courier")) == []
    assert ids_on(said.get("/conversations/?q=cust-en-1")) == []
