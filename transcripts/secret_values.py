"""Secrets a customer should not have typed or said: passwords, PINs, card security codes and one-time codes.

A secret is found by the words that name it ("my PIN is", "CVV", "密码是", "验证码") and the value
right after them, or, in a conversation, as a reply that is nothing but a value right after the agent
asked for one. Values are written digits, digits read out as words ("four eight two nine", "四八二九")
or, for passwords, a token that looks like one. Every function works on normalised text (ASCII digits,
letters and spaces, as transcripts.pii makes it) and returns (start, end, kind) spans of the values
alone, sorted and not overlapping; the words around them stay.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from transcripts.spoken import fold_case, spoken_runs

KINDS = ("PASSWORD", "PIN", "CVV", "OTP")
Span = tuple[int, int, str]

# How many digits a value of each kind has: CVV 3-4, PIN 4-12, one-time codes 4-8.
_DIGITS = {"PASSWORD": range(4, 65), "PIN": range(4, 13), "CVV": range(3, 5), "OTP": range(4, 9)}

_CVV_EN = (r"\bcv[vcn]2?\b|\bsecurity\s+code\b|\bcard\s+verification\s+(?:value|code|number)\b"
           r"|\b(?:three|3|four|4)[\s\-]digit\s+(?:security\s+)?(?:code|number)\s+on\s+the\s+back\b"
           r"|\b(?:code|number|digits)\s+on\s+the\s+back\s+of\s+(?:the|my|your)\s+(?:\w+\s+)?card\b")
_CVV_ZH = r"安全码|(?:信用)?卡片?的?(?:验证码|校验码)|背面的?那?(?:三|3)位(?:数字|数|码)?"
_OTP_EN = (r"\bone[\s\-]?time\s+(?:pass(?:word|code)|code|pin)\b|\botp\b"
           r"|\b(?:verification|verify|auth(?:entication|ori[sz]ation)?|sms|text|login|log[\s\-]?in"
           r"|sign[\s\-]?in|2fa|two[\s\-]factor)\s+code\b")
# A parcel-locker pickup code (取件码, 取件验证码) is for the courier's locker, not a credential.
_OTP_ZH = r"(?<!取件)(?<!取货)(?<!提货)(?<!快递)(?:短信)?(?:验证码|校验码|动态码|动态密码)|一次性密码|短信码"
_PIN_EN = r"\bpin(?:\s*(?:number|code))?\b|\bpasscode\b"
_PIN_ZH = r"(?:支付|交易|取款|提现|付款|银行卡|卡)密码|pin码"
_PASSWORD_EN = r"\bpass\s?words?\b|\bpasswd\b|\bpwd\b"
_PASSWORD_ZH = r"(?:登录|登陆|账户|账号|帐号|帐户|邮箱)?密码|口令"
# "the code", "that six-digit code": a one-time code unless the words that follow name something else.
_CODE_EN = r"\b(?:the|my|your|this|that)\s+(?:\w+[\s\-]digit\s+)?code\b(?!\s+on\s+the\s+back)"
# At one position the first alternative wins, and the leftmost position wins: "信用卡验证码" is a CVV,
# "动态密码" a one-time code and "支付密码" a PIN, not a password.
_KEYWORD = re.compile(
    rf"(?P<CVV>{_CVV_EN}|{_CVV_ZH})|(?P<OTP>{_OTP_EN}|{_OTP_ZH})|(?P<PIN>{_PIN_EN}|{_PIN_ZH})"
    rf"|(?P<PASSWORD>{_PASSWORD_EN}|{_PASSWORD_ZH})|(?P<CODE>{_CODE_EN})",
    re.IGNORECASE,
)
# Every keyword holds one of these anchors, at most _BEFORE_ANCHOR characters after its start. The
# keyword regex is slow to search with (dozens of alternatives tried at every character), so it is
# only tried at the word starts just before an anchor; most turns hold no anchor at all.
_ANCHORS = ("pass", "pin", "pwd", "cv", "code", "otp", "verif", "back", "码", "口令", "背面")
_ANCHOR = re.compile("|".join(_ANCHORS))
_ANCHOR_ANY_CASE = re.compile("|".join(_ANCHORS), re.IGNORECASE)
_BEFORE_ANCHOR = 40

# What may stand between a keyword and its value: "number", "for my account", "you sent me", "is", ":".
_LINK = re.compile(
    r"(?:\s*(?:number|no\.?|code|digits?)(?![a-z]))?"
    r"(?:\s+(?:for|to|of|on)\s+(?:my|the|your|this)\s+(?:account|app|card|login|wallet|phone|e-?mail"
    r"|(?:bank|credit|debit)\s+card)(?![a-z]))?"
    r"(?:\s+(?:that\s+)?(?:i|you|we|u)\s+(?:just\s+)?(?:got|get|received|sent|texted|have|use|used|set"
    r"|typed|entered)(?:\s+(?:me|you|to\s+me))?(?![a-z]))?"
    r"(?:\s*(?:'s|’s|is|was|would\s+be|should\s+be|will\s+be)(?![a-z]))?"
    r"(?:\s+(?:just|still|now|actually)(?![a-z]))?"
    r"\s*(?:号码|号|数字)?\s*(?:(?:就|应该|也|还|都)?(?:是|为))?\s*[:：=#\-]?\s*",
    re.IGNORECASE,
)
# Quoted: taken as typed, but never a placeholder ("'[PASSWORD]'" stays as it is).
_QUOTED = re.compile(r"[\"'“‘「]([^\"'”’」\n\[\]]{1,64})[\"'”’」]")
_WRITTEN = re.compile(r"(?<![0-9A-Za-z])[0-9]+(?: [0-9]+)*")
_GROUP = re.compile(r"[0-9]+")
# Digits followed by one of these are an amount, a duration, a count or a date, not a secret.
_NOT_AFTER_DIGITS = re.compile(
    r"[0-9A-Za-z]|[\-/.:,][0-9]|\s*(?:位|个|元|块|分钟|秒|小时|天|次|号|月|年|%|(?:digits?|characters?|chars?"
    r"|minutes?|mins?|seconds?|secs?|hours?|days?|times?|yuan|dollars?|rmb|usd|off|percent|pcs|items?)(?![a-z]))",
    re.IGNORECASE,
)
_SPOKEN_START = re.compile(
    r"(?:double|triple|zero|oh|o|one|two|three|four|five|six|seven|eight|nine)\b|[零〇一幺二两三四五六七八九]",
    re.IGNORECASE,
)
# A password token: printable ASCII without brackets or quotes (so no placeholder is taken for one).
_TOKEN = re.compile(r"[!#-&*-Z\\^-z|~]+")
_SYMBOL = re.compile(r"[!@#$%^&*_+=~?]")


def may_hold_secret(text: str) -> bool:
    """False only if the text holds no word that can name a secret."""
    return any(map(_folded(text).__contains__, _ANCHORS))


def _folded(text: str) -> str:
    """Lower case as the keyword regex reads it ("İ" and "ı" are "i"), cheaply for the usual text."""
    return text.lower() if text.isascii() or ("İ" not in text and "ı" not in text) else fold_case(text)


def keywords(text: str) -> Iterator[re.Match[str]]:
    """The matches `_KEYWORD.finditer(text)` gives, tried only where an anchor is near."""
    folded = _folded(text)
    anchors = _ANCHOR.finditer(folded) if len(folded) == len(text) else _ANCHOR_ANY_CASE.finditer(text)
    end = 0
    for anchor in anchors:
        at = anchor.start()
        if at < end:
            continue
        starts = [m.start() for m in _KEYWORD_START.finditer(text, max(end, at - _BEFORE_ANCHOR), at)] + [at]
        for start in starts:
            match = _KEYWORD.match(text, start)
            if match is not None and match.end() > at:
                end = match.end()
                yield match
                break


# Where a keyword can begin: a word start (each English keyword begins with \b) or a CJK character.
_KEYWORD_START = re.compile(r"\b\w|[\u2e80-\U0010ffff]")


def find_secrets(text: str, spoken: bool) -> list[Span]:
    """Values right after a secret keyword; digits read out as words count when `spoken`.

    Nothing is found after a keyword followed by other words ("I forgot my password", "the code on
    the parcel label is ...") or by an amount, a duration or a date ("验证码5分钟内有效").
    """
    spans: list[Span] = []
    for match in keywords(text):
        if spans and match.start() < spans[-1][1]:
            continue  # a keyword inside a value already taken ("password: Pin1234")
        kind = "OTP" if match.lastgroup == "CODE" else match.lastgroup
        start = _LINK.match(text, match.end()).end()
        style = "digits" if match.lastgroup == "CODE" else "zh" if not match.group().isascii() else "en"
        value = _value_at(text, start, kind, style, spoken)
        if value is not None:
            spans.append((*value, kind))
    return spans


def _value_at(text: str, start: int, kind: str, style: str, spoken: bool) -> tuple[int, int] | None:
    """(start, end) of a value of `kind` at `start` (inside its quotes if quoted), or None.

    `style` says what may be a value: "digits" only digits, "en" also a token that looks like a
    password (a digit, a symbol or an inner capital) or an alphanumeric one-time code, "zh" any
    token of four characters or more (after a Chinese keyword English words are rare)."""
    quoted = _QUOTED.match(text, start)
    if quoted is not None and style != "digits":
        return quoted.span(1) if kind == "PASSWORD" or _digits_fit(quoted.group(1), kind) else None
    end = _digits_end(text, start, kind, spoken)
    if end is not None or style == "digits" or kind not in ("PASSWORD", "OTP"):
        return None if end is None else (start, end)
    token = _TOKEN.match(text, start)
    if token is None:
        return None
    value = token.group().rstrip(".,;:")  # sentence punctuation
    # A trailing "!" or "?" is taken with a value that looks secret without it ("Hunter2024!"), but
    # does not make one ("my password is wrong!").
    return (start, start + len(value)) if _looks_secret(value.rstrip("!?"), kind, style) else None


def _digits_fit(value: str, kind: str) -> bool:
    return value.replace(" ", "").isdigit() and len(value.replace(" ", "")) in _DIGITS[kind]


def _digits_end(text: str, start: int, kind: str, spoken: bool) -> int | None:
    """End of the longest run of digit groups at `start` whose length fits `kind` and that is not an
    amount, duration or date; digits read out as words count when `spoken`."""
    if spoken and _SPOKEN_START.match(text, start):
        run = spoken_runs(text[start:start + 200])[0]
        digits = "".join(token[2] for token in run)
        end = start + run[-1][1]
        return end if len(digits) in _DIGITS[kind] and not _NOT_AFTER_DIGITS.match(text, end) else None
    written = _WRITTEN.match(text, start)
    if written is None:
        return None
    groups = list(_GROUP.finditer(written.group()))
    for last in range(len(groups), 0, -1):  # "4821 20 minutes" is the code 4821
        end = start + groups[last - 1].end()
        digits = sum(len(g.group()) for g in groups[:last])
        if digits in _DIGITS[kind] and not _NOT_AFTER_DIGITS.match(text, end):
            return end
    return None


def _looks_secret(value: str, kind: str, style: str) -> bool:
    """Whether a token after a keyword is a password or code rather than a word ("wrong", "expired")."""
    if len(value) < 4 or len(value) > 64:
        return False
    has_digit, has_letter = any(c.isdigit() for c in value), any(c.isalpha() for c in value)
    if kind == "OTP":
        return len(value) <= 10 and value.isalnum() and has_digit and has_letter
    if style == "zh":
        return True
    inner_capital = any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)
    return has_digit or (has_letter and _SYMBOL.search(value) is not None) or inner_capital


# --- a reply to the agent's question -------------------------------------------------------

_CLAUSE = re.compile(r"[^.!?。！？;；\n]+[.!?。！？;；\n]*")
_ASK = re.compile(
    r"[?？]|\b(?:please|pls|plz|could|can|would|tell|read|give|provide|confirm|enter|type|send|share|say"
    r"|what(?:'s|s)?|may\s+i|need)\b|请|麻烦|提供|告诉|报|说|发|念|读|输入|多少|什么|确认|给我",
    re.IGNORECASE,
)
# A keyword after one of these in its clause is a warning ("never share your code"), not a request.
_NEGATION = re.compile(
    r"\b(?:don'?t|do\s+not|never|not|no\s+need|won'?t|will\s+not|shouldn'?t|should\s+not|without)\b"
    r"|不要|勿|别|切勿|不会|无需|不用|不需要|千万|不能|不可|不必|未|没",
    re.IGNORECASE,
)
# "the code on the parcel label", "the code of the coupon": a generic code named as something else's.
_CODE_OF = re.compile(r"\s+(?:on|of|from|for|in|at)\s+(?:the|your|my|this|that)\s+(?P<noun>[a-z]+)",
                      re.IGNORECASE)
_CODE_OF_SECRET = frozenset({"account", "app", "phone", "mobile", "text", "sms", "message", "email", "screen"})
_LEAD = re.compile(
    r"(?:\s*(?:sure|ok(?:ay)?|yes|yeah|yep|yup|um+|uh+|erm?|hmm+|so|right|alright|here\s+(?:it\s+)?is|here"
    r"|it'?s|it\s+is|that'?s|the\s+code\s+is|好的?|嗯+|恩|是的?|哦|噢|呃|额|就是|这个|稍等)(?![a-z])"
    r"[\s,，:：.。!！~]*)*",
    re.IGNORECASE,
)
_TAIL = re.compile(
    r"[\s,，.。!！~]*(?:(?:thanks?|thank\s+you|thx|ty|谢谢|哈+|呀|哦|吧|啊)(?![a-z])[\s,，.。!！~]*)*\Z",
    re.IGNORECASE,
)


# A later question about one of these is not about the secret any more ("... I mean the order number?").
_OTHER_THING = re.compile(
    r"\b(?:order|tracking|waybill|parcel|package|reference|ref|invoice|ticket|phone|mobile|address|e-?mail"
    r"|name|post\s?code|zip|amount|date)\b|订单|单号|运单|快递|物流|地址|电话|手机|邮箱|姓名|金额|日期",
    re.IGNORECASE,
)


def asked_for(text: str) -> str | None:
    """The kind of secret an agent's turn asks for, or None.

    The last clause that asks about something decides: it must name a secret that no negation
    before it in the clause turns into a warning ("we will never ask for your PIN"), and a generic
    "the code" must not be something else's ("what's the code on the parcel label?"). A later
    request that names nothing ("read it out to me") keeps the secret asked for.
    """
    if not may_hold_secret(text):
        return None
    asked = None
    for clause in _CLAUSE.findall(text):
        if not _ASK.search(clause):
            continue
        kind = _secret_named(clause)
        if kind is not None or next(keywords(clause), None) or _OTHER_THING.search(clause):
            asked = kind
    return asked


def _secret_named(clause: str) -> str | None:
    for match in keywords(clause):
        if _NEGATION.search(clause, 0, match.start()):
            return None
        if match.lastgroup != "CODE":
            return match.lastgroup
        of = _CODE_OF.match(clause, match.end())
        if of is None or of.group("noun").lower() in _CODE_OF_SECRET:
            return "OTP"
    return None


def find_answer(text: str, kind: str, spoken: bool) -> list[Span]:
    """The value when a reply is nothing but a value of `kind` ("482913", "ok, it's 4821 thanks",
    "四八二九一三"), else no span. Digits read out as words count when `spoken`."""
    value = _value_at(text, _LEAD.match(text).end(), kind, "en", spoken)
    if value is None or _TAIL.match(text, value[1] + (text[value[1]:value[1] + 1] in "\"'”’」")) is None:
        return []
    return [(*value, kind)]
