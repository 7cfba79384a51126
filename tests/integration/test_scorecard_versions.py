"""Scorecard versions: validated creation, activation, selection per conversation, history and previews."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from qa_app.extensions import db
from qa_app.models import AuditEntry, Evaluation, ScorecardVersion
from qa_app.services import NotFound, ServiceError, ingest, preview, scorecards, scoring
from scoring.catalog import shipped_scorecard_texts
from scoring.checks import BUILTIN_CHECKS
from scoring.scorecard import parse_scorecard

START = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
GOOD = [("customer", "Hello, my jacket is too small, can I return it?"),
        ("agent", "Hello, thank you for contacting us, my name is Sam. Could you give me your order number?"),
        ("customer", "It's 12345, thanks."),
        ("agent", "Thanks, I can see order 12345. It needs to be unworn with the tags on, within 30 days from "
                  "delivery. I've emailed a free return label; the refund follows within 3 working days."),
        ("customer", "Great, thank you so much."),
        ("agent", "Is there anything else I can help you with? Have a great day.")]
RUDE = [("customer", "My parcel still hasn't arrived, this is ridiculous."),
        ("agent", "Calm down, that's your fault."),
        ("customer", "Unacceptable.")]


def record(external_id: str, lines, channel: str = "chat", queue: str = "returns", language: str = "en",
           minutes: int = 0) -> dict:
    """A canonical conversation; `minutes` after START, agent replies after 10 s."""
    start = START + timedelta(minutes=minutes)
    return {"id": external_id, "agent": "sam.new", "channel": channel, "queue": queue, "language": language,
            "started_at": start.isoformat(),
            "turns": [{"speaker": s, "text": t, "at": (start + timedelta(seconds=10 * i)).isoformat()}
                      for i, (s, t) in enumerate(lines)]}


def store(*records) -> None:
    summary = ingest.ingest_dicts(list(records), "test", ingest.IngestOptions(create_agents=True))
    assert summary.failed == 0, summary.errors


def card_text(name: str = "general-en", **replace: str) -> str:
    text = shipped_scorecard_texts()[name]
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def audit_entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity == "scorecard_version", AuditEntry.action == action).order_by(AuditEntry.id)))


def versions(name: str) -> list[tuple[int, bool]]:
    return [(r.version, r.active) for r in scorecards.versions_of(name)]


def final_scorecard(external_id: str) -> str:
    from qa_app.services import conversations
    conv = conversations.by_external_id(external_id)
    return conversations.final_evaluation(conv.id).scorecard_version.name


# ---------------------------------------------------------------- shipped cards and selection

def test_every_shipped_scorecard_is_stored_as_active_version_1(app):
    assert {r.name: (r.version, r.active) for r in scorecards.all_versions()} == {
        "ecommerce-aftersales-zh": (1, True), "ecommerce-chat-en": (1, True), "general-en": (1, True)}


@pytest.mark.parametrize("channel, queue, language, expected", [
    ("chat", "returns", "en", "ecommerce-chat-en"),
    ("chat", "Complaints", "en", "ecommerce-chat-en"),
    ("call", "returns", "en", "general-en"),
    ("chat", "billing", "en", "general-en"),
    ("chat", "returns", "zh", "ecommerce-aftersales-zh"),
])
def test_each_conversation_is_scored_with_the_most_specific_active_scorecard(
        app, fake_sentiment, channel, queue, language, expected):
    store(record("c1", GOOD, channel=channel, queue=queue, language=language))
    scoring.score_pending()
    assert final_scorecard("c1") == expected


# ---------------------------------------------------------------- creating and activating versions

def test_a_new_version_is_the_next_number_and_a_draft_until_activated(app):
    row = scorecards.create_version(card_text(**{"seconds: 10": "seconds: 15"}))
    assert (row.name, row.version, row.active) == ("general-en", 2, False)
    assert versions("general-en") == [(2, False), (1, True)]
    assert audit_entries("create")[-1].after == {"name": "general-en", "version": 2}
    assert audit_entries("activate") == []


def test_activating_a_version_deactivates_the_previous_one_and_is_audited(app, make_user):
    admin = make_user("boss", "admin")
    scorecards.create_version(card_text(**{"seconds: 10": "seconds: 15"}), actor=admin)
    scorecards.activate("general-en", 2, actor=admin)
    assert versions("general-en") == [(2, True), (1, False)]
    (entry,) = audit_entries("activate")
    assert entry.user_id == admin.id
    assert entry.before == {"name": "general-en", "active_version": 1}
    assert entry.after == {"name": "general-en", "active_version": 2}
    scorecards.activate("general-en", 1, actor=admin)
    assert versions("general-en") == [(2, False), (1, True)]


def test_importing_with_activation_makes_the_new_version_the_only_active_one(app):
    scorecards.create_version(card_text(**{"seconds: 10": "seconds: 15"}), activate=True)
    scorecards.create_version(card_text(**{"seconds: 10": "seconds: 25"}), activate=True)
    assert versions("general-en") == [(3, True), (2, False), (1, False)]
    assert [r.version for r, _ in scorecards.active_versions() if r.name == "general-en"] == [3]


def test_a_new_name_starts_at_version_1(app):
    row = scorecards.create_version(card_text(**{"name: general-en": "name: general-en-pilot"}), activate=True)
    assert (row.name, row.version, row.active) == ("general-en-pilot", 1, True)
    assert versions("general-en") == [(1, True)]


@pytest.mark.parametrize("text, expected", [
    (card_text(**{"within_first_agent_turns: 1": "within_first_agent_turns: 0"}),
     ["sections[0].criteria[0].check.within_first_agent_turns: must be a positive integer"]),
    (card_text(**{"weight: 12": "weight: -1", "type: not_abandoned": "type: mood"}),
     ["sections[1].criteria[0].weight: must be a positive number",
      "sections[3].criteria[1].check.type: unknown check type 'mood'"]),
    (card_text(**{"name: general-en": "name: General EN"}),
     ["name: must be lower-case letters, digits, - and _"]),
    ("name: x\nchannels: [chat\n", ["line 3, column 1: expected ',' or ']'"]),
    ("", ["scorecard: the document is empty"]),
    ("name: a\nname: b\n", ["duplicate key 'name'"]),
    ("- just\n- a list\n", ["scorecard: must be a mapping"]),
])
def test_an_invalid_definition_is_refused_with_every_field_path_and_nothing_is_stored(app, text, expected):
    before = len(scorecards.all_versions())
    with pytest.raises(scorecards.InvalidScorecard) as caught:
        scorecards.create_version(text, activate=True)
    for part in expected:
        assert any(part in e for e in caught.value.errors), (part, caught.value.errors)
    assert caught.value.errors == scorecards.validation_errors(text)
    assert len(scorecards.all_versions()) == before
    assert audit_entries("activate") == []


def test_the_web_editor_refuses_a_definition_that_names_another_scorecard(app):
    with pytest.raises(scorecards.InvalidScorecard, match="name: must stay 'general-en'"):
        scorecards.create_version(card_text("ecommerce-chat-en"), expected_name="general-en")
    assert versions("ecommerce-chat-en") == [(1, True)]


def test_a_stored_definition_that_no_longer_validates_is_never_activated(app):
    row = scorecards.create_version(card_text(**{"seconds: 10": "seconds: 15"}))
    broken = dict(row.definition, sections=[dict(row.definition["sections"][0], criteria=[
        dict(row.definition["sections"][0]["criteria"][0], check={"type": "uninstalled_plugin"})])])
    row.definition = broken
    db.session.commit()
    with pytest.raises(scorecards.InvalidScorecard, match=r"sections\[0\].criteria\[0\].check.type"):
        scorecards.activate("general-en", 2)
    db.session.rollback()
    assert versions("general-en") == [(2, False), (1, True)]


@pytest.mark.parametrize("name, version, message", [
    ("nope", 1, "no scorecard called 'nope' (known: ecommerce-aftersales-zh, ecommerce-chat-en, general-en)"),
    ("general-en", 7, "scorecard 'general-en' has no version 7 (versions: 1)"),
])
def test_activating_an_unknown_scorecard_or_version_names_what_exists(app, name, version, message):
    with pytest.raises(NotFound) as caught:
        scorecards.activate(name, version)
    assert str(caught.value) == message


def test_find_version_gives_the_active_version_unless_one_is_named(app):
    scorecards.create_version(card_text(**{"seconds: 10": "seconds: 15"}))
    assert scorecards.find_version("general-en").version == 1
    assert scorecards.find_version("general-en", 2).version == 2
    assert "seconds: 15" in scorecards.definition_yaml(scorecards.find_version("general-en", 2))


# ---------------------------------------------------------------- history

def test_old_evaluations_keep_the_version_and_score_they_were_made_with(app, fake_sentiment):
    store(record("c1", GOOD, channel="call"))
    scoring.score_pending()
    (first,) = db.session.scalars(db.select(Evaluation)).all()
    first_id, first_score, first_version = first.id, first.score, first.scorecard_version.version
    # Version 2 wants every closing phrase at once, which no agent says, so the rescore is lower.
    closing = "label: closing\n          speaker: agent\n"
    scorecards.create_version(card_text(**{closing: closing + "          mode: all\n"}), activate=True)
    assert scoring.score_pending().scored == 1
    old, new = db.session.scalars(db.select(Evaluation).order_by(Evaluation.id)).all()
    assert (old.id, old.score, old.scorecard_version.version) == (first_id, first_score, first_version) == (
        first_id, 100.0, 1)
    assert new.scorecard_version.version == 2 and new.score < old.score and new.is_final and not old.is_final


def test_the_list_counts_versions_and_evaluations_per_scorecard(app, fake_sentiment):
    store(record("c1", GOOD), record("c2", RUDE, queue="logistics", minutes=1), record("c3", GOOD, channel="call"))
    scoring.score_pending()
    scorecards.create_version(card_text(**{"seconds: 10": "seconds: 15"}))
    rows = {r["name"]: r for r in scorecards.summaries()}
    assert rows["ecommerce-chat-en"] == {
        "name": "ecommerce-chat-en", "title": "E-commerce chat (English)", "active_version": 1,
        "latest_version": 1, "versions": 1, "language": "en", "channels": ["chat"],
        "queues": ["returns", "refunds", "logistics", "complaints"], "evaluations": 2}
    assert (rows["general-en"]["versions"], rows["general-en"]["active_version"],
            rows["general-en"]["latest_version"], rows["general-en"]["evaluations"]) == (2, 1, 2, 1)


# ---------------------------------------------------------------- preview

def _counts() -> tuple[int, int]:
    return (db.session.scalar(db.select(db.func.count()).select_from(Evaluation)),
            db.session.scalar(db.select(db.func.count()).select_from(ScorecardVersion)))


def test_a_preview_of_an_unchanged_card_matches_the_active_version_and_stores_nothing(app, fake_sentiment):
    store(record("c1", GOOD), record("c2", RUDE, queue="logistics", minutes=1))
    before = _counts()
    doc = preview.preview(scorecards.parse_text(card_text("ecommerce-chat-en")), last=10)
    assert _counts() == before and not db.session.new and not db.session.dirty
    assert doc["n"] == 2 and doc["note"] == "only 2 conversations fit the draft"
    assert doc["active"] == {"name": "ecommerce-chat-en", "version": 1}
    assert doc["totals"]["draft"] == doc["totals"]["active"]
    assert doc["totals"]["draft"]["min"] == 0.0 and doc["totals"]["draft"]["auto_failed_share"] == 0.5
    assert doc["changed"] == 0 and doc["changes"] == []
    forbidden = next(c for c in doc["criteria"] if c["id"] == "forbidden_phrases")
    assert forbidden["draft"] == forbidden["active"] == {"pass": 1, "fail": 1, "na": 0}


def test_a_preview_shows_what_a_changed_rule_would_do(app, fake_sentiment):
    store(record("c1", GOOD), record("c2", RUDE, queue="logistics", minutes=1))
    critical = "weight: 4\n        critical: true"
    lenient = card_text("ecommerce-chat-en", **{critical: critical.replace("true", "false")})
    doc = preview.preview(scorecards.parse_text(lenient), last=10)
    assert doc["totals"]["draft"]["auto_failed_share"] == 0.0
    assert doc["totals"]["active"]["auto_failed_share"] == 0.5
    assert doc["changed"] == 1 and doc["changes"][0]["conversation"] == "c2"
    assert doc["changes"][0]["active"] == 0.0 and doc["changes"][0]["draft"] > 5


def test_a_preview_scores_only_the_newest_conversations_the_draft_applies_to(app, fake_sentiment):
    store(*[record(f"c{i}", GOOD, minutes=i) for i in range(4)], record("call", GOOD, channel="call", minutes=9))
    doc = preview.preview(scorecards.parse_text(card_text("ecommerce-chat-en")), last=3)
    assert doc["n"] == 3 and doc["note"] == ""
    assert doc["totals"]["draft"]["n"] == 3


def test_a_preview_of_a_card_that_fits_nothing_scores_the_newest_conversations_with_a_note(app, fake_sentiment):
    store(record("c1", GOOD), record("c2", GOOD, minutes=1))
    nowhere = card_text(**{"name: general-en": "name: fr-pilot", "language: en": "language: fr"})
    doc = preview.preview(scorecards.parse_text(nowhere), last=5)
    assert doc["n"] == 2 and "applies to none" in doc["note"]
    assert doc["active"] is None and doc["totals"]["active"] is None
    assert all(c["active"] is None for c in doc["criteria"]) and doc["changed"] == 0


def test_a_preview_lists_criteria_only_the_active_version_has(app, fake_sentiment):
    store(record("c1", GOOD, channel="call"))
    text = card_text(**{"      - id: closing": "      - id: farewell"})
    rows = {c["id"]: c for c in preview.preview(scorecards.parse_text(text), last=5)["criteria"]}
    assert rows["farewell"]["active"] is None and rows["farewell"]["draft"] == {"pass": 1, "fail": 0, "na": 0}
    assert rows["closing"]["draft"] is None
    assert rows["closing"]["active"] == {"pass": 1, "fail": 0, "na": 0}


def test_a_preview_without_conversations_says_so(app, fake_sentiment):
    doc = preview.preview(scorecards.parse_text(card_text()), last=5)
    assert doc["n"] == 0 and doc["note"] == "there are no conversations yet"
    assert doc["totals"]["draft"]["mean"] is None


@pytest.mark.parametrize("last", [0, -1, 1001, True, "5"])
def test_a_preview_needs_a_sensible_number_of_conversations(app, last):
    with pytest.raises(ServiceError, match="between 1 and 1000"):
        preview.preview(scorecards.parse_text(card_text()), last=last)


# ---------------------------------------------------------------- docs/scorecards.md stays true to the code

DOC = Path(__file__).resolve().parents[2] / "docs" / "scorecards.md"


def doc_section(check_type: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"### `{check_type}`")
    end = text.find("\n### ", start + 1)
    return text[start:end if end > 0 else None]


@pytest.mark.parametrize("check_type", sorted(BUILTIN_CHECKS))
def test_the_docs_describe_every_parameter_of_every_built_in_check(check_type):
    # The validator names the parameters it knows when it meets an unknown one.
    (message,) = [m for path, m in BUILTIN_CHECKS[check_type].validate({"zz_probe": 1}) if path == "zz_probe"]
    known = re.search(r"expected one of: (.*)\)", message).group(1).split(", ")
    section = doc_section(check_type)
    assert [p for p in known if f"| `{p}` |" not in section] == []


def test_every_yaml_example_in_the_docs_is_valid():
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    checked = 0
    for block in blocks:
        data = yaml.safe_load(block)
        if "sections" in data:
            parse_scorecard(data)
        elif data.get("type") in BUILTIN_CHECKS:
            params = {k: v for k, v in data.items() if k != "type"}
            assert BUILTIN_CHECKS[data["type"]].validate(params) == [], block
        else:
            continue
        checked += 1
    assert checked == len(BUILTIN_CHECKS) + 1


# ---------------------------------------------------------------- the shipped ecommerce-chat-en card

def chat_check(criterion_id: str, lines, reply_after: int = 10) -> str:
    from scoring.catalog import shipped_scorecard
    from scoring.engine import run_check
    from transcripts.model import Conversation, Turn
    card = shipped_scorecard("ecommerce-chat-en")
    spec = next(c.check for _, c in card.criteria() if c.id == criterion_id)
    turns = tuple(Turn(s, t, at=START + timedelta(seconds=reply_after * i)) for i, (s, t) in enumerate(lines))
    return run_check(Conversation("x", "sam", turns, channel="chat", queue="returns", language="en"), spec).result


@pytest.mark.parametrize("criterion, agent_line, expected", [
    ("data_handling", "Could you give me your full card number and the CVV?", "fail"),
    ("data_handling", "Please type your password so I can log in for you.", "fail"),
    ("data_handling", "Never share your CVV or password with anyone, including us.", "pass"),
    ("data_handling", "Can I have the last four digits of the card number?", "pass"),
    ("return_policy", "Returns are free within 30 days; I've emailed a prepaid return label.", "fail"),  # condition?
    ("return_policy", "Keep it unworn with the tags on: returns are free within 30 days and I've emailed a "
                      "prepaid return label.", "pass"),
    ("return_policy", "Just use the returns portal.", "fail"),
])
def test_the_ecommerce_chat_card_judges_agent_lines(criterion, agent_line, expected):
    assert chat_check(criterion, [("customer", "Hello, I want to send my jacket back."), ("agent", agent_line)]) \
        == expected


# 31 s earns partial credit (a pass with a lower score); from 60 s on the criterion fails.
@pytest.mark.parametrize("seconds, expected", [(10, "pass"), (30, "pass"), (31, "pass"), (61, "fail")])
def test_the_ecommerce_chat_card_wants_a_first_answer_within_30_seconds(seconds, expected):
    lines = [("customer", "Hello, where is my refund?"), ("agent", "Hello, let me check.")]
    assert chat_check("first_response", lines, reply_after=seconds) == expected
