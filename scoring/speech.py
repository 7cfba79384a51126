"""Whose words a phrase match is: the agent's own assertion, or negated, quoted or reported speech.

Phrase lists find words, not meaning: "I'm not saying it's your fault", "the courier said it's your
own problem" and "这不是您自己的问题" all contain a blaming phrase, but none of them blames the
customer. `own_words` tells a check whether a match in normalised text (scoring.text.normalise) is
the speaker's own assertion; checks ignore matches that are not (no critical failure from a quoted
insult, no apology from "I won't apologise").

Rules, in both languages (chats mix scripts, so both cue sets are always looked for):
- Negation: a cue before the span, in the same clause and close to it, negates it. English cues:
  not, never, cannot and the n't forms (dont, isnt, wont...), nobody, nothing, none, neither, nor,
  without, "no one", "no way", "no longer". A bare "no" is not a cue: "No, that's your problem" is
  an answer followed by blame. "not only" / "not just" add rather than negate, and "can't ...
  enough" / "can't tell you how ..." intensify; neither negates. Chinese cues: 不 没(有) 未 别 勿
  并非 绝非 而非 无法 无需, minus words that only contain them (不好意思, 对不起, 不过, 没关系,
  没问题, 特别, 别人, 未来...). Cues inside the span do not count ("not my problem" is the phrase).
- Reported speech: a speech verb before the span in the same sentence (said, says, told, claims,
  wrote, according to...; 说 表示 声称 告诉我 据说 听说 反映...) whose subject is not the speaker.
  "I said", "as I told you", "as the courier said" (an endorsement) and 我说 / 我跟您说 are the
  speaker's own words; "you said" / 您说 reports the customer. "I was told" is reported. An opinion
  of the speaker's own after the verb ("I think", 我觉得, 其实) ends the report.
- Quotation: a span inside double quotation marks ("..." “...” 「...」 『...』 «...») is quoted.
  Single quotes are not used: after normalisation they cannot be told from apostrophes.

Normalised text has no punctuation, so clause and sentence ends, and quotation marks, come from the
raw text: pass `layout=layout_of(raw_text)` when it is at hand. Without it, clause ends are guessed
from conjunctions (but, so, and; 但是, 所以...) and scopes are shorter.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from scoring import explanations as say
from scoring.text import normalise

# ---------------------------------------------------------------- layout from the raw text

_CLAUSE_MARKS = ",;:，；：、"
_SENTENCE_MARKS = ".!?。！？…\n"
_OPEN_QUOTES, _CLOSE_QUOTES, _BOTH_QUOTES = "“「『«", "”」』»", '"＂'
_DELIMITER = re.compile(
    "([" + re.escape(_CLAUSE_MARKS + _SENTENCE_MARKS + _OPEN_QUOTES + _CLOSE_QUOTES + _BOTH_QUOTES) + "])"
)


@dataclass(frozen=True)
class Layout:
    """Clause structure of one turn, as offsets into its normalised text: where clauses and sentences
    start (each tuple begins with 0, sorted) and which spans stood inside quotation marks."""

    clauses: tuple[int, ...] = (0,)
    sentences: tuple[int, ...] = (0,)
    quoted: tuple[tuple[int, int], ...] = ()


NO_LAYOUT = Layout()


@lru_cache(maxsize=4096)
def layout_of(raw_text: Optional[str]) -> Layout:
    """The layout of `raw_text` in the offsets of `normalise(raw_text)`. Each piece between
    punctuation marks is normalised and found again in the whole normalised text; when one cannot
    be found (normalising changed across a mark), NO_LAYOUT, so callers fall back to guessing."""
    full = normalise(raw_text)
    if not full:
        return NO_LAYOUT
    clauses, sentences, quoted = [0], [0], []
    cursor, pending, opened = 0, "", None
    for k, piece in enumerate(_DELIMITER.split(raw_text)):
        if k % 2:  # a delimiter
            if piece in _SENTENCE_MARKS:
                pending = "sentence"
            elif piece in _CLAUSE_MARKS and pending != "sentence":
                pending = "clause"
            elif piece in _OPEN_QUOTES or (piece in _BOTH_QUOTES and opened is None):
                opened = -1  # the quote starts where the next piece is found
            elif opened is not None:
                quoted.append((max(opened, 0), cursor))
                opened = None
            continue
        norm = normalise(piece)
        if not norm:
            continue
        at = full.find(norm, cursor)
        if at < 0:
            return NO_LAYOUT
        if pending:
            clauses.append(at)
            if pending == "sentence":
                sentences.append(at)
            pending = ""
        if opened == -1:
            opened = at
        cursor = at + len(norm)
    return Layout(tuple(clauses), tuple(sentences), tuple(quoted))


# ---------------------------------------------------------------- English

_EN_NEGATIONS = frozenset(
    "not never cannot cant dont doesnt didnt isnt arent wasnt werent wont wouldnt shouldnt couldnt "
    "havent hasnt hadnt aint mustnt neednt nobody nothing none neither nor without nowhere".split()
)
_EN_AFTER_NO = frozenset("one 1 way longer".split())  # "no one", "no way": bare "no" is an answer
_EN_ADDITIVE = frozenset("only just".split())  # "not only", "not just"
_EN_AUXILIARIES = frozenset("am is are was were do does did can could will would shall should must have has had".split())
_EN_CAN_NOT = frozenset("cannot cant couldnt".split())  # "can't thank you enough", "can't tell you how"
# Where a clause ends when punctuation is not known; wh-words end the reach of a negation only
# ("I'm not sure what happened, sorry").
_EN_CLAUSE_WORDS = frozenset("but however although though because so and or then yet while whereas anyway".split())
_EN_WH_WORDS = frozenset("what why how where when who which whether".split())
_EN_SPEECH = frozenset(
    "said says say told tells claims claimed claim wrote writes stated states mentioned reported "
    "insists insisted informed explained replied".split()
)
_EN_FIRST_PERSON = frozenset("i we ive weve id wed".split())
_EN_PASSIVE = frozenset("was were been being am is are".split())
_EN_SKIP = frozenset(
    "already just also have has had did do does clearly earlier previously before actually simply "
    "only would will even then literally basically all both kindly".split()
)
_EN_OWN_OPINION = frozenset((("i", "think"), ("i", "believe"), ("i", "feel"), ("i", "guess"), ("in", "my")))
_EN_REPORT_CUT = frozenset(("but", "however", "so", "anyway", "although", "though"))
_EN_NEGATION_REACH = 6  # words between the cue and the span, at most
_EN_REPORT_REACH = 14


def _cut(tokens: list[str], boundaries: frozenset) -> list[str]:
    """The tokens after the last boundary word."""
    for k in range(len(tokens) - 1, -1, -1):
        if tokens[k] in boundaries:
            return tokens[k + 1:]
    return tokens


def _en_negation(tokens: list[str], after: list[str]) -> Optional[str]:
    """The negation cue nearest the span among `tokens` (the clause before it), or None. `after`
    holds the words right after the span (for "can't thank you enough")."""
    reach = 0
    for k in range(len(tokens) - 1, -1, -1):
        word, rest = tokens[k], tokens[k + 1:]
        if word in _EN_CLAUSE_WORDS or word in _EN_WH_WORDS or reach > _EN_NEGATION_REACH:
            return None
        reach += 1
        if word == "no" and rest and rest[0] in _EN_AFTER_NO:
            return f"no {rest[0]}"
        if word not in _EN_NEGATIONS or (rest and rest[0] in _EN_ADDITIVE):
            continue
        if word == "not" and k and tokens[k - 1] in _EN_AUXILIARIES:
            word = tokens[k - 1] + " not"
        if "why" in tokens[max(0, k - 2):k]:  # "why don't you calm down" is no negation
            return None
        if word.split()[0] in _EN_CAN_NOT | {"can", "could"} and ("how" in rest or "enough" in after):
            continue
        return word
    return None


def _en_speaker_is_self(before: list[str]) -> Optional[bool]:
    """Whose verb follows `before`: True for the speaker ("I said", "as the driver said", and a
    request: "please say", "could you say"), False for anyone else (also "I was told"), None when no
    subject is in sight."""
    words = [w for w in before[-5:] if w not in _EN_SKIP]
    if "as" in before[-4:] or "please" in before[-3:] or before[-2:-1] in (["can"], ["could"], ["would"]):
        return True
    if words and words[-1] in _EN_PASSIVE:
        return False
    if words and words[-1] in _EN_FIRST_PERSON:
        return True
    if len(words) >= 2 and words[-2:] == ["i", "am"]:
        return True
    return False if words else None


def _en_report(tokens: list[str]) -> Optional[str]:
    """'the courier said' when a speech verb of someone else's leads to the span, else None."""
    tokens = _cut(tokens, _EN_REPORT_CUT)[-_EN_REPORT_REACH:]
    # Where the last opinion of the speaker's own ("I think") starts: no verb before it reports.
    opinion = max((j for j, pair in enumerate(zip(tokens, tokens[1:])) if pair in _EN_OWN_OPINION), default=-1)
    for k in range(len(tokens) - 1, -1, -1):
        word = tokens[k]
        rest = tokens[k + 1:]
        if k < opinion:
            return None
        if word == "according" and rest[:1] == ["to"]:
            return "according to"
        if word in _EN_SPEECH and _en_speaker_is_self(tokens[:k]) is not True:
            return " ".join(tokens[max(0, k - 2):k + 1])
    return None


# ---------------------------------------------------------------- Chinese

_ZH_NEGATION = re.compile(
    "并非|绝非|而非|无法|无需|无须|勿"
    "|(?<![对了差要得忍说])不(?!好意思|客气|错|过|管|论|久|断|少|仅|但|如|然|用谢|便|同|停|得不|一会)"
    "|没(?!关系|事|问题|错|想到)"
    "|未(?!来)"
    "|(?<![特区分类级告识个辨派性差离])别(?!人|的|处|名)"
)
_ZH_SPEECH = re.compile(
    "告诉我们|告诉我|跟我讲|据说|听说|据称|声称|宣称|自称|表示|反映|反馈说|写道|提到"
    "|(?<![小解再虽如听])(?<!就是)说(?!明|法|实话|真的|不定|服)"
)
_ZH_CLAUSE_WORDS = re.compile("但是|但|可是|不过|所以|因此|然后|而且|并且|另外|因为|如果")
_ZH_OWN_OPINION = re.compile("我觉得|我认为|我想|我看|我个人|说实话|其实|我们认为")
# Before 说: adverbs and "to you / to me" objects stripped, then 我/我们 means the speaker speaks.
_ZH_TO_SOMEONE = re.compile("[跟和对给向同](?:您|你|大家|我们|我)$")
_ZH_ADVERB = re.compile("(?:刚才|刚刚|已经|之前|早就|曾经|一直|也|都|就|刚|还|再)$")
_ZH_REQUEST = re.compile("请|麻烦|可以|能否|能不能|需要|方便")
_ZH_HEARSAY = ("听说", "据说", "据称", "告诉我", "告诉我们")
_ZH_NEGATION_REACH = 5  # characters between the cue and the span, at most
_ZH_REPORT_REACH = 14


def _zh_negation(window: str) -> Optional[str]:
    """The negation cue nearest the end of `window` (the clause before the span), or None."""
    window = window[-(_ZH_NEGATION_REACH + 2):]
    cut = list(_ZH_CLAUSE_WORDS.finditer(window))
    if cut:
        window = window[cut[-1].end():]
    found = list(_ZH_NEGATION.finditer(window))
    if found and len(window) - found[-1].end() <= _ZH_NEGATION_REACH:
        return found[-1].group()
    return None


def _zh_speaker_is_self(before: str) -> bool:
    """Whether the words before a speech verb make the speaker its subject: 我说, 我刚才跟您说,
    我们说; not 快递员跟我说 (我 is spoken to)."""
    text = before
    while True:
        m = _ZH_TO_SOMEONE.search(text) or _ZH_ADVERB.search(text)
        if m is None:
            return text.endswith(("我", "我们", "本人"))
        if m.group()[1:] in ("我", "我们"):
            return False
        text = text[: m.start()]


def _zh_report(window: str) -> Optional[str]:
    """'快递员说' when a speech verb of someone else's leads to the span, else None."""
    window = window[-_ZH_REPORT_REACH:]
    cut = list(_ZH_CLAUSE_WORDS.finditer(window))
    if cut and cut[-1].group() in ("但是", "但", "可是", "不过", "所以"):
        window = window[cut[-1].end():]
    for m in reversed(list(_ZH_SPEECH.finditer(window))):
        if _ZH_OWN_OPINION.search(window, m.end()):
            return None
        before = window[: m.start()]
        if _ZH_REQUEST.search(before[-4:]):  # 请告诉我, 麻烦您说一下: the speaker asks
            continue
        if m.group().startswith("告诉") and (not before or before.endswith(("您", "你"))):
            continue  # 您告诉我: asked of the customer, not hearsay
        if m.group() not in _ZH_HEARSAY and _zh_speaker_is_self(before):
            continue
        return window[max(0, m.start() - 5): m.end()]
    return None


# ---------------------------------------------------------------- the contract

def _start_of(starts: tuple[int, ...], position: int) -> int:
    return starts[bisect.bisect_right(starts, position) - 1]


def own_words(normalised_text: str, start: int, end: int, language: str,
              *, layout: Optional[Layout] = None) -> Optional[str]:
    """None when the span [start, end) of `normalised_text` is the speaker's own assertion,
    otherwise a short reason: "quoted", "negated by 'not'", "reported speech: 'the courier said'".

    Only the text before the span (and a few words after it, for "can't thank you enough") is read.
    `language` is accepted for language-specific rules; both cue sets are always looked for, as
    chats mix scripts. `layout` (from `layout_of` on the turn's raw text) gives clause and sentence
    ends and quotation marks; without it they are guessed. Pure and cheap: no model, no I/O.
    """
    return _own_words(normalised_text, start, end, layout or NO_LAYOUT)


# Kept per span: agents' macros and customers' stock phrases repeat from one conversation to the next.
@lru_cache(maxsize=8192)
def _own_words(normalised_text: str, start: int, end: int, layout: Layout) -> Optional[str]:
    if any(q_start <= start and end <= q_end for q_start, q_end in layout.quoted):
        return say.QUOTED_SPEECH
    clause = normalised_text[_start_of(layout.clauses, start):start]
    sentence = normalised_text[_start_of(layout.sentences, start):start]
    tokens = clause.split()
    cue = _en_negation(tokens, normalised_text[end:].split()[:3]) if tokens else None
    if cue is None and clause:
        cue = _zh_negation(clause.replace(" ", ""))
    if cue is not None:
        return say.NEGATED_BY.format(cue=cue)
    report = _en_report(sentence.split()) or _zh_report(sentence.replace(" ", ""))
    if report is not None:
        return say.REPORTED_SPEECH.format(report=report)
    return None
