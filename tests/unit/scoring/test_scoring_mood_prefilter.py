"""scoring.mood skips a kind's regex on a turn that holds none of the regex's necessary literals: the
answer must be the regex's own on any text, whatever its case (including the characters that match
an ASCII letter under IGNORECASE without lower-casing to it: İ, ı, ſ), script or punctuation."""
from __future__ import annotations

from scoring import mood


def _pieces() -> list[str]:
    pieces = [" ", "  ", ",", "!", "?", ":)", ";-)", "🙂", "\u0130", "\u0131", "\u017f", "K", "É", "no,", "thanks",
              "had it", "I've", "still", "waiting", "hope", "it", "anything else", "没有", "谢谢", "算了", "好的"]
    for literals in mood._LITERALS.values():
        pieces += sorted(literals or ())
    return pieces


def test_every_kind_answers_as_its_regex():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    pieces = _pieces()
    piece = st.one_of(st.sampled_from(pieces), st.sampled_from(pieces).map(str.upper),
                      st.sampled_from(pieces).map(str.title), st.text(max_size=4))
    texts = st.lists(piece, max_size=8).map("".join)

    @settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=texts)
    def check(text):
        folded = mood._folded(text)
        for regex in mood._LITERALS:
            assert mood._found(regex, text, folded) == (regex.search(text) is not None), (regex.pattern, text)

    check()


def test_the_literals_are_lower_case_and_the_prefilter_is_used():
    assert all(lits is not None for lits in mood._LITERALS.values())  # else a kind would skip nothing
    for literals in mood._LITERALS.values():
        assert all(x == x.lower() for x in literals)
    assert mood._found(mood.WORRIED, "I HOPE IT COMES", mood._folded("I HOPE IT COMES"))
    assert mood._found(mood.THANKS, "THAN\u212a YOU", mood._folded("THAN\u212a YOU"))  # Kelvin sign
    assert mood._text_kinds.__wrapped__("OK!") == mood.TextKinds(flags=frozenset({"flat", "accept"}))
