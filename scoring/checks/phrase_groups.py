"""Ready-made phrase lists (English and Chinese): forbidden-phrase groups and hold announcements/thanks."""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

# Chinese phrases match anywhere in running text, so single characters and short words that are
# also parts of harmless words are left out: 操 (操作, operate), 滚 (滚筒, drum), 妈的 (妈妈的, mum's),
# 垃圾 (垃圾袋, bin bag). English phrases match whole words only.
PROFANITY = {
    "en": (
        "fuck", "fucking", "fucked", "fuck off", "shit", "bullshit", "asshole", "bitch", "bastard",
        "dickhead", "piss off", "screw you", "shut up", "you idiot", "you moron", "are you stupid",
        "stupid customer",
    ),
    "zh": (
        "他妈的", "你妈的", "傻逼", "煞笔", "傻叉", "去死", "白痴", "脑残", "滚蛋", "滚开", "混蛋",
        "王八蛋", "有病吧", "你有病", "神经病", "闭嘴",
    ),
}

# "You should have" alone would also forbid "you should have received an email", so only blaming
# continuations are listed.
BLAMING = {
    "en": (
        "it's your fault", "that's your fault", "your own fault", "your problem",
        "not my problem", "not our problem", "not our fault", "you should have read",
        "you should have checked", "you should have known", "you should have looked",
        "you should have told us", "you should have ordered", "you should've read",
        "you should've checked", "you didn't read", "you did it wrong", "you were supposed to",
        "as i already told you", "i already told you",
    ),
    "zh": (
        "你自己的问题", "您自己的问题", "怪你自己", "怪您自己", "谁让你", "你自己没看",
        "您自己没看", "你没看清楚", "你自己操作", "不是我们的问题", "跟我们没关系", "与我们无关",
        "这是你的责任", "我已经说过了", "早就告诉你了",
    ),
}

PROHIBITED_PROMISES = {
    "en": (
        "i guarantee", "we guarantee", "guaranteed refund", "100% refund guaranteed", "refund guaranteed",
        "i promise you a refund", "five-star review for a refund",
        "refund for a good review", "cashback for a good review",
        "cash back for a five-star review", "leave a good review and",
    ),
    "zh": (
        "好评返现", "好评返利", "好评送", "五星好评返", "给好评就退款", "好评退款", "晒图返现",
        "保证退款", "百分之百退款", "100%退款", "一定给您退款", "肯定能退", "包赔", "我保证",
    ),
}

PHRASE_GROUPS: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType({
    "profanity": PROFANITY,
    "blaming": BLAMING,
    "prohibited_promises": PROHIBITED_PROMISES,
})

# An agent announcing a hold (dead_air excuses the silence after it; hold_etiquette expects thanks).
HOLD_PHRASES = (
    "please hold", "hold on", "hold the line", "put you on hold", "bear with me", "one moment",
    "just a moment", "a moment please", "give me a moment", "one second", "just a second",
    "请稍等", "稍等一下", "稍等片刻", "请您稍等", "请稍候", "稍等",
)

# An agent thanking the customer on return from a hold.
HOLD_THANKS = (
    "thank you for holding", "thanks for holding", "thank you for waiting", "thanks for waiting",
    "thank you for your patience", "thanks for your patience", "sorry to keep you waiting",
    "sorry for the wait", "sorry for keeping you waiting",
    "感谢您的耐心等待", "感谢您的等待", "谢谢您的耐心等待", "谢谢您的等待", "感谢耐心等待", "谢谢等待",
    "让您久等了", "久等了",
)


def group_phrases(name: str) -> tuple[str, ...]:
    """Every phrase of a group, English then Chinese; KeyError for an unknown group name."""
    languages = PHRASE_GROUPS[name]
    return tuple(phrase for language in sorted(languages) for phrase in languages[language])
