"""The fast paths of scoring (ASCII folding, batched normalising, literal pre-checks, per-conversation
memos) give exactly what the general paths give."""
import random
import unicodedata

import pytest

from scoring.catalog import shipped_scorecard
from scoring.checks.base import CheckContext, turns_of
from scoring.engine import _params_for
from scoring.scorecard import FrozenMap
from scoring.text import FuzzyMatcher, PhraseMatcher, normalise, normalise_all
from transcripts.model import Conversation, Turn

# A regex that never matches: adding it takes a matcher off its literal-only fast path.
NEVER = "(?!x)x"


def _folded_ascii(char: str) -> str:
    if char in "'`":
        return ""
    if char == "%":
        return " percent "
    return " " if unicodedata.category(char)[0] in "PSZC" else char.lower()


@pytest.mark.parametrize("code", range(128))
def test_every_ascii_character_is_folded_as_the_normalise_contract_says(code):
    char = chr(code)
    expected = " ".join(f"a{_folded_ascii(char)}b".split())
    assert normalise(f"a{char}b") == expected


@pytest.mark.parametrize(
    "texts",
    [
        [],
        [None, "", "   "],
        ["Hello,  World!", "\tTabs\nand\x0blines\x1f", "  edges  "],
        ["can't", "can`t", "CAN’T"],
        ["one\x00two", "three"],
        ["您 好，", "Hello there"],
        ["ｆｕｌｌ ｗｉｄｔｈ", "plain"],
        ["Hiiii", "twenty", "five stars", "can", "not", "happy 2", "2 help", "I'm 100%"],
        ["x"],
    ],
    ids=["none", "blank", "whitespace", "apostrophes", "nul-in-text", "mixed-cjk", "full-width", "spellings", "one"],
)
def test_normalise_all_gives_normalise_of_each_text(texts):
    assert normalise_all(texts) == tuple(normalise(t) for t in texts)


@pytest.mark.parametrize("seed", range(5))
def test_normalise_all_agrees_with_normalise_on_random_ascii_conversations(seed):
    rng = random.Random(seed)
    alphabet = "ab Z,.'`!\t\n-_ 0%"
    for _ in range(300):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) for _ in range(rng.randrange(6))]
        assert normalise_all(texts) == tuple(normalise(t) for t in texts)


WORDS = ["hi", "this", "is", "within", "hold", "on", "hold on", "thanks", "其", "您好", "a", "ab", "b"]
PHRASES = ("hi", "this is", "hold on", "on hold", "您好", "ab", "b a")


def _random_texts(seed: int, count: int = 400) -> list[str]:
    rng = random.Random(seed)
    return [normalise(" ".join(rng.choice(WORDS) for _ in range(rng.randrange(7))).replace("  ", " "))
            + rng.choice(["", "x", "hi", "好"]) for _ in range(count)]


REGEXES = (r"\bthis (?:is|was)\b", r"(?<![a-z])b a", r"(?<!x)\bon\b", r"好+")


def _scan(matcher, text, pos):
    """What the matcher's search must give: its whole alternation scanning the text itself."""
    m = matcher._any.search(text, pos)
    return None if m is None else (matcher.labels[int(m.lastgroup[2:])], m.start(), m.end())


@pytest.mark.parametrize("seed", range(4))
def test_search_with_regexes_finds_what_scanning_with_the_whole_alternation_finds(seed):
    matcher = PhraseMatcher(PHRASES, REGEXES)
    for text in _random_texts(seed):
        for pos in (0, 1, 3):
            found = matcher.search(text, pos)
            assert (None if found is None else (found.phrase, found.start, found.end)) == _scan(matcher, text, pos)


@pytest.mark.parametrize("seed", range(4))
def test_literal_only_search_finds_what_the_general_search_finds(seed):
    fast, general = PhraseMatcher(PHRASES), PhraseMatcher(PHRASES, (NEVER,))
    for text in _random_texts(seed):
        for pos in (0, 1, 3):
            assert fast.search(text, pos) == general.search(text, pos), (text, pos)


@pytest.mark.parametrize("seed", range(4))
def test_literal_only_each_finds_what_the_general_each_finds(seed):
    fast, general = PhraseMatcher(PHRASES), PhraseMatcher(PHRASES, (NEVER,))
    for text in _random_texts(seed):
        assert fast.each(text) == general.each(text), text


@pytest.mark.parametrize(
    "text, start",
    [("within hi", 7), ("this is hi", 0), ("hi", 0), ("whi hi", 4), ("您好", 0), ("ahi", None)],
)
def test_a_literal_inside_a_word_is_passed_over_for_the_next_whole_word_match(text, start):
    found = PhraseMatcher(("hi", "this is", "您好")).search(text)
    assert (found.start if found else None) == start


@pytest.mark.parametrize(
    "phrases, regexes, texts, expected",
    [
        (("hold on",), (), ["nothing here", "still nothing"], False),
        (("hold on",), (), ["nothing here", "please hold on"], True),
        (("hold on",), (), ["please hold", "on the line"], False),  # not across two texts
        (("hold on",), (), ["please hold o", "n the line"], False),
        (("hold on",), (), [], False),
        ((), (), ["hold on"], False),
        (("hold on",), ("zzz",), ["nothing here"], True),  # regexes are not pre-checked
    ],
    ids=["absent", "present", "across-texts", "across-texts-glued", "no-texts", "no-phrases", "with-regex"],
)
def test_may_occur_is_false_only_when_nothing_can_match(phrases, regexes, texts, expected):
    assert PhraseMatcher(phrases, regexes).may_occur(texts) is expected


def test_may_occur_of_a_tolerant_matcher_stays_true_for_near_misses():
    assert FuzzyMatcher(("hold on",), (), 0.8).may_occur(["hold onn please"]) is True


def test_turns_of_gives_a_fresh_list_that_callers_may_change():
    conversation = Conversation("c", "a", (Turn("customer", "hi"), Turn("agent", "hello"), Turn("agent", "!!")))
    context = CheckContext(tuple(normalise(t.text) for t in conversation.turns))
    first = turns_of(conversation, context, "agent")
    first.append(99)
    assert turns_of(conversation, context, "agent") == [1]
    assert turns_of(conversation, context, "any") == [0, 1]


def test_built_in_checks_get_their_parameters_as_an_equal_read_only_mapping():
    params = shipped_scorecard("general-en").criteria()[0][1].check.params
    view = _params_for("phrases_present", params)
    assert dict(view) == dict(params)
    assert _params_for("phrases_present", params) is view
    with pytest.raises(TypeError):
        view["label"] = "changed"


def test_plugin_checks_get_the_scorecard_parameters_themselves():
    params = FrozenMap({"x": 1})
    assert _params_for("no_such_builtin_check", params) is params


def test_parameters_that_are_not_frozen_pass_as_they_are_since_they_may_change():
    params = {"phrases": ("hello",)}
    assert _params_for("phrases_present", params) is params


@pytest.mark.parametrize("regexes", [(), (NEVER,)])
def test_the_first_turn_with_a_phrase_is_the_same_with_and_without_the_literal_pre_check(regexes):
    from scoring.checks.base import first_match

    texts = ["where is my parcel", "", "sorry, it is late", "really sorry again", "bye"]
    context = CheckContext(normalise_all(texts))
    matcher = PhraseMatcher(("sorry", "apologise"), regexes)
    found = first_match(matcher, [0, 2, 3, 4], context)
    assert (found[0], found[1].phrase) == (2, "sorry")
    assert first_match(matcher, [3, 4], context)[0] == 3
    assert first_match(matcher, [0, 4], context) is None
    assert first_match(PhraseMatcher(("refund",), regexes), [0, 2, 3, 4], context) is None


def test_a_layout_asked_for_again_is_the_same_value():
    from scoring.speech import layout_of

    text = 'The courier said "not my problem", sorry.'
    assert layout_of(text) == layout_of(str(text)) and layout_of(text).quoted


def test_a_matcher_narrowed_to_its_regexes_finds_what_the_whole_matcher_finds():
    matcher = PhraseMatcher(("asshole", "not my job"), (r"\b(?:5|five) stars?\b.{0,20}\brefund\b", r"\d{8,}"))
    texts = normalise_all(["Give us five stars and a refund is yours", "order 12345678 is late", "fine"])
    narrowed = matcher.narrowed(texts)
    assert narrowed is not matcher and len(narrowed) == 2
    for text in texts:
        assert narrowed.search(text) == matcher.search(text)
    assert matcher.narrowed(normalise_all(["that is not my job"])) is matcher
    assert PhraseMatcher(("asshole",)).narrowed(texts) is None


@pytest.mark.parametrize("phrase", ["asshole", "bullshit", "kiss my ass", "sorry", "mississippi", "hello there"])
def test_a_phrase_with_double_letters_is_found_written_with_single_ones_and_its_literal_is_in_every_form(phrase):
    matcher = PhraseMatcher((phrase,))
    forms = {phrase, phrase.replace("ss", "s"), phrase.replace("ll", "l"), phrase.replace("oo", "o"),
             phrase.replace("pp", "p").replace("ss", "s")}
    for form in forms:
        if matcher.search(form) is not None:
            assert matcher.may_occur([form]) and matcher.narrowed([form]) is matcher
    first_double = next(m.group() for m in __import__("re").finditer(r"([a-z])\1", phrase))
    assert matcher.search(phrase.replace(first_double, first_double[0], 1)) is not None


def test_each_speakers_turns_listed_in_one_pass_are_the_turns_with_text_of_that_speaker():
    speakers = ["customer", "agent", "system", "agent", "customer", "agent"]
    texts = ["hello", "hi there", "call transferred", "", "...", "bye"]
    conversation = Conversation("c-1", "agent.a", tuple(Turn(s, t) for s, t in zip(speakers, texts)))
    context = CheckContext(normalise_all(texts))
    assert turns_of(conversation, context, "customer") == [0]
    assert turns_of(conversation, context, "agent") == [1, 5]
    assert turns_of(conversation, context, "any") == [0, 1, 5]
    assert turns_of(conversation, context, "system") == [2]


def test_an_opinion_of_the_speakers_own_after_a_speech_verb_ends_the_report():
    from scoring.speech import own_words

    text = normalise("the courier said i think it is your fault")
    start = text.index("your fault")
    assert own_words(text, start, start + len("your fault"), "en") is None
    text = normalise("the courier said it is your fault")
    start = text.index("your fault")
    assert own_words(text, start, start + len("your fault"), "en") == "reported speech: 'the courier said'"


def test_a_search_asked_again_gives_the_same_match_and_another_start_searches_afresh():
    matcher = PhraseMatcher(("sorry",))
    text = normalise("Sorry for the wait, and sorry again")
    first = matcher.search(text)
    assert matcher.search(text) == first and first.start == 0
    assert matcher.search(text, 1).start == text.rindex("sorry")
    assert PhraseMatcher(("wait",)).search(text).phrase == "wait"
