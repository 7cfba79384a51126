"""Scorecard parsing: valid definitions, every error path (all collected, named by field path), YAML."""
import copy

import pytest

from scoring.scorecard import (
    CheckSpec,
    FrozenMap,
    Scorecard,
    ScorecardError,
    dump_scorecard_yaml,
    load_scorecard_yaml,
    parse_scorecard,
    scorecard_to_dict,
)


def valid() -> dict:
    return {
        "name": "demo",
        "title": "Demo",
        "language": "en",
        "channels": ["chat"],
        "queues": ["returns"],
        "sections": [
            {
                "id": "opening",
                "title": "Opening",
                "criteria": [
                    {
                        "id": "greeting",
                        "title": "Greets",
                        "weight": 10,
                        "check": {"type": "phrases_present", "phrases": ["hello"], "within_first_agent_turns": 2},
                    }
                ],
            },
            {
                "id": "compliance",
                "title": "Compliance",
                "criteria": [
                    {
                        "id": "forbidden",
                        "title": "No forbidden phrases",
                        "weight": 5.5,
                        "critical": True,
                        "check": {"type": "phrases_absent", "phrases": ["calm down"]},
                    }
                ],
            },
        ],
    }


def errors_of(data, version=1) -> list[str]:
    with pytest.raises(ScorecardError) as caught:
        parse_scorecard(data, version)
    return caught.value.errors


def test_a_valid_definition_parses_into_frozen_values():
    card = parse_scorecard(valid(), version=3)
    assert (card.name, card.language, card.channels, card.queues, card.version) == (
        "demo", "en", ("chat",), ("returns",), 3)
    greeting = card.sections[0].criteria[0]
    assert greeting.check == CheckSpec("phrases_present", FrozenMap({"phrases": ("hello",),
                                                                      "within_first_agent_turns": 2}))
    assert [(s.id, c.id, c.weight, c.critical) for s, c in card.criteria()] == [
        ("opening", "greeting", 10.0, False), ("compliance", "forbidden", 5.5, True)]


def test_parsed_scorecards_are_immutable_and_hashable():
    card = parse_scorecard(valid())
    with pytest.raises(TypeError):
        card.sections[0].criteria[0].check.params["phrases"] = ("x",)
    assert hash(card) == hash(parse_scorecard(valid()))


def test_scorecard_to_dict_round_trips_through_the_parser_and_yaml():
    card = parse_scorecard(valid(), version=2)
    assert parse_scorecard(scorecard_to_dict(card), version=2) == card
    assert load_scorecard_yaml(dump_scorecard_yaml(card), version=2) == card


def test_optional_lists_default_to_any_channel_and_any_queue():
    data = valid()
    del data["channels"], data["queues"]
    card = parse_scorecard(data)
    assert (card.channels, card.queues) == ((), ())


def mutate(path_and_value):
    """Apply a (setter) to a fresh valid definition."""
    data = valid()
    path_and_value(data)
    return data


def crit(data, s=0, c=0):
    return data["sections"][s]["criteria"][c]


BAD = [
    ("missing name", lambda d: d.pop("name"), "name: is required"),
    ("name with spaces", lambda d: d.update(name="My Card"), "name: must be lower-case letters, digits, - and _"),
    ("title not a string", lambda d: d.update(title=5), "title: must be a non-empty string"),
    ("bad language", lambda d: d.update(language="english!"), "language: must be a language code such as en or zh"),
    ("unknown channel", lambda d: d.update(channels=["fax"]), "channels[0]: must be one of chat, call, email, social"),
    ("channels not a list", lambda d: d.update(channels="chat"), "channels: must be a list"),
    ("empty queue name", lambda d: d.update(queues=[""]), "queues[0]: must be a non-empty string"),
    ("unknown top field", lambda d: d.update(colour="red"), "colour: unknown field"),
    ("no sections", lambda d: d.update(sections=[]), "sections: must be a non-empty list"),
    ("section not a mapping", lambda d: d["sections"].append("x"), "sections[2]: must be a mapping"),
    ("section without criteria", lambda d: d["sections"][1].pop("criteria"), "sections[1].criteria: is required"),
    ("bad section id", lambda d: d["sections"][0].update(id="Open ing"), "sections[0].id: must be lower-case"),
    ("duplicate section id", lambda d: d["sections"][1].update(id="opening"),
     "sections[1].id: duplicate section id 'opening' (also sections[0])"),
    ("duplicate criterion id", lambda d: crit(d, 1).update(id="greeting"),
     "sections[1].criteria[0].id: duplicate criterion id 'greeting' (also sections[0].criteria[0])"),
    ("zero weight", lambda d: crit(d).update(weight=0), "sections[0].criteria[0].weight: must be a positive number"),
    ("negative weight", lambda d: crit(d).update(weight=-2), "sections[0].criteria[0].weight: must be a positive"),
    ("boolean weight", lambda d: crit(d).update(weight=True), "sections[0].criteria[0].weight: must be a positive"),
    ("infinite weight", lambda d: crit(d).update(weight=float("inf")), "criteria[0].weight: must be a positive"),
    ("missing weight", lambda d: crit(d).pop("weight"), "sections[0].criteria[0].weight: is required"),
    ("critical as text", lambda d: crit(d).update(critical="yes"), "criteria[0].critical: must be true or false"),
    ("unknown criterion field", lambda d: crit(d).update(notes="x"), "sections[0].criteria[0].notes: unknown field"),
    ("missing check", lambda d: crit(d).pop("check"), "sections[0].criteria[0].check: must be a mapping with a type"),
    ("check without type", lambda d: crit(d)["check"].pop("type"), "sections[0].criteria[0].check.type: is required"),
    ("unknown check type", lambda d: crit(d)["check"].update(type="telepathy"),
     "sections[0].criteria[0].check.type: unknown check type 'telepathy' (known: "),
    ("missing phrases", lambda d: crit(d)["check"].pop("phrases"),
     "sections[0].criteria[0].check.phrases: is required"),
    ("empty phrases", lambda d: crit(d)["check"].update(phrases=[]),
     "sections[0].criteria[0].check.phrases: must be a non-empty list of phrases"),
    ("number as phrase", lambda d: crit(d)["check"].update(phrases=["ok", 12315]),
     "sections[0].criteria[0].check.phrases[1]: must be a string (quote numbers and yes/no in YAML)"),
    ("punctuation-only phrase", lambda d: crit(d)["check"].update(phrases=["!!!"]),
     "sections[0].criteria[0].check.phrases[0]: has no letters or digits"),
    ("zero turn window", lambda d: crit(d)["check"].update(within_first_agent_turns=0),
     "sections[0].criteria[0].check.within_first_agent_turns: must be a positive integer"),
    ("both windows", lambda d: crit(d)["check"].update(within_last_agent_turns=2),
     "sections[0].criteria[0].check.within_last_agent_turns: cannot be used together with within_first_agent_turns"),
    ("misspelt parameter", lambda d: crit(d)["check"].update(within_turns=2),
     "sections[0].criteria[0].check.within_turns: unknown parameter"),
    ("bad mode", lambda d: crit(d)["check"].update(mode="most"),
     "sections[0].criteria[0].check.mode: must be one of any, all"),
    ("bad regex", lambda d: crit(d)["check"].update(regexes=["order (\\d+"]),
     "sections[0].criteria[0].check.regexes[0]: is not a valid regular expression"),
    ("empty upset precondition", lambda d: crit(d)["check"].update(when_customer_upset={}),
     "sections[0].criteria[0].check.when_customer_upset: needs at least one of: markers, sentiment_below"),
    ("upset limit out of range", lambda d: crit(d)["check"].update(when_customer_upset={"sentiment_below": -3}),
     "check.when_customer_upset.sentiment_below: must be between -1 and 1"),
    ("bad upset marker", lambda d: crit(d)["check"].update(when_customer_upset={"markers": ["ok", None]}),
     "check.when_customer_upset.markers[1]: must be a string"),
    ("customer speaker with an agent window", lambda d: crit(d)["check"].update(speaker="customer"),
     "sections[0].criteria[0].check.speaker: must be agent when within_first/last_agent_turns is given"),
]


@pytest.mark.parametrize("case, change, expected", BAD, ids=[b[0] for b in BAD])
def test_each_kind_of_bad_field_is_reported_with_its_path(case, change, expected):
    found = errors_of(mutate(change))
    assert any(e.startswith(expected) or expected in e for e in found), found


@pytest.mark.parametrize("data", [None, [], "scorecard", 3])
def test_a_definition_that_is_not_a_mapping_is_rejected(data):
    assert errors_of(data) == ["scorecard: must be a mapping"]


@pytest.mark.parametrize("version", [0, -1, True, "2"])
def test_the_version_must_be_a_positive_integer(version):
    assert "version: must be a positive integer" in errors_of(valid(), version)


def test_all_problems_are_collected_and_listed_in_the_message():
    data = valid()
    data.pop("title")
    crit(data)["weight"] = 0
    crit(data, 1)["check"]["phrases"] = []
    with pytest.raises(ScorecardError) as caught:
        parse_scorecard(data)
    assert caught.value.errors == [
        "title: is required",
        "sections[0].criteria[0].weight: must be a positive number",
        "sections[1].criteria[0].check.phrases: must be a non-empty list of phrases",
    ]
    assert str(caught.value).startswith("3 problems in the scorecard:\n- title: is required")


def test_a_single_problem_is_the_whole_message():
    assert str(ScorecardError(["name: is required"])) == "name: is required"


def test_every_check_type_validates_its_own_parameters():
    data = valid()
    crit(data)["check"] = {"type": "customer_sentiment_end"}
    crit(data, 1)["check"] = {"type": "ordered_steps", "steps": [{"name": "order"}]}
    assert errors_of(data) == [
        "sections[0].criteria[0].check.min: is required",
        "sections[1].criteria[0].check.steps[0].phrases: is required",
    ]


def test_the_input_data_is_not_modified():
    data = valid()
    before = copy.deepcopy(data)
    parse_scorecard(data)
    assert data == before


YAML_OK = """
name: tiny
title: Tiny
language: zh
sections:
  - id: compliance
    title: Compliance
    criteria:
      - id: forbidden_phrases
        title: 禁用语
        weight: 1
        critical: true
        check: {type: phrases_absent, phrases: [爱买不买]}
"""


def test_yaml_text_loads_into_a_scorecard():
    card = load_scorecard_yaml(YAML_OK, version=4)
    assert (card.name, card.version, card.sections[0].criteria[0].title) == ("tiny", 4, "禁用语")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("name: [unclosed\n", "line 2, column 1: "),
        ("name: a\n  title: b\n", "line 2, column 8: mapping values are not allowed here"),
        ("name: a\nname: b\n", "line 2, column 1: duplicate key 'name'"),
        ("", "scorecard: the document is empty"),
        ("# only a comment\n", "scorecard: the document is empty"),
        ("- a\n- b\n", "scorecard: must be a mapping"),
    ],
)
def test_yaml_problems_are_reported_with_their_line(text, expected):
    with pytest.raises(ScorecardError) as caught:
        load_scorecard_yaml(text)
    assert caught.value.errors[0].startswith(expected), caught.value.errors


def test_yaml_booleans_used_as_phrases_get_a_hint_to_quote_them():
    text = YAML_OK.replace("[爱买不买]", "[no, 'yes']")
    with pytest.raises(ScorecardError) as caught:
        load_scorecard_yaml(text)
    assert caught.value.errors == [
        "sections[0].criteria[0].check.phrases[0]: must be a string (quote numbers and yes/no in YAML)"
    ]


def test_the_scorecard_type_keeps_the_documented_field_order():
    assert list(Scorecard.__dataclass_fields__) == [
        "name", "title", "language", "channels", "queues", "sections", "version"]
