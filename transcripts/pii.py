"""PII redaction: cards, phones, e-mail addresses, Chinese resident IDs, passwords, PINs, card security
codes and one-time codes become typed placeholders."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from types import MappingProxyType
from typing import Callable, Mapping, Sequence

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric

from transcripts import secret_values
from transcripts.model import Conversation
from transcripts.phones import find_phones as _find_phones  # a module global so tests can replace it
from transcripts.secret_values import find_secrets as _find_secrets, may_hold_secret as _may_hold_secret
from transcripts.spoken import count_digits as _count_digits, may_hold_spoken_number as _may_hold_spoken_number
from transcripts.spoken import spoken_runs as _spoken_runs
# bench/pii.py times the matcher and clears the verdict cache under these names.
from transcripts.phones import _run_verdict, find_phones_with_matcher as _find_phones_with_matcher  # noqa: F401

KINDS = ("CARD", "PHONE", "EMAIL", "ID", *secret_values.KINDS)
PLACEHOLDERS: Mapping[str, str] = MappingProxyType({kind: f"[{kind}]" for kind in KINDS})

Span = tuple[int, int, str]  # (start, end, kind) in the text being redacted


@dataclass(frozen=True)
class RedactionConfig:
    """Which kinds of PII to redact. Everything is on by default.

    `phone_regions` are the regions whose national formats (no country code) are recognised;
    numbers written with a country code (+44 ..., 0086 ...) are found whatever the list holds.
    `spoken_digits` finds card and ID numbers read out as words ("four one one one ...",
    "四一一一..."); they are replaced only when `cards` (or `ids`) is on as well.
    `card_context` (with `cards` on) replaces 12 to 19 digits, written or (with `spoken_digits`)
    spoken, right after a card keyword ("card number", "卡号") even when the checksum fails, unless
    an order, tracking or phone word is nearer to them.
    `secrets` replaces a password, PIN, card security code (CVV) or one-time code right after the
    word that names it ("my PIN is 4821", "验证码：482913"), spoken digits too with `spoken_digits`.
    `secret_answers` (with `secrets` on; redact_conversation only) replaces a customer's reply that
    is nothing but such a value right after an agent's turn that asks for one.
    """

    cards: bool = True
    phones: bool = True
    emails: bool = True
    ids: bool = True
    spoken_digits: bool = True
    card_context: bool = True
    secrets: bool = True
    secret_answers: bool = True
    phone_regions: tuple[str, ...] = ("CN", "US", "GB")

    def __post_init__(self) -> None:
        for name in ("cards", "phones", "emails", "ids", "spoken_digits", "card_context", "secrets",
                     "secret_answers"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name}: must be true or false, got {getattr(self, name)!r}")
        regions = self.phone_regions
        if isinstance(regions, str) or not isinstance(regions, (list, tuple)):
            raise ValueError(f"phone_regions: must be a list of region codes such as 'CN', got {regions!r}")
        for index, region in enumerate(regions):
            if region not in phonenumbers.SUPPORTED_REGIONS:
                raise ValueError(f"phone_regions[{index}]: unknown region code {region!r}")
        object.__setattr__(self, "phone_regions", tuple(regions))

    @classmethod
    def from_mapping(cls, settings: Mapping[str, object]) -> RedactionConfig:
        """Build a config from settings (e.g. a YAML section); missing keys keep their defaults."""
        if not isinstance(settings, Mapping):
            raise ValueError(f"redaction settings: must be a mapping, got {type(settings).__name__}")
        known = {f.name for f in fields(cls)}
        for key in settings:
            if key not in known:
                raise ValueError(f"{key}: unknown redaction setting (known: {', '.join(sorted(known))})")
        return cls(**settings)  # type: ignore[arg-type]


DEFAULT = RedactionConfig()


@dataclass(frozen=True)
class RedactionResult:
    """The redacted text and how many items of each kind were replaced (every kind in KINDS is a key)."""

    text: str
    counts: Mapping[str, int] = field(default_factory=lambda: _counts([]))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def redact(text: str, config: RedactionConfig = DEFAULT) -> RedactionResult:
    """Replace every PII item the config enables by its placeholder and count them.

    Text outside the redacted items is returned unchanged. Full-width and other Unicode digits
    are recognised as digits. Redacting a result again changes nothing. The original values
    are neither logged nor put in any error message.
    """
    if not isinstance(text, str):
        raise TypeError(f"text: must be a string, got {type(text).__name__}")
    if not isinstance(config, RedactionConfig):
        raise TypeError(f"config: must be a RedactionConfig, got {type(config).__name__}")
    if (text, config) in _CLEAN:
        return RedactionResult(text, _NO_COUNTS)
    original, normalised = text, _normalise(text)
    found: list[Span] = []
    # The phone matcher reads context, so removing one item can reveal another; repeating until
    # nothing is found makes redaction idempotent. Each round that finds something removes at least
    # one digit, "@" or spoken digit and adds none, so there are at most len(text) + 1 rounds.
    finders = _finders(config)
    for _ in range(len(text) + 1):
        found_this_round = len(found)
        for finder in finders:
            spans = finder(normalised)
            if spans:
                original, normalised = _replace(original, spans), _replace(normalised, spans)
                found.extend(spans)
        if len(found) == found_this_round:
            break
    if not found:
        _remember_clean(text, config)
    return RedactionResult(original, _counts(found) if found else _NO_COUNTS)


# Texts found to hold no PII, by config. Contact-centre turns repeat a lot ("Is there anything
# else I can help you with?"), so bulk ingest skips them the second time. Only clean texts are
# kept, so no personal data stays in memory; the set is emptied when it grows past its bound.
_CLEAN: set = set()
_CLEAN_LIMIT = 50_000


def _remember_clean(text: str, config: RedactionConfig) -> None:
    if len(_CLEAN) >= _CLEAN_LIMIT:
        _CLEAN.clear()
    _CLEAN.add((text, config))


def redact_conversation(
    conversation: Conversation, config: RedactionConfig = DEFAULT
) -> tuple[Conversation, Mapping[str, int]]:
    """Redact the text of every turn; counts are summed over the turns. Other fields are left alone.

    With `secret_answers` and `secrets` on, a customer's (or unknown speaker's) turn that is nothing
    but a value ("482913", "ok, it's 4821") after an agent's or bot's turn that asks for a password,
    PIN, CVV or one-time code is redacted as that kind, until the next agent or bot turn.
    """
    totals = dict.fromkeys(KINDS, 0)
    turns, asked = [], None
    for index, turn in enumerate(conversation.turns):
        if not isinstance(turn.text, str):
            raise TypeError(f"turns[{index}].text: must be a string, got {type(turn.text).__name__}")
        result = redact(turn.text, config)
        if asked is not None and turn.speaker in _ANSWERING:
            result = _redact_answer(result, asked, config.spoken_digits)
        elif turn.speaker in _ASKING and config.secrets and config.secret_answers:
            asked = secret_values.asked_for(_normalise(result.text))
        turns.append(turn if result.text == turn.text else replace(turn, text=result.text))
        for kind, count in result.counts.items():
            totals[kind] += count
    return replace(conversation, turns=tuple(turns)), MappingProxyType(totals)


_ASKING = ("agent", "bot")
_ANSWERING = ("customer", "unknown")


def _redact_answer(result: RedactionResult, kind: str, spoken: bool) -> RedactionResult:
    """`result` with the value replaced when its text is nothing but a value of `kind`."""
    spans = secret_values.find_answer(_normalise(result.text), kind, spoken)
    if not spans:
        return result
    counts = dict(result.counts)
    counts[kind] += 1
    return RedactionResult(_replace(result.text, spans), MappingProxyType(counts))


@lru_cache(maxsize=64)
def _finders(config: RedactionConfig) -> tuple[Callable[[str], list[Span]], ...]:
    # E-mails first so "13812345678@163.com" is one [EMAIL]; IDs before cards and phones because an
    # 18-digit ID can also pass Luhn; cards and spoken numbers before phones so no group of a card
    # is taken for a phone number; card context before the checksum so that a Luhn-valid part of a
    # mangled card ("[CARD] seven") does not leave its last digits behind.
    # Each finder is skipped on text that cannot hold its kind (most turns hold no digit and no "@"):
    # an e-mail needs "@", an ID 17 digits, a card 13 (12 after a keyword); every phone candidate
    # holds a digit. Secrets come last, so that a card or phone number typed after "password" keeps
    # its own placeholder; their finder is skipped on text without any word that can name one.
    finders: list[Callable[[str], list[Span]]] = []
    if config.emails:
        finders.append(lambda text: _find_emails(text) if "@" in text else [])
    if config.ids:
        finders.append(lambda text: _find_ids(text) if _has_digits(text, 17) else [])
    if config.cards and config.card_context:
        finders.append(lambda text: _find_card_context(text, config.spoken_digits)
                       if _may_name_a_card(text, config.spoken_digits) else [])
    if config.cards:
        finders.append(lambda text: _find_cards(text) if _has_digits(text, 13) else [])
    if config.spoken_digits and (config.cards or config.ids):
        finders.append(lambda text: _find_spoken(text, config.cards, config.ids)
                       if _may_hold_spoken_number(text) else [])
    if config.phones:
        finders.append(lambda text: _find_phones(text, config.phone_regions) if _ANY_DIGIT(text) else [])
    if config.secrets:
        finders.append(lambda text: _find_secrets(text, config.spoken_digits) if _may_hold_secret(text) else [])
    return tuple(finders)


def _counts(spans: Sequence[Span]) -> Mapping[str, int]:
    counts = dict.fromkeys(KINDS, 0)
    for _, _, kind in spans:
        counts[kind] += 1
    return MappingProxyType(counts)


_NO_COUNTS = _counts([])


def _normalise(text: str) -> str:
    """Map full-width and other Unicode digits, letters and spaces to ASCII, one character for one."""
    return text if text.isascii() else text.translate(_FOLDED)


class _FoldTable(dict):
    """str.translate table that works out each character's folding once, the first time it is met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        digit = unicodedata.decimal(char, None)
        folded = str(digit) if digit is not None else unicodedata.normalize("NFKC", char)
        # Keeping the length lets spans found in the normalised text be cut from the original.
        folded = folded if len(folded) == 1 else char
        if len(self) < 65536:  # text of every script at once must not grow the table without end
            self[code] = folded
        return folded


_FOLDED = _FoldTable()
_ANY_DIGIT = re.compile(r"\d").search

def _has_digits(text: str, at_least: int) -> bool:
    return _ANY_DIGIT(text) is not None and _count_digits(text) >= at_least


def _replace(text: str, spans: Sequence[Span]) -> str:
    """Replace each (sorted, non-overlapping) span by its kind's placeholder."""
    parts, last = [], 0
    for start, end, kind in spans:
        parts += [text[last:start], PLACEHOLDERS[kind]]
        last = end
    parts.append(text[last:])
    return "".join(parts)


# --- e-mail addresses -----------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![A-Za-z0-9])"
)


def _find_emails(text: str) -> list[Span]:
    return [(m.start(), m.end(), "EMAIL") for m in _EMAIL.finditer(text)]


# --- Chinese resident ID numbers ------------------------------------------------------------

# 18 characters, optionally grouped 6-8-4 (region, birth date, sequence and check character).
_ID = re.compile(r"(?<![0-9A-Za-z])[0-9]{6}[ \-]?[0-9]{8}[ \-]?[0-9]{3}[0-9Xx](?![0-9A-Za-z])")


def _find_ids(text: str) -> list[Span]:
    return [(m.start(), m.end(), "ID") for m in _ID.finditer(text) if _is_id(_digits_only(m.group()))]


def _is_id(number: str) -> bool:
    """An 18-character resident ID with a valid check character, birth date and region."""
    if len(number) != 18:
        return False
    try:
        return ric.is_valid(number)
    except KeyError:
        return False  # python-stdnum fails so on a region code that names no county (411111...)


def _digits_only(text: str) -> str:
    return re.sub(r"[^0-9Xx]", "", text).upper()


# --- payment card numbers -------------------------------------------------------------------

# Digit groups joined by single spaces or dashes; a group glued to letters (SF1234...) is not a card.
_DIGIT_CHAIN = re.compile(r"(?<![0-9A-Za-z])[0-9]+(?:[ \-][0-9]+)*(?![0-9A-Za-z])")
_GROUP = re.compile(r"[0-9]+")


def _is_card(digits: str) -> bool:
    """13 to 19 digits, Luhn-valid, starting with a prefix a major card network issues."""
    return 13 <= len(digits) <= 19 and _has_issuer_prefix(digits) and luhn.is_valid(digits)


def _has_issuer_prefix(digits: str) -> bool:
    # Order numbers that start with a date (2026...) or with 1, 7, 8, 9 fail this check and stay.
    two, three, four = int(digits[:2]), int(digits[:3]), int(digits[:4])
    return (
        digits[0] in "456"  # Visa; Mastercard 51-55 and Maestro 50, 56-58; Discover, UnionPay, Maestro 6
        or 2200 <= four <= 2204  # Mir
        or 2221 <= four <= 2720  # Mastercard 2-series
        or two in (34, 37)  # American Express
        or 300 <= three <= 305 or two in (36, 38, 39)  # Diners Club
        or 3528 <= four <= 3589  # JCB
    )


def _find_cards(text: str) -> list[Span]:
    spans: list[Span] = []
    for chain in _DIGIT_CHAIN.finditer(text):
        groups = [(g.start() + chain.start(), g.end() + chain.start(), g.group())
                  for g in _GROUP.finditer(chain.group())]
        spans += _runs_forming_numbers(groups, lambda d: "CARD" if _is_card(d) else None)
    return spans


def _runs_forming_numbers(
    pieces: Sequence[tuple[int, int, str]], classify: Callable[[str], str | None]
) -> list[Span]:
    """Spans of consecutive whole pieces whose digits `classify` names a kind; the longest run wins.

    A piece is never split, so a card is not found inside a longer digit string.
    """
    spans: list[Span] = []
    i = 0
    while i < len(pieces):
        best, digits = None, ""
        for j in range(i, len(pieces)):
            digits += pieces[j][2]
            if len(digits) > 19:
                break
            kind = classify(digits)
            if kind is not None:
                best = (pieces[i][0], pieces[j][1], kind), j
        if best is None:
            i += 1
            continue
        spans.append(best[0])
        i = best[1] + 1
    return spans


# --- numbers spoken as words ----------------------------------------------------------------

def _find_spoken(text: str, cards: bool, ids: bool) -> list[Span]:
    def classify(digits: str) -> str | None:
        if ids and _is_id(digits):
            return "ID"
        return "CARD" if cards and _is_card(digits) else None

    spans: list[Span] = []
    for run in _spoken_runs(text):
        # Only runs with a spoken word: plain digit groups were already judged by the card finder.
        if any(spoken for _, _, _, spoken in run):
            spans += _runs_forming_numbers([piece[:3] for piece in run], classify)
    return spans


# --- card numbers named as such -------------------------------------------------------------

# Speech recognition often drops or repeats a digit of a card read out, so its checksum fails: 12 to
# 19 digits right after a card keyword are a card all the same, unless an order, tracking or phone
# word is nearer ("credit card order number 2026...").
_CARD_WORDS = (r"\b(?:card\s*(?:number|no\b|num\b|#)|(?:credit|debit|bank)\s*card"
               r"|number\s+on\s+(?:the|my|your)\s+card)|卡号|银行卡|信用卡|储蓄卡|借记卡")
_CARD_WORD = re.compile(_CARD_WORDS, re.IGNORECASE)
_CONTEXT_WORD = re.compile(
    rf"(?P<card>{_CARD_WORDS})|订单|运单|单号|快递|物流|工单|发票|手机|电话|座机"
    r"|\b(?:orders?|tracking|waybills?|shipments?|invoices?|tickets?|reference|ref|(?:tele)?phone|mobile|tel)\b",
    re.IGNORECASE,
)
_CARD_WINDOW = 40  # most characters between the keyword and the number
_NUMBER_OR_PLACEHOLDER = re.compile(r"[0-9]|\[(?:{})\]".format("|".join(KINDS)))
_WITHIN_GROUP = re.compile(r"[\s\-]*")


def _may_name_a_card(text: str, spoken: bool) -> bool:
    """False only if the text holds no card keyword or fewer than 12 written (and spoken) digits."""
    # Every keyword holds "card" or "卡"; IGNORECASE takes no other character for a letter of "card".
    return (("卡" in text or "card" in text.lower())
            and (_has_digits(text, 12) or (spoken and _may_hold_spoken_number(text, 12)))
            and _CARD_WORD.search(text) is not None)


def _find_card_context(text: str, spoken: bool) -> list[Span]:
    """Runs of 12 to 19 digits, whatever their checksum, that `_follows_card_keyword`."""
    return [(start, end, "CARD") for groups in _digit_groups(text, spoken)
            for start, end, _ in _runs_forming_numbers(groups, lambda d: "CARD" if len(d) >= 12 else None)
            if _follows_card_keyword(text, start)]


def _digit_groups(text: str, spoken: bool) -> list[list[tuple[int, int, str]]]:
    """Runs of digit groups (start, end, digits); digits joined by spaces or dashes form one group, a
    comma or full stop ends it: "4539 1488 0343 647, 138 1234 5678" is a 15- and an 11-digit group."""
    runs: list[list[tuple[int, int, str]]] = []
    for run in _spoken_runs(text):
        runs.append([])
        for start, end, digits, is_word in run:
            if is_word and not spoken:
                runs.append([])
            elif runs[-1] and _WITHIN_GROUP.fullmatch(text, runs[-1][-1][1], start):
                runs[-1][-1] = (runs[-1][-1][0], end, runs[-1][-1][2] + digits)
            else:
                runs[-1].append((start, end, digits))
    return runs


def _follows_card_keyword(text: str, start: int) -> bool:
    """Whether the keyword nearest before `start` names a card, ends at most _CARD_WINDOW characters
    before it, and no digit or placeholder stands between (a second number is not the card)."""
    nearest = None  # the last keyword; searched up to start + 1 so that "no\b" reads what follows
    for match in _CONTEXT_WORD.finditer(text, max(0, start - _CARD_WINDOW - 24), start + 1):
        nearest = match if match.end() <= start else nearest
    if nearest is None or nearest.group("card") is None or start - nearest.end() > _CARD_WINDOW:
        return False
    return _NUMBER_OR_PLACEHOLDER.search(text, nearest.end(), start) is None
