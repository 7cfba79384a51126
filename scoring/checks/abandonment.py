"""The abandonment check: the conversation does not end with customer turns the agent never answered
(an agent who says "one moment" / 请您稍等 and never comes back while the customer keeps writing)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Optional

from scoring import explanations as say
from scoring.checks import params as p
from scoring.checks.base import CheckContext, CheckOutcome, CheckType, evidence_of, plural, quoted, turn_name, turns_of
from scoring.checks.intents import hits_of
from scoring.text import normalise
from transcripts.model import Conversation

#: Phrases that ask for the agent when they are most of a turn ("hello?", "anyone there", 人呢, 在吗).
NUDGES = ("hello", "hi", "anyone there", "anybody there", "is anyone there", "are you there", "still there",
          "are you still there", "any update", "any news", "still waiting", "im waiting", "i am waiting",
          "waiting", "hurry up", "please reply", "please answer", "reply please", "hellooo",
          "你好", "您好", "在吗", "在不在", "人呢", "有人吗", "还在吗", "客服呢", "回复一下", "快点", "快回复", "怎么不说话", "等着呢", "还在等")
#: Phrases of a turn that needs no answer (thanks, goodbye, a plain acknowledgement) when nothing else is left.
FAREWELLS = ("thanks", "thank you", "thank you so much", "thanks a lot", "many thanks", "thx", "ty", "cheers",
             "bye", "goodbye", "bye bye", "ok", "okay", "k", "great", "perfect", "cool", "got it", "all good",
             "no", "nope", "thats all", "that is all", "nothing else", "no thanks", "appreciate it", "you too",
             "have a good day", "have a nice day", "good night", "sounds good", "will do", "sure", "yes", "yep",
             "谢谢", "多谢", "谢啦", "感谢", "好的", "好", "嗯", "嗯嗯", "行", "可以", "收到", "明白", "知道了",
             "拜拜", "再见", "没有了", "没了", "不用了", "辛苦了", "辛苦", "好嘞", "好了", "行了", "谢谢你", "谢谢您",
             "哦", "啊", "呀", "哈", "亲")
# Questions without a question mark (chat customers often leave it out); a bare 呢 is left out on
# purpose, as in the acknowledgement 好的呢.
_QUESTION_EN = re.compile(r"(?:^|\b(?:but|and|so|ok|okay|also|then|thanks|hello|hi) )(?:(?:where|when|why|how|what"
                          r"|who|which)\b|(?:is|are|can|could|will|would|do|does|did|has|have|should|shall) (?:you|it"
                          r"|my|the|this|that|there|someone|anyone|i|we)\b)")
_QUESTION_ZH = re.compile(r"吗|什么|多久|几天|怎么|为什么|能不能|可不可以|是不是|有没有|行不行")
_UPSET_CONFIDENCE = 0.5


@lru_cache(maxsize=64)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern:
    """One pattern of the phrases (longest first); Latin phrases only match whole words."""
    parts = [re.escape(x) if not x.isascii() else rf"(?<![a-z0-9]){re.escape(x)}(?![a-z0-9])"
             for x in sorted(set(phrases), key=len, reverse=True)]
    return re.compile("|".join(parts))


def _leftover(text: str, phrases: tuple[str, ...]) -> str:
    """What is left of a normalised turn once the phrases are taken out (spaces dropped)."""
    return _pattern(phrases).sub("", text).replace(" ", "")


def _reason(conversation: Conversation, params: Mapping, context: CheckContext, index: int,
            upset: Mapping) -> Optional[str]:
    """Why customer turn `index` needs an answer (a question, a nudge, a complaint), or None."""
    text, raw = context.normalised[index], conversation.turns[index].text
    if "?" in raw or "？" in raw or _QUESTION_EN.search(text) or _QUESTION_ZH.search(text):
        return say.A_QUESTION
    hit = upset.get("upset")
    if hit is not None and hit.confidence >= _UPSET_CONFIDENCE:
        return say.A_COMPLAINT.format(phrase=hit.matched)
    nudges = tuple(normalise(x) for x in params.get("nudges", ())) or NUDGES
    if not _leftover(text, nudges + FAREWELLS):
        return say.A_NUDGE if _leftover(text, FAREWELLS) else None
    return None


def not_abandoned(conversation: Conversation, params: Mapping[str, object], context: CheckContext) -> CheckOutcome:
    """Fail when the customer turns after the agent's last turn were never answered: at least
    `min_unanswered` (default 1) of them ask, nudge ("hello?", 人呢) or complain (the semantic layer's
    `upset`, in the customer's own words), or at least `max_unanswered_turns` (default 2) say anything
    but thanks or goodbye. N/A otherwise (the agent spoke last, or the customer only said thanks or
    goodbye): it never passes, so a heavy weight costs only conversations that abandon the customer."""
    agent, customer = turns_of(conversation, context, "agent"), turns_of(conversation, context, "customer")
    last_agent = agent[-1] if agent else -1
    after = [i for i in customer if i > last_agent]
    if not after:
        return CheckOutcome.na(say.AGENT_ANSWERED_LAST)
    upset = hits_of(conversation, params, context, after, ("upset",))
    reasons = {i: r for i in after if (r := _reason(conversation, params, context, i, upset[i]))}
    spoken = [i for i in after if i in reasons or _leftover(context.normalised[i], FAREWELLS)]
    needing, most = int(params.get("min_unanswered", 1)), int(params.get("max_unanswered_turns", 2))
    since = say.SINCE_LAST_AGENT_TURN.format(turn=turn_name(last_agent)) if agent else say.NO_AGENT_TURN_AT_ALL
    if len(reasons) >= needing or len(spoken) >= most:
        first = min(reasons) if reasons else spoken[0]
        why = say.TURN_IS.format(turn=turn_name(first), reason=reasons[first]) if first in reasons else ""
        return CheckOutcome.failed(say.NEVER_ANSWERED.format(counted=plural(len(spoken), "customer turn"), since=since, because=why),
                                   [evidence_of(conversation, i) for i in spoken])
    if not spoken:
        texts = quoted(conversation.turns[i].text for i in after)
        if len(after) == 1:
            return CheckOutcome.na(say.LAST_TURN_NEEDS_NO_ANSWER.format(texts=texts))
        return CheckOutcome.na(say.LAST_TURNS_NEED_NO_ANSWER.format(count=len(after), texts=texts))
    return CheckOutcome.na(say.FEWER_THAN.format(counted=plural(len(spoken), "customer turn"), since=since, most=most))


NOT_ABANDONED = CheckType(
    "not_abandoned",
    not_abandoned,
    p.schema({"min_unanswered": p.positive_int, "max_unanswered_turns": p.positive_int, "nudges": p.phrases}),
    description="The conversation does not end with customer turns the agent never answered (questions, "
                "nudges such as 'hello?' or 人呢, complaints, or several turns of anything but thanks or goodbye).",
)
