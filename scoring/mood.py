"""The customer's mood over a conversation: start, end and lowest polarity, and a label for the end.

One owner for "how did the customer feel at the end": the stored summary (conversation metadata),
the `customer_sentiment_end` check and `qadesk scorer eval` all read it from here.

The end is read from the last few customer turns with the dialogue around them, not from the last
turn's polarity alone: a "no" / "没有了" that answers the agent's "anything else?" / "还有其他问题吗"
declines an offer and is not negative; thanks read positive (unless sarcastic: "thanks for nothing");
exasperation, threats, disappointment, impatience, resignation and worry that a lexicon misses ("I've
had it with this.", 你们等着吧, 我还以为能换新的, 人呢, 算了, "I hope it comes this time") read
negative; a reply with no feeling of its own (closing words such as "ok", 好的好的, 先这样吧, a bare
"no", a line check on a call, a short yes to the agent's proposal) does not erase the feeling before
it, except that a yes to a proposed solution ends the complaint before it. The Chinese model, trained
on product reviews, strays on neutral chat turns; its polarity is read through a dead zone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, NamedTuple, Optional, Sequence

from scoring.intents.prefilter import necessary_literals
from scoring.text import has_cjk
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
# ("had", "it", "hope", "算", "了"). They name kinds of utterance, in many wordings, in both languages;
# they are general customer-service language, not any labelled set's sentences.
EXASPERATED = _any(
    r"\b(had|have had) it\b", r"\bfed up\b", r"\bsick (of|and tired)\b", r"\bnever again\b",
    r"\bnever (buy|buying|order|ordering|shop|shopping|use|using)\b", r"\bforget (it|about it)\b",
    r"\bwhatever\b", r"\b(done|finished) with (you|this|it|your)\b", r"\bwast(e|ed|ing) (of )?(my )?(time|money)\b",
    r"\bgive up\b", r"\bgiving up\b", r"\bthanks? (a lot )?for nothing\b", r"\bstill (waiting|not|no|nothing|hasn'?t|haven'?t)\b",
    r"\bthis is a joke\b", r"\bunbelievable\b", r"\bpathetic\b", r"\bcancel (my|the) account\b",
    r"\b(bad|negative|1[- ]star|one[- ]star) review\b",
    r"\bnot (very |really |that |so |at all )?(happy|satisfied|impressed|helpful|useful|good enough|acceptable|fair)\b",
    r"算了", r"无语", r"呵呵", r"服了", r"受够", r"再也不", r"不会再", r"别再", r"随便(吧|你们)", r"懒得",
    r"浪费(我的)?时间", r"什么破", r"垃圾", r"坑人", r"差评", r"投诉", r"失望", r"还是没", r"怎么还", r"气死", r"不满意",
    r"\b(heard|seen) (that|this|it) (all )?before\b", r"\bi'?ll believe it when\b", r"\byeah,? right\b",
    r"不(太|是很|怎么|大)(满意|靠谱|像话)", r"什么态度", r"下次(别|不要)再?(这样|这么)", r"打发(叫花子|人)", r"态度(太|真|很|也太)?差", r"太过分", r"欺负人", r"骗人", r"忽悠",
)
#: Threats: the customer leaves hostile, whatever words a lexicon finds ("行，你等着" reads neutral).
HOSTILE = _any(r"你(们)?(就)?等着(瞧|吧)?\W*$", r"等着瞧", r"走着瞧", r"有你(们)?好(看|受)", r"\byou'?ll (be hearing|hear) from\b",
               r"\bsee you in court\b", r"\b(i'?ll|i will|i'?m going to|gonna) (report|sue) you\b")
#: An outcome short of what the customer expected: disappointed, not content (unless the same turn is
#: glad: 我还以为要等很久，太好了 is a pleasant surprise).
DISAPPOINTED = _any(r"还以为", r"本以为", r"原以为", r"原来以为", r"我以为(能|会|可以|是)", r"白(等|跑|高兴)",
                    r"\bi thought (i'?d|i would|it would|you'?d|you would) (get|be|have)\b",
                    r"\bnot what i (expected|wanted|asked for|paid for)\b", r"\bis that (all|it)\?")
WORRIED = _any(r"\bi hope (it|this|that|they|the|my|so)\b", r"\bhopefully\b", r"\bfingers crossed\b",
               r"\bworr(y|ied|ying)\b", r"\bnervous\b", r"\banxious\b", r"\bconcerned\b", r"\bis (it|this|that) safe\b",
               r"\b(let'?s|i'?ll|we'?ll|i can only|can only) (just )?hope\b",
               r"希望.{0,6}(能|别|不要|不会|赶紧|尽快|快点)", r"但愿", r"担心", r"着急", r"焦虑", r"(不|不太|不是很|不怎么|还是不)放心", r"心里没底",
               r"怕(又|再|还是)", r"安全吗")
#: Impatience at being left waiting ("hello??", 人呢, 有人吗？？): the customer is not being helped. An
#: opening "is anyone there?" / 有人吗 with one question mark is not.
IMPATIENT = _any(r"\b(hello|hi|hey|anyone|anybody|there|here)\b\W*\?{2,}", r"\bare you still there\b",
                 r"(^|\W)人呢", r"(有人吗|有没有人[啊呀]?|在不在[啊呀]?|在吗)\W*[？?]{2,}", r"怎么不(说话|回|理)")
#: Resignation: the customer gives in without being satisfied ("nothing I can do", 只能这样了).
RESIGNED = _any(r"\bnothing (i|we) can do\b", r"\b(no|not much) (other )?choice\b", r"\bif (i|we) (must|have to)\b",
                r"\b(i'?ll|i will) (just )?have to (wait|live with|accept)\b",
                r"(只能|只好|也只能)(这样|等|认)", r"没办法", r"认了", r"认栽", r"看着办", r"那(我)?(就)?(不要了|不买了|不想要了)", r"我?不(买|想要)了")
SATISFIED = _any(r"\b(good|fine|sorted|fixed|set)\b", r"\b(great|perfect|awesome|brilliant|excellent|lovely|wonderful|amazing)\b",
                 r"\blegend\b", r"\b(you'?re|you'?ve been|you are) (a |an )?(star|legend|lifesaver|life saver|gem|hero)\b",
                 r"\bhappy\b", r"\bresolved\b", r"[:;]-?\)", r"😊|🙂|👍|😀|😄",
                 r"满意", r"太好了", r"完美", r"解决了", r"很好", r"不错", r"开心", r"放心了", r"安心了", r"那就好", r"搞定")
THANKS = _any(r"\bthank", r"\bthx\b", r"\bty\b", r"\bcheers\b", r"\bappreciate", r"\bmuch obliged\b",
              r"谢谢", r"感谢", r"多谢", r"谢啦", r"谢了", r"麻烦(你|您)了", r"辛苦(了|啦|您)", r"满意", r"太好了", r"给力", r"点赞")
#: The formula that declines politely: its "thanks" is not gratitude for a resolution.
NO_THANKS = _any(r"\bno,? thanks?( you)?\b", r"\bno thx\b", r"不用[了啦]?[，,]?\s*谢谢")
ANYTHING_ELSE = _any(r"\banything else\b", r"\bsomething else\b", r"\belse (i|we) can\b", r"\bany (other|more|further) (question|issue|concern|thing)",
                     r"\banything more\b", r"\bother questions?\b", r"还有(其他|什么|别的|其它|需要|没有)", r"其他(问题|需要|可以)",
                     r"别的(问题|需要)", r"还需要(什么|其他|别的)")
DECLINE = _any(r"^\W*(no|nope|nah|not really|nothing|that'?s (all|it|everything)|i'?m (good|fine|all set)|all (good|set)|"
               r"we'?re good|no,? (thanks?|thank you|that'?s all)|that will be all|none)\b",
               r"^\W*(没有|没了|没啦|没事|木有|没得|都没|不用|不需要|不要了|就这些|暂时没|暂时不用|没其他|没别的|没什么|没问题了)")
#: An agent's proposal awaiting the customer's yes (您看这样可以吗, "would you like me to ..."): a short yes
#: to it accepts the resolution.
PROPOSAL = _any(r"\bwould you like\b", r"\bshall i\b", r"\bdo you want (me|us) to\b", r"\bcan i go ahead\b",
                r"\b(is|would) (that|this) (be )?(ok|okay|alright|all right|acceptable|fine)\b", r"\bdoes (that|this) (work|sound)",
                r"\bhow does (that|this) sound\b", r"(您|你)看(这样|这个|哪种|哪个|怎么样|行|可以)", r"(这样|这么)(处理|安排|办)?(可以|行)(吗|么|不)",
                r"(好|行|可以)吗[？?]", r"要不要", r"是否(需要|可以|同意)", r"需要(我|帮您|给您)")
ACCEPT = _any(r"^\W*(yes|yeah|yep|sure|ok|okay|alright|all right|fine|sounds good|that works|please do|go ahead|do that|"
              r"that'?s fine|deal)\b", r"^\W*(好的?|行|可以|没问题|同意|就这样|那就这样|嗯|对)")
#: Grudging acceptance (行吧, "I suppose"): neither content nor upset.
RELUCTANT = _any(r"^\W*(那)?(行吧|好吧|也行|那好|那行|凑合)", r"^\W*((yes|yeah|ok|okay|well|fine),? )?i (suppose|guess)\b",
                 r"^\W*if you say so\b",
                 r"^\W*(fine|ok|okay),? (then|i guess)\b")
#: A call's line, not a feeling: "can you hear me?", 喂？听得到吗 (a review-trained model reads 你说什么 as angry).
LINE = _any(r"\bcan you hear me\b", r"\byou'?re breaking up\b", r"\bbad (line|connection|signal)\b", r"\bcan'?t hear (you|anything)\b",
            r"^\W*(喂+\W*)+((你)?说什么|听(得|不)(到|见|清)吗?)?\W*$", r"听(得|不)(到|见|清)", r"没听清", r"信号(不好|差|不太好)",
            r"断断续续")
_FLAT_WORDS = ("ok|okay|k|fine|sure|alright|all right|right|got it|noted|understood|i see|yes|yep|yeah|bye|goodbye|"
               "see you|then|um|uh|oh|"
               "好的|好吧|好|嗯|哦|噢|喔|呃|额|啊|行|可以|收到|知道了|明白了|明白|了解|是的|是|对|拜拜|再见|那|"
               "就?先?这样(?:吧|了|啊)?")
#: A reply of closing words only ("ok", "好的好的", "呃，好，再见", 先这样吧), with its punctuation and fillers.
FLAT = _any(rf"^\W*(?:(?:{_FLAT_WORDS})(?![a-z])\W*)+$")


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


#: Reading kinds of a reply with no feeling of its own: the feeling before it carries over.
CARRIED_OVER = frozenset({"flat", "bare decline", "line", "accepted"})
#: Kinds a cue (not the model alone) gave; they carry over whole.
CUE_FEELINGS = frozenset({"exasperated", "hostile", "disappointed", "worried", "impatient", "resigned", "thanks",
                          "declined warmly"})
_FLOORS = {"exasperated": NEGATIVE_FLOOR, "hostile": NEGATIVE_FLOOR, "disappointed": NEGATIVE_FLOOR,
           "worried": WORRIED_FLOOR, "impatient": WORRIED_FLOOR, "resigned": WORRIED_FLOOR}
#: The Chinese model is a review classifier: on neutral chat turns its polarity is overconfident (half of
#: the neutral chat turns of bench/sentiment_eval.py read beyond +-0.2, four in five within +-0.4). A turn
#: with CJK text is read through a dead zone of this width, rescaled to -1..1, before the rules below.
CJK_NEUTRAL_BAND = 0.4
#: A yes to the agent's proposal, or a grudging one, is recognised only in a short reply (longer ones say more).
ACCEPT_MAX_CHARS = 30


def end_reading(conversation: Conversation, turns: Sequence[int],
                polarity: Mapping[int, float]) -> tuple[float, tuple[int, ...], str]:
    """(end polarity, the turns it rests on, why) from the last customer turns, in order.

    The last turn read in its dialogue (turn_reading) is the end, unless it has no feeling of its own
    (CARRIED_OVER: a bare closing word, a bare "No." to "anything else?", a line check, a yes to the
    agent's proposal). Then the nearest earlier turn of the window with a clear feeling carries over,
    passing over other such replies: whole when a cue gave it (thanks, exasperation, worry ...),
    half-way when only the model did. A yes to a proposal accepts the resolution: a complaint before
    it no longer carries. The "no" itself never reads negative.
    """
    last = turns[-1]
    value, kind = turn_reading(conversation, last, polarity[last])
    if kind not in CARRIED_OVER:
        return value, (last,), f"{kind} last turn"
    accepted = kind == "accepted"
    for index in reversed(turns[:-1]):
        before, before_kind = turn_reading(conversation, index, polarity[index])
        if before_kind in CARRIED_OVER:
            accepted = accepted or before_kind == "accepted"
            continue
        clear = before_kind in CUE_FEELINGS or abs(before) >= POSITIVE_AT
        if not clear or (accepted and before < 0):
            break
        carried = before if before_kind in CUE_FEELINGS else (before + value) / 2.0
        return carried, (index, last), f"a bare reply after {_article(before_kind)} {before_kind} turn"
    return value, (last,), f"{kind} last turn"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def turn_reading(conversation: Conversation, index: int, value: float) -> tuple[float, str]:
    """(polarity, kind) of one customer turn in its dialogue; a CJK turn's polarity first goes through
    the dead zone CJK_NEUTRAL_BAND. Kinds: cue feelings "exasperated", "hostile", "disappointed"
    (negative), "worried", "impatient", "resigned" (mildly negative); "line" (a call's line check: 0); answers to the
    agent's "anything else?": "declined warmly" (thanks or satisfaction beyond the formula "no thanks":
    positive), "declined" (no thanks, 不用了谢谢: neutral), "bare decline" (no, 没了: neutral, never
    negative); "thanks"; "accepted" (a short yes to the agent's proposal: neutral); "reluctant" (行吧,
    "I suppose": neutral); "flat" (closing words only); "plain" (the polarity as is)."""
    kinds = _text_kinds((conversation.turns[index].text or "").strip())
    flags = kinds.flags
    if "cjk" in flags:
        value = _dead_zone(value, CJK_NEUTRAL_BAND)
    if kinds.feeling:
        return min(value, _FLOORS[kinds.feeling]), kinds.feeling
    if "line" in flags:
        return 0.0, "line"
    if kinds.decline and _agent_asked(conversation, index, ANYTHING_ELSE):
        if kinds.decline == "declined warmly":
            return max(value, THANKS_FLOOR), kinds.decline
        return max(0.0, min(0.15 if kinds.decline == "declined" else 0.1, value)), kinds.decline
    if "thanks" in flags and value > NEGATIVE_FLOOR:
        return max(value, THANKS_FLOOR), "thanks"
    if "accept" in flags and _agent_asked(conversation, index, PROPOSAL):
        return max(0.0, min(0.15, value)), "accepted"
    if "reluctant" in flags:
        return max(-0.15, min(0.1, value)), "reluctant"
    if "flat" in flags:
        return max(-0.1, min(0.1, value)), "flat"
    return value, "plain"


def _dead_zone(value: float, band: float) -> float:
    """`value` with |value| <= band read as 0 and the rest rescaled to reach +-1."""
    size = abs(value) - band
    return 0.0 if size <= 0 else (size if value > 0 else -size) / (1.0 - band)


# Literals one of which every match of each kind's regex holds (scoring.intents.prefilter), in
# lower case: a turn holding none of them skips the regex. The regexes try all their alternatives
# at every position of a turn (about 80 us a turn for the six), and most turns hold no literal.
_FEELINGS = (("exasperated", EXASPERATED), ("hostile", HOSTILE), ("disappointed", DISAPPOINTED),
             ("worried", WORRIED), ("impatient", IMPATIENT), ("resigned", RESIGNED))
_LITERALS = {regex: necessary_literals(regex.pattern)
             for regex in (*(r for _, r in _FEELINGS), SATISFIED, THANKS, NO_THANKS, DECLINE, FLAT, ACCEPT,
                           RELUCTANT, LINE)}
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


class TextKinds(NamedTuple):
    """What the regexes say of one turn text: its cue feeling and decline kind ("" for none) and the
    flags among FLAGS it has (see turn_reading for the kinds)."""

    feeling: str = ""
    decline: str = ""
    flags: frozenset = frozenset()


#: The flags of TextKinds; "cjk": the text holds CJK characters (the Chinese model read it).
FLAGS = ("thanks", "flat", "accept", "reluctant", "line", "cjk")


@lru_cache(maxsize=8192)
def _text_kinds(text: str) -> TextKinds:
    """What the regexes say of one stripped turn text, kept per text (closing turns repeat)."""
    folded, cjk = _folded(text), has_cjk(text)
    for name, regex in _FEELINGS:
        if _found(regex, text, folded) and not (regex is DISAPPOINTED and _glad(text, folded)):
            return TextKinds(feeling=name, flags=frozenset({"cjk"} if cjk else ()))
    decline = ""
    if _found(DECLINE, text, folded):
        kept = NO_THANKS.sub("", text)
        if _found(SATISFIED, text, folded) or _found(THANKS, kept, _folded(kept)):
            decline = "declined warmly"
        else:
            decline = "declined" if _found(NO_THANKS, text, folded) else "bare decline"
    found = {"thanks": _found(THANKS, text, folded), "flat": _found(FLAT, text, folded),
             "accept": len(text) <= ACCEPT_MAX_CHARS and _found(ACCEPT, text, folded),
             "reluctant": len(text) <= ACCEPT_MAX_CHARS and _found(RELUCTANT, text, folded), "line": _found(LINE, text, folded), "cjk": cjk}
    return TextKinds("", decline, frozenset(k for k, v in found.items() if v))


def _glad(text: str, folded: str) -> bool:
    return _found(THANKS, text, folded) or _found(SATISFIED, text, folded)


def _agent_asked(conversation: Conversation, index: int, question: re.Pattern) -> bool:
    """True when an agent turn since the customer's previous turn matches `question` (ANYTHING_ELSE: asks
    whether anything else is needed; PROPOSAL: proposes a solution for the customer's yes)."""
    for turn in reversed(conversation.turns[:index]):
        if turn.is_customer:
            return False
        if turn.is_agent and question.search(turn.text or ""):
            return True
    return False
