"""The intent models behind one interface: the example corpus, the linear classifier, the rules' prefilter."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.intents import INTENTS, MODELS, OWN_WORDS_ONLY, intent_model
from scoring.intents.corpus import CorpusError, parse_examples, shipped_examples
from scoring.intents.evaluation import figures
from scoring.intents.linear import LinearIntents, fit_family
from scoring.intents.prefilter import necessary_literals
from scoring.intents.base import family_of
from scoring.intents.rules import RuleIntents, _compiled
from scoring.text import normalise


def test_the_shipped_examples_cover_every_intent_in_both_languages_with_negatives():
    for family in ("en", "zh"):
        rows = shipped_examples(family)
        for intent in INTENTS:
            assert sum(intent in r.intents for r in rows) >= 10, (family, intent)
        assert sum(not r.intents for r in rows) >= 30, family


@pytest.mark.parametrize("line, message", [
    ("agent\tgreeting", "line 2: expected 3 tab-separated columns"),
    ("bot\tgreeting\thello", "line 2: speaker must be one of agent, customer"),
    ("agent\tgreting\thello", "line 2: unknown intent 'greting'"),
    ("agent\tgreeting,\thello", "line 2: unknown intent"),
    ("agent\tgreeting\t ", "line 2: the text is empty"),
])
def test_a_bad_example_line_is_named_with_its_file_and_line(line, message):
    with pytest.raises(CorpusError, match=message) as error:
        parse_examples("# comment\n" + line + "\n", "mine.tsv")
    assert str(error.value).startswith("mine.tsv, line 2")


def test_examples_parse_intents_negatives_and_skip_comments_and_blank_lines():
    rows = parse_examples("# x\n\nagent\tgreeting,empathy\tHi, so sorry!\ncustomer\t-\tok\n", "f.tsv")
    assert [(r.speaker, sorted(r.intents), r.line) for r in rows] == [
        ("agent", ["empathy", "greeting"], 3), ("customer", [], 4)]


def test_both_approaches_are_available_by_name_and_read_the_same_turns():
    assert set(MODELS) == {"rules", "linear"}
    texts = [normalise("Is there anything else I can help you with?"), normalise("还有其他可以帮您的吗？"), ""]
    for name in MODELS:
        hits = intent_model(name).intents(texts, "en")
        assert "closing" in hits[0] and "closing" in hits[1] and hits[2] == {}, name
        assert hits[0]["closing"].confidence >= 0.5 and hits[0]["closing"].matched in texts[0]


def test_a_linear_model_trained_on_an_organisations_turns_learns_their_wording():
    own = parse_examples("".join(f"agent\tgreeting\tAhoj {name}, Kestrel desk\n" for name in ("Ann", "Bo", "Cy", "Di"))
                         + "agent\t-\tYour parcel is at the depot\nagent\t-\tThe refund was issued\n", "org.tsv")
    model = LinearIntents({"en": fit_family("en", list(shipped_examples("en")) + own)})
    hit = model.intents([normalise("Ahoj Eve, Kestrel desk here")], "en")[0].get("greeting")
    assert hit is not None and hit.confidence >= 0.5
    assert "kestrel" in hit.matched or "ahoj" in hit.matched


def test_training_without_text_is_refused():
    with pytest.raises(ValueError, match="no labelled en turn with text"):
        fit_family("en", [])


@pytest.mark.parametrize("pattern, literals", [
    (r"(?:is there )?(?:anything|something) else", {" else"}),
    (r"sorry", {"sorry"}),
    (r"(?:hi|hello)?", None),
    (r"(?<!打)包(?:退|赔)", {"包"}),
])
def test_the_prefilter_finds_literals_every_match_contains(pattern, literals):
    found = necessary_literals(pattern, weight=lambda s: 1.0 / len(s))
    assert (None if found is None else set(found)) == literals


def test_the_prefilter_never_changes_what_the_rules_find_on_the_examples():
    for family in ("en", "zh"):
        texts = [normalise(r.text) for r in shipped_examples(family)]
        fast = RuleIntents().intents(texts, family)
        for text, found in zip(texts, fast):
            slow = {i: r.best(text, family, False) for i, r in _compiled(family).items()}
            slow = {i: h for i, h in slow.items() if h is not None}
            assert set(found) <= set(slow), text
            assert set(slow) - set(found) <= OWN_WORDS_ONLY, text


@pytest.mark.parametrize("family", ["en", "zh"])
def test_the_rules_read_the_shipped_examples_as_labelled(family):
    rows = shipped_examples(family)
    for intent, counts in figures(RuleIntents(), rows, family).items():
        assert counts.counts.recall >= 0.9, (intent, counts.as_dict())
        assert counts.counts.precision >= 0.7, (intent, counts.as_dict())


# The prefilter (rules._LiteralIndex) must only ever save work: texts made of pieces of the rules'
# own literals, of example turns and of random characters, so that many of them nearly match.
def _pieces(family):
    literals = sorted({x.strip() for r in _compiled(family).values() for x in (r.literals or ()) if x.strip()})
    words = sorted({w for r in shipped_examples(family) for w in normalise(r.text).split()})
    return literals, words


def _texts(family):
    literals, words = _pieces(family)
    alphabet = "abcdeilnorstuy 0123" if family == "en" else "不您的是我们了问题帮退款 a1"
    piece = st.one_of(st.sampled_from(literals), st.sampled_from(words), st.text(alphabet, max_size=4))
    joiner = st.sampled_from([" ", ""]) if family == "zh" else st.just(" ")
    return st.tuples(joiner, st.lists(piece, max_size=8)).map(lambda t: normalise(t[0].join(t[1])))


def _unfiltered(text, language):
    """What the rules find when every intent's regex is run (no prefilter), in the text's own script."""
    family = family_of(text, language)
    found = {i: r.best(text, family, i in OWN_WORDS_ONLY) for i, r in _compiled(family).items()}
    return {i: h for i, h in found.items() if h is not None}


@pytest.mark.parametrize("family", ["en", "zh"])
def test_the_prefilter_keeps_every_intent_whose_regex_matches(family):
    from scoring.intents.rules import _index

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=_texts(family))
    def check(text):
        subject = f" {text} " if family == "en" else text
        matching = {i for i, r in _compiled(family).items() if r.regex.search(subject)}
        assert matching <= _index(family).candidates(text)

    check()


@pytest.mark.parametrize("family", ["en", "zh"])
def test_the_prefiltered_rules_find_what_the_unfiltered_rules_find(family):
    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=_texts(family))
    def check(text):
        assert RuleIntents().intents([text], family)[0] == _unfiltered(text, family)

    check()


def test_the_prefiltered_rules_find_what_the_unfiltered_rules_find_on_the_examples():
    for family in ("en", "zh"):
        texts = [normalise(r.text) for r in shipped_examples(family)]
        for text, found in zip(texts, RuleIntents().intents(texts, family)):
            assert found == _unfiltered(text, family), text
