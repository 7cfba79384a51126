"""The check registry: built-ins, and plugins from the "qadesk.checks" entry-point group, loaded lazily."""
import textwrap

import pytest

from scoring import checks
from scoring.checks import registry
from scoring.engine import evaluate
from scoring.scorecard import ScorecardError, parse_scorecard
from scoring_testkit import DictSentiment, conv

PLUGIN = '''
from scoring.checks import CheckOutcome, CheckType

def run_shouting(conversation, params, context):
    loud = [i for i, t in enumerate(conversation.turns) if t.is_agent and t.text.isupper()]
    if loud:
        return CheckOutcome.failed(f"shouting in {len(loud)} turns")
    return CheckOutcome.passed("no shouting")

def validate(params):
    return [] if set(params) <= {"level"} else [("", "only level is allowed")]

CHECK = CheckType("ignored-name", run_shouting, validate)

def run_plain(conversation, params, context):
    return CheckOutcome.na("plain plugin")
'''

ENTRY_POINTS = """
[qadesk.checks]
shouting = qadesk_plugin_fixture:CHECK
plain = qadesk_plugin_fixture:run_plain
broken = qadesk_plugin_fixture:does_not_exist
phrases_absent = qadesk_plugin_fixture:run_plain
"""


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """A real installed distribution (dist-info on sys.path) that declares qadesk.checks entry points."""
    (tmp_path / "qadesk_plugin_fixture.py").write_text(textwrap.dedent(PLUGIN))
    dist = tmp_path / "qadesk_plugin_fixture-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: qadesk-plugin-fixture\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(ENTRY_POINTS)
    monkeypatch.syspath_prepend(str(tmp_path))
    checks.reload_plugins()
    yield
    checks.reload_plugins()


def card(check: dict) -> dict:
    return {"name": "p", "title": "P", "language": "en", "sections": [{"id": "s", "title": "S", "criteria": [
        {"id": "c", "title": "C", "weight": 1, "check": check}]}]}


def test_a_plugin_check_type_is_found_under_its_entry_point_name(plugin):
    found = checks.get_check("shouting")
    assert (found.name, found.run.__name__) == ("shouting", "run_shouting")
    assert "shouting" in checks.check_types()


def test_a_plugin_validates_its_parameters_in_the_scorecard_parser(plugin):
    with pytest.raises(ScorecardError) as caught:
        parse_scorecard(card({"type": "shouting", "volume": 11}))
    assert caught.value.errors == ["sections[0].criteria[0].check: only level is allowed"]


def test_a_plugin_check_runs_in_an_evaluation(plugin):
    result = evaluate(conv(("a", "WHAT DO YOU WANT")), parse_scorecard(card({"type": "shouting"})), DictSentiment())
    assert (result.criteria[0].result, result.criteria[0].explanation, result.score) == ("fail", "shouting in 1 turns",
                                                                                          0.0)


def test_a_bare_function_plugin_accepts_any_parameters(plugin):
    parsed = parse_scorecard(card({"type": "plain", "anything": [1, 2]}))
    assert evaluate(conv(("a", "x")), parsed, None).criteria[0].explanation == "plain plugin"


def test_a_plugin_that_fails_to_load_is_named_in_the_error(plugin):
    with pytest.raises(checks.UnknownCheckType) as caught:
        checks.get_check("broken")
    assert "unknown check type 'broken': plugin qadesk_plugin_fixture:does_not_exist failed to load" in str(caught.value)


def test_a_plugin_cannot_replace_a_built_in_check(plugin):
    assert checks.get_check("phrases_absent") is checks.BUILTIN_CHECKS["phrases_absent"]


def test_built_in_checks_never_scan_the_entry_points(monkeypatch):
    def explode(**kwargs):
        raise AssertionError("entry points scanned")

    monkeypatch.setattr(registry.metadata, "entry_points", explode)
    checks.reload_plugins()
    try:
        assert checks.get_check("phrases_present").name == "phrases_present"
    finally:
        checks.reload_plugins()


def test_an_unknown_check_type_lists_the_known_ones():
    with pytest.raises(checks.UnknownCheckType) as caught:
        checks.get_check("telepathy")
    assert str(caught.value).startswith("unknown check type 'telepathy' (known: agent_never_negative, ")


def test_every_built_in_check_is_registered_under_its_own_name():
    assert sorted(checks.BUILTIN_CHECKS) == sorted([
        "phrases_present", "phrases_absent", "customer_sentiment_end", "ordered_steps", "data_handling",
        "escalation_offered", "sentiment_not_worse", "agent_never_negative", "first_response_within",
        "response_times_within", "dead_air", "hold_etiquette", "overtalk", "talk_ratio", "ticket_time_limits",
        "intent_present", "intent_absent", "steps_covered", "not_abandoned"])
    assert all(name == c.name and c.description for name, c in checks.BUILTIN_CHECKS.items())
