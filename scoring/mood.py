"""The customer's mood over a conversation: start, end and lowest polarity, and a label for the end.

One owner for "how did the customer feel at the end": the stored summary (conversation metadata),
the `customer_sentiment_end` check and `qadesk scorer eval` all read it from here.

The end is read from the last few customer turns with the dialogue around them, not from the last
turn's polarity alone: a "no" / "没有了" that answers the agent's "anything else?" / "还有其他问题吗"
declines an offer and is not negative; thanks read positive (unless sarcastic: "thanks for nothing");
exasperation, resignation and worry that a lexicon misses ("I've had it with this.", 算了, "I hope it
comes this time") read negative; a flat closing word ("ok", "bye", 好的) after a clear feeling does
not erase that feeling.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Optional, Sequence

from scoring.intents.prefilter import necessary_literals
from transcripts.model import Conversation

#: End polarity at or above POSITIVE_AT reads "positive", below NEGATIVE_AT "negative", else "neutral".
POSITIVE_AT = 0.2
NEGATIVE_AT = -0.2
MOOD_LABELS = ("positive", "neutral", "negative")
#: How many of the last customer turns the end reading looks at.
END_WINDOW = 4
NEGATIVE_FLOOR, WORRIED_FLOOR, THANKS_FLOOR = -0.6, -0.35, 0.35


def _any(*patterns: str) -> re.Pattern:
    return re.compile("|".join(patterns), re.IGNORECASE)


# Why these lists: sentiment lexicons read words, and these are phrases whose words look harmless
# ("had", "it", "hope", "算", "了"). They name kinds of utterance, in many wordings, in both languages.
EXASPERATED = _any(
    r"\b(had|have had) it\b", r"\bfed up\b", r"\bsick (of|and tired)\b", r"\bnever again\b",
    r"\bnever (buy|buying|order|ordering|shop|shopping|use|using)\b", r"\bforget (it|about it)\b",
    r"\bwhatever\b", r"\b(done|finished) with (you|this|it|your)\b", r"\bwast(e|ed|ing) (of )?(my )?(time|money)\b",
    r"\bgive up\b", r"\bgiving up\b", r"\bthanks? (a lot )?for nothing\b", r"\bstill (waiting|not|no|nothing|hasn'?t|haven'?t)\b",
    r"\bthis is a joke\b", r"\bunbelievable\b", r"\bpathetic\b", r"\bcancel (my|the) account\b",
    r"\b(bad|negative|1[- ]star|one[- ]star) review\b", r"\bnot (happy|satisfied|impressed)\b",
    r"算了", r"无语", r"呵呵", r"服了", r"受够", r"再也不", r"不会再", r"别再", r"随便(吧|你们)", r"就这样吧", r"懒得",
    r"浪费(我的)?时间", r"什么破", r"垃圾", r"坑人", r"差评", r"投诉", r"失望", r"还是没", r"怎么还", r"气死", r"不满意",
)
WORRIED = _any(r"\bi hope (it|this|that|they|the|my|so)\b", r"\bhopefully\b", r"\bfingers crossed\b",
               r"\bworr(y|ied|ying)\b", r"\bnervous\b", r"\banxious\b", r"\bconcerned\b",
               r"希望(这次|别|不要|能)", r"但愿", r"担心", r"着急", r"焦虑", r"不放心")
SATISFIED = _any(r"\b(good|fine|sorted|fixed|set)\b", r"\b(great|perfect|awesome|brilliant|excellent|lovely|wonderful|amazing)\b",
                 r"\blegend\b", r"\bhappy\b", r"\bresolved\b", r"[:;]-?\)", r"😊|🙂|👍|😀|😄",
                 r"满意", r"太好了", r"完美", r"解决了", r"很好", r"不错", r"开心")
THANKS = _any(r"\bthank", r"\bthx\b", r"\bty\b", r"\bcheers\b", r"\bappreciate", r"\bmuch obliged\b",
              r"谢谢", r"感谢", r"多谢", r"谢啦", r"辛苦(了|啦|您)", r"满意", r"太好了", r"给力", r"点赞")
#: The formula that declines politely: its "thanks" is not gratitude for a resolution.
NO_THANKS = _any(r"\bno,? thanks?( you)?\b", r"\bno thx\b", r"不用了?[，,]?\s*谢谢")
ANYTHING_ELSE = _any(r"\banything else\b", r"\bsomething else\b", r"\belse (i|we) can\b", r"\bany (other|more|further) (question|issue|concern|thing)",
                     r"\banything more\b", r"\bother questions?\b", r"还有(其他|什么|别的|其它|需要|没有)", r"其他(问题|需要|可以)",
                     r"别的(问题|需要)", r"还需要(什么|其他|别的)")
DECLINE = _any(r"^\W*(no|nope|nah|not really|nothing|that'?s (all|it|everything)|i'?m (good|fine|all set)|all (good|set)|"
               r"we'?re good|no,? (thanks?|thank you|that'?s all)|that will be all|none)\b",
               r"^\W*(没有|没了|没事|不用|不需要|不要了|就这些|暂时没|没其他|没别的|没什么|没问题了)")
FLAT = _any(r"^\W*(ok|okay|k|kk|fine|sure|alright|right|got it|noted|understood|i see|yes|yep|yeah|bye|goodbye|see you)\W*$",
            r"^\W*(好的?|好吧|嗯+|哦+|行|可以|收到|知道了|明白了?|了解|是的?|对|拜拜|再见)\W*$")


@dataclass(frozen=True)
class CustomerMood:
    """Polarities (-1..1) of the customer: first scored turn, the end reading, and the lowest turn.

    `end` is the dialogue-aware reading of the last customer turns (see the module doc), `end_turns`
    the turn indices it was read from, `why` a one-line explanation for people.
    """

    start: float
    end: float
    lowest: float
    end_turns: tuple[int, ...] = ()
    why: str = ""

    @property
    def label(self) -> str:
        return mood_label(self.end)

    def as_meta(self) -> dict[str, object]:
        """The form stored in conversation metadata under "sentiment"."""
        return {"start": self.start, "end": self.end, "min": self.lowest, "label": self.label,
                "end_turns": list(self.end_turns), "why": self.why}


def mood_label(polarity: float) -> str:
    """"positive", "neutral" or "negative" for an end polarity."""
    if polarity >= POSITIVE_AT:
        return "positive"
    if polarity < NEGATIVE_AT:
        return "negative"
    return "neutral"


# The last mood read, by conversation (identity) and polarities: the customer_sentiment_end check
# and the stored summary ask for the same conversation's mood one after the other.
_LAST: list = [None, None, None]


def customer_mood(conversation: Conversation, polarity: Mapping[int, float]) -> Optional[CustomerMood]:
    """The customer's mood from the polarity of turns by index; None when no customer turn was scored.

    Start and lowest are the scored customer turns' polarities; the end is `end_reading` of the
    last END_WINDOW scored customer turns. Conversations are frozen, so the last answer is kept
    and given again for the same conversation object and equal polarities.
    """
    if _LAST[0] is conversation and _LAST[1] == polarity:
        return _LAST[2]
    scored = [i for i, t in enumerate(conversation.turns) if t.is_customer and i in polarity]
    mood = None
    if scored:
        end, turns, why = end_reading(conversation, scored[-END_WINDOW:], polarity)
        values = [polarity[i] for i in scored]
        mood = CustomerMood(start=values[0], end=end, lowest=min(values), end_turns=turns, why=why)
    _LAST[:] = [conversation, dict(polarity), mood]
    return mood


def end_reading(conversation: Conversation, turns: Sequence[int],
                polarity: Mapping[int, float]) -> tuple[float, tuple[int, ...], str]:
    """(end polarity, the turns it rests on, why) from the last customer turns, in order.

    The last turn read in its dialogue (turn_reading) is the end, unless it is only a bare closing
    word ("ok", "bye", 好的) or a bare "No." to "anything else?" right after a customer turn with a
    clear feeling: then that feeling carries over, half-way ("Perfect, thank you!" then "bye" is
    content; a complaint then a curt "No." is resigned). The "no" itself never reads negative.
    """
    # Only the last two readings can matter, and the one before only after a bare last reply.
    last_value, last_kind = turn_reading(conversation, turns[-1], polarity[turns[-1]])
    if last_kind in ("flat", "bare decline") and len(turns) > 1:
        before_value, before_kind = turn_reading(conversation, turns[-2], polarity[turns[-2]])
        if abs(before_value) >= POSITIVE_AT:
            return (before_value + last_value) / 2.0, tuple(turns[-2:]), f"a bare reply after a {before_kind} turn"
    return last_value, (turns[-1],), f"{last_kind} last turn"


def turn_reading(conversation: Conversation, index: int, value: float) -> tuple[float, str]:
    """(polarity, kind) of one customer turn in its dialogue. Kinds: "exasperated", "worried";
    answers to the agent's "anything else?": "declined warmly" (thanks or satisfaction beyond the
    formula "no thanks": positive), "declined" (no thanks, 不用了谢谢: neutral), "bare decline" (no, 没了:
    neutral, never negative); "thanks"; "flat" (a bare closing word); "plain" (the polarity as is)."""
    first, decline, thanks, flat = _text_kinds((conversation.turns[index].text or "").strip())
    if first == "exasperated":
        return min(value, NEGATIVE_FLOOR), first
    if first == "worried":
        return min(value, WORRIED_FLOOR), first
    if decline and _agent_offered_more(conversation, index):
        if decline == "declined warmly":
            return max(value, THANKS_FLOOR), decline
        if decline == "declined":
            return max(0.0, min(0.15, value)), decline
        return max(0.0, min(0.1, value)), decline
    if thanks and value > NEGATIVE_FLOOR:
        return max(value, THANKS_FLOOR), "thanks"
    if flat:
        return max(-0.1, min(0.1, value)), "flat"
    return value, "plain"


# Literals one of which every match of each kind's regex holds (scoring.intents.prefilter), in
# lower case: a turn holding none of them skips the regex. The regexes try all their alternatives
# at every position of a turn (about 80 us a turn for the six), and most turns hold no literal.
_LITERALS = {regex: necessary_literals(regex.pattern)
             for regex in (EXASPERATED, WORRIED, SATISFIED, THANKS, NO_THANKS, DECLINE, FLAT)}
# The only characters that match an ASCII letter under re.IGNORECASE and do not lower-case to it.
_CASE_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def _folded(text: str) -> str:
    """`text` as the literals are written: what IGNORECASE matches to a letter becomes that letter."""
    return text.lower() if text.isascii() else text.translate(_CASE_FOLD).lower()


def _found(regex: re.Pattern, text: str, folded: str) -> bool:
    """Whether `regex` finds something in `text` (`folded` is `_folded(text)`)."""
    literals = _LITERALS[regex]
    if literals is not None and not any(map(folded.__contains__, literals)):
        return False
    return regex.search(text) is not None


@lru_cache(maxsize=8192)
def _text_kinds(text: str) -> tuple[str, str, bool, bool]:
    """What the regexes say of one stripped turn text, kept per text (closing turns repeat):
    ("exasperated" / "worried" / "", the decline kind or "", thanks, flat)."""
    folded = _folded(text)
    if _found(EXASPERATED, text, folded):
        return "exasperated", "", False, False
    if _found(WORRIED, text, folded):
        return "worried", "", False, False
    decline = ""
    if _found(DECLINE, text, folded):
        kept = NO_THANKS.sub("", text)
        if _found(SATISFIED, text, folded) or _found(THANKS, kept, _folded(kept)):
            decline = "declined warmly"
        else:
            decline = "declined" if _found(NO_THANKS, text, folded) else "bare decline"
    return "", decline, _found(THANKS, text, folded), _found(FLAT, text, folded)


def _agent_offered_more(conversation: Conversation, index: int) -> bool:
    """True when an agent turn since the customer's previous turn asks whether anything else is needed."""
    for turn in reversed(conversation.turns[:index]):
        if turn.is_customer:
            return False
        if turn.is_agent and ANYTHING_ELSE.search(turn.text or ""):
            return True
    return False
