"""Appraisal templates read from YAML with errors naming the field path, written back, and matched to agents."""
from __future__ import annotations

import pytest

from training.appraisal_snapshot import changes, snapshot
from training.appraisal_templates import (KINDS, TemplateError, default_templates, parse_templates_yaml,
                                          template_for, templates_yaml)
from training.kpis import AgentFacts, RatingFact, ScoreFact, appraise

GOOD = """templates:
  - code: team-x
    title: Team X
    teams: [London]
    min_n: 3
    bands: [{name: Exceeds, at_least: 4}, {name: Below, at_least: 0}]
    kpis:
      - kind: qa_score
        weight: 2
        target: 85
        scale: [{rating: 5, at_least: 90}, {rating: 1, at_least: 0}]
      - kind: critical_failures
        weight: 1
        target: 0
        min_n: 8
        scale: [{rating: 5, at_most: 0}, {rating: 1, at_most: 100}]
"""


def test_a_template_file_reads_with_defaults_and_writes_back_to_the_same_templates():
    templates = parse_templates_yaml(GOOD, "t.yaml")
    t = templates[0]
    assert (t.code, t.teams, [k.min_n for k in t.kpis], [k.label for k in t.kpis]) == (
        "team-x", ("London",), [3, 8], ["qa score", "critical failures"])
    assert parse_templates_yaml(templates_yaml(templates), "again.yaml") == templates


@pytest.mark.parametrize("old, new, message", [
    ("kind: qa_score", "kind: speed", "t.yaml: templates[0].kpis[0].kind: unknown KPI 'speed'"),
    ("weight: 2", "weight: 0", "t.yaml: templates[0].kpis[0].weight: must be above 0"),
    ("weight: 2", "weight: two", "t.yaml: templates[0].kpis[0].weight: must be a number"),
    ("{rating: 1, at_least: 0}]\n      - kind: crit", "{rating: 1, at_most: 0}]\n      - kind: crit",
     "t.yaml: templates[0].kpis[0].scale[1].at_most: unknown field"),
    ("{rating: 1, at_least: 0}", "{rating: 6, at_least: 0}", "templates[0].kpis[0].scale[1].rating: must be below"),
    ("{rating: 1, at_least: 0}", "{rating: 1, at_least: 95}", "templates[0].kpis[0].scale[1].at_least: must be below"),
    ("{name: Below, at_least: 0}", "{name: Below, at_least: 5}", "templates[0].bands[1].at_least: must be below"),
    ("min_n: 8", "min_n: 0", "templates[0].kpis[1].min_n: must be a whole number of at least 1"),
    ("kind: critical_failures", "kind: qa_score", "templates[0].kpis[1].scale[0].at_most: unknown field (known: rating, at_least)"),
    ("    title: Team X\n", "", "templates[0].title: is required"),
    ("    teams: [London]\n", "    team: London\n", "templates[0].team: unknown field"),
])
def test_a_bad_template_is_refused_with_the_file_and_field_path(old, new, message):
    assert old in GOOD
    with pytest.raises(TemplateError) as caught:
        parse_templates_yaml(GOOD.replace(old, new, 1), "t.yaml")
    assert message in str(caught.value)


def test_a_kpi_listed_twice_is_refused():
    twice = GOOD.replace("kind: critical_failures", "kind: qa_score").replace(
        "{rating: 5, at_most: 0}, {rating: 1, at_most: 100}", "{rating: 5, at_least: 90}, {rating: 1, at_least: 0}")
    with pytest.raises(TemplateError, match=r"templates\[0\].kpis\[1\].kind: 'qa_score' is listed twice"):
        parse_templates_yaml(twice, "t.yaml")


def test_bad_yaml_names_the_line_and_a_file_without_templates_says_what_it_needs():
    with pytest.raises(TemplateError, match=r"t.yaml: line 3: invalid YAML"):
        parse_templates_yaml("templates:\n  - [a\n", "t.yaml")
    with pytest.raises(TemplateError, match="one key, templates"):
        parse_templates_yaml("rules: []", "t.yaml")


def test_two_templates_claiming_the_same_team_or_both_default_are_refused():
    two = GOOD + GOOD.split("templates:\n")[1].replace("team-x", "team-y")
    with pytest.raises(TemplateError, match=r"templates\[1\].teams: 'London' is already in template 'team-x'"):
        parse_templates_yaml(two, "t.yaml")


def test_the_shipped_templates_rate_english_and_chinese_teams_with_every_kpi_summing_to_100():
    shipped = default_templates()
    assert [t.code for t in shipped] == ["agents-en", "agents-zh"]
    for t in shipped:
        assert {k.kind for k in t.kpis} == set(KINDS) and sum(k.weight for k in t.kpis) == 100
    assert template_for(shipped, "Shanghai", "zh").code == "agents-zh"
    assert template_for(shipped, "London", "en").code == "agents-en"
    assert template_for(shipped, None, None).code == "agents-en"  # the default


def test_a_template_naming_the_team_wins_over_one_naming_its_language():
    named = parse_templates_yaml(GOOD, "t.yaml") + default_templates()
    assert template_for(named, "London", "en").code == "team-x"
    assert template_for(parse_templates_yaml(GOOD, "t.yaml"), "Paris", "fr") is None


def test_changed_since_lists_each_moved_figure_with_the_evidence_added():
    t = default_templates()[0]
    before = snapshot(appraise(t, AgentFacts(csat=tuple(RatingFact(5, ("conversation", i)) for i in range(10)))),
                      "2026-Q3", 1)
    more = tuple(RatingFact(5, ("conversation", i)) for i in range(10)) + (RatingFact(1, ("conversation", 99)),)
    after = snapshot(appraise(t, AgentFacts(csat=more)), "2026-Q3", 1)
    moved = {(c.kind, c.field): c for c in changes(before, after)}
    assert set(moved) == {("csat", "value"), ("csat", "n"), ("csat", "rating"), ("overall", "overall")}
    assert (moved["csat", "value"].before, moved["csat", "value"].after) == (100.0, 90.9)
    assert moved["csat", "n"].evidence_added == (("conversation", 99),)
    assert changes(before, before) == []


def test_a_snapshot_is_plain_json_data():
    import json
    doc = snapshot(appraise(default_templates()[1], AgentFacts(scores=(ScoreFact(7, 88),))), "2026-11", 2)
    assert json.loads(json.dumps(doc)) == doc and doc["kpis"][0]["evidence"] == [["evaluation", 7]]
