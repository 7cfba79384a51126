"""PII redaction: cards, phones, e-mail addresses and Chinese resident IDs become typed placeholders."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from types import MappingProxyType
from typing import Callable, Mapping, Sequence

import phonenumbers
from phonenumbers.phonemetadata import PhoneMetadata
from phonenumbers.phonenumbermatcher import PhoneNumberMatcher
from stdnum import luhn
from stdnum.cn import ric

from transcripts.model import Conversation

KINDS = ("CARD", "PHONE", "EMAIL", "ID")
PLACEHOLDERS: Mapping[str, str] = MappingProxyType({kind: f"[{kind}]" for kind in KINDS})

Span = tuple[int, int, str]  # (start, end, kind) in the text being redacted


@dataclass(frozen=True)
class RedactionConfig:
    """Which kinds of PII to redact. Everything is on by default.

    `phone_regions` are the regions whose national formats (no country code) are recognised;
    numbers written with a country code (+44 ..., 0086 ...) are found whatever the list holds.
    `spoken_digits` finds card and ID numbers read out as words ("four one one one ...",
    "四一一一..."); they are replaced only when `cards` (or `ids`) is on as well.
    """

    cards: bool = True
    phones: bool = True
    emails: bool = True
    ids: bool = True
    spoken_digits: bool = True
    phone_regions: tuple[str, ...] = ("CN", "US", "GB")

    def __post_init__(self) -> None:
        for name in ("cards", "phones", "emails", "ids", "spoken_digits"):
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
    return RedactionResult(original, _counts(found) if found else _NO_COUNTS)


def redact_conversation(
    conversation: Conversation, config: RedactionConfig = DEFAULT
) -> tuple[Conversation, Mapping[str, int]]:
    """Redact the text of every turn; counts are summed over the turns. Other fields are left alone."""
    totals = dict.fromkeys(KINDS, 0)
    turns = []
    for index, turn in enumerate(conversation.turns):
        if not isinstance(turn.text, str):
            raise TypeError(f"turns[{index}].text: must be a string, got {type(turn.text).__name__}")
        result = redact(turn.text, config)
        turns.append(turn if result.text == turn.text else replace(turn, text=result.text))
        for kind, count in result.counts.items():
            totals[kind] += count
    return replace(conversation, turns=tuple(turns)), MappingProxyType(totals)


@lru_cache(maxsize=64)
def _finders(config: RedactionConfig) -> tuple[Callable[[str], list[Span]], ...]:
    # E-mails first so "13812345678@163.com" is one [EMAIL]; IDs before cards and phones because an
    # 18-digit ID can also pass Luhn; cards and spoken numbers before phones so no group of a card
    # is taken for a phone number.
    # Each finder is skipped on text that cannot hold its kind (most turns hold no digit and no "@"):
    # an e-mail needs "@", an ID 17 digits, a card 13; every phone candidate holds a digit.
    finders: list[Callable[[str], list[Span]]] = []
    if config.emails:
        finders.append(lambda text: _find_emails(text) if "@" in text else [])
    if config.ids:
        finders.append(lambda text: _find_ids(text) if _has_digits(text, 17) else [])
    if config.cards:
        finders.append(lambda text: _find_cards(text) if _has_digits(text, 13) else [])
    if config.spoken_digits and (config.cards or config.ids):
        finders.append(lambda text: _find_spoken(text, config.cards, config.ids)
                       if _may_hold_spoken_number(text) else [])
    if config.phones:
        finders.append(lambda text: _find_phones(text, config.phone_regions) if _ANY_DIGIT(text) else [])
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
_DIGIT_CHARS = "0123456789"
_ANY_DIGIT = re.compile(r"\d").search


def _count_digits(text: str) -> int:
    return sum(map(text.count, _DIGIT_CHARS))


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

_EN_DIGITS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
              "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_ZH_DIGITS = {"零": "0", "〇": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_REPEATS = {"double": 2, "triple": 3}
_SPOKEN_TOKEN = re.compile(
    r"(?P<en>\b(?:(?P<repeat>double|triple)[\s\-]+)?(?P<word>zero|oh|o|one|two|three|four|five|six"
    r"|seven|eight|nine)\b)"
    r"|(?P<zh>[零〇一幺二两三四五六七八九])"
    r"|(?<![0-9A-Za-z])(?P<num>[0-9]+)(?![0-9A-Za-z])",
    re.IGNORECASE,
)
# What may stand between two digits of one spoken number: spaces, commas, pauses, dashes.
_SPOKEN_GAP = re.compile(r"[\s,，、.。\-]{0,3}")
# Searched in lower-cased text: a case-sensitive search is four times faster than IGNORECASE.
_SPOKEN_WORD = re.compile(
    r"\b(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine)\b|[零〇一幺二两三四五六七八九]")


def _may_hold_spoken_number(text: str) -> bool:
    """False only if the spoken and written digits in the whole text come to fewer than 13."""
    folded = _fold_case(text)
    words = len(_SPOKEN_WORD.findall(folded))
    if not words:
        return False
    # A word gives one digit, or two or three after "double" or "triple".
    most = words + folded.count("double") + 2 * folded.count("triple") + _count_digits(text)
    return most >= 13


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


def _spoken_runs(text: str) -> list[list[tuple[int, int, str, bool]]]:
    """Runs of digit tokens (start, end, digits, spoken) separated only by short pauses."""
    runs: list[list[tuple[int, int, str, bool]]] = []
    for m in _SPOKEN_TOKEN.finditer(text):
        token = (m.start(), m.end(), _token_digits(m), m.group("num") is None)
        if runs and _SPOKEN_GAP.fullmatch(text, runs[-1][-1][1], m.start()):
            runs[-1].append(token)
        else:
            runs.append([token])
    return runs


def _token_digits(m: re.Match[str]) -> str:
    if m.group("num") is not None:
        return m.group("num")
    if m.group("zh") is not None:
        return _ZH_DIGITS[m.group("zh")]
    repeat = _REPEATS[_fold_case(m.group("repeat"))] if m.group("repeat") else 1
    return _EN_DIGITS[_fold_case(m.group("word"))] * repeat


def _fold_case(text: str) -> str:
    """Lower case as IGNORECASE matches: "İ" and "ı" are the only characters it takes for a letter of
    the digit words that lower() does not turn into that letter ("fıve" is "five")."""
    return text.replace("İ", "i").replace("ı", "i").lower()


# --- phone numbers --------------------------------------------------------------------------

# A bare number right after one of these words is a reference, not a phone ("order 2026110258").
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:order|tracking|waybill|parcel|package|shipment|invoice|ticket|case|reference|ref)"
    r"\s*(?:number|no\.?|num|id|code)?\s*(?:is|was)?"
    r"|(?:订单|单号|运单|快递|物流|工单|发票|编号|包裹)[号码]*\s*(?:是|为)?)\s*[:：#]?\s*$",
    re.IGNORECASE,
)
_LOOKBEHIND = 40
# The matcher's own candidate pattern, trimming and verification, so that candidates are the ones
# it reads and judged as it judges them (tests compare the two on random text). They are private to
# phonenumbers: should a release drop them, every text goes to the matcher.
try:
    _CANDIDATE = phonenumbers.phonenumbermatcher._PATTERN
    _SECOND_NUMBER_START = phonenumbers.phonenumberutil._SECOND_NUMBER_START_PATTERN
    _verify_number = phonenumbers.phonenumbermatcher._verify
    _FAST_PHONES = callable(PhoneNumberMatcher._is_latin_letter)
except AttributeError:  # pragma: no cover - depends on the installed phonenumbers
    _FAST_PHONES = False
# The matcher gives up after 65535 failed tries; before that could matter, the matcher takes over.
_MATCHER_TRIES = 65535


def _find_phones(text: str, regions: Sequence[str]) -> list[Span]:
    """The spans `_find_phones_with_matcher` finds, without running its matcher on bare digit runs."""
    regions = tuple(regions) or ("ZZ",)
    spans = _find_phone_runs(text, regions) if _FAST_PHONES else None
    return spans if spans is not None else _find_phones_with_matcher(text, regions)


def _find_phone_runs(text: str, regions: tuple[str, ...]) -> list[Span] | None:
    """Phone spans if every candidate is a bare run of digits or too short for a number, else None.

    Candidates are the matcher's own. A bare run of digits is judged alone (its verdict per region is
    cached) because the matcher reads nothing of its context but the two neighbouring characters and
    finds no inner candidate in it. Any other candidate (with "+", brackets, separators) may be cut or
    joined by the matcher depending on context, so the matcher must read the text.
    """
    fewest, spans, index, tries = _fewest_phone_digits(regions), [], 0, 0
    while (candidate := _CANDIDATE.search(text, index)) is not None:
        start, raw = candidate.start(), candidate.group()
        if raw.isascii() and raw.isdigit():
            index, tries = start + len(raw), tries + 1
            if len(raw) >= fewest and _is_phone_run(text, start, raw, regions):
                spans.append((start, index, "PHONE"))
        else:
            raw = _trim_candidate(raw)
            # The matcher spends at most one try on the candidate and 1 + len(raw) per inner pattern.
            index, tries = start + len(raw), tries + 1 + 6 * (len(raw) + 1)
            # Letters count too: parsing may read an "x" as a keypad digit.
            if sum(map(str.isalnum, raw)) >= fewest:
                return None
        if tries >= _MATCHER_TRIES:
            return None
    return spans


def _is_phone_run(text: str, start: int, digits: str, regions: tuple[str, ...]) -> bool:
    """Whether the matcher for some region finds the bare digit run at `start` and `_is_phone` keeps it."""
    end = start + len(digits)
    if (start > 0 and _glued(text[start - 1])) or (end < len(text) and _glued(text[end])):
        return False
    reference = _REFERENCE_BEFORE.search(text[max(0, start - _LOOKBEHIND):start]) is not None
    for region in regions:
        # After a reference word only a number written with more digits than its national number is
        # kept, and only parsing's stripping of a prefix can make it so.
        if reference and not _may_strip_prefix(digits, region):
            continue
        verdict = _run_verdict(digits, region)
        if verdict is not None and (verdict[0] or not (reference or verdict[1])):
            return True
    return False


@lru_cache(maxsize=8192)
def _run_verdict(digits: str, region: str) -> tuple[bool, bool] | None:
    """None if the matcher finds no number in `digits` alone, else (prefix written, fixed line)."""
    # Parsing is cheap next to validation, which for +1 tries two dozen regions' patterns; a number
    # of a length no region of its country code uses cannot be valid.
    try:
        number = phonenumbers.parse(digits, region, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return None
    if len(phonenumbers.national_significant_number(number)) not in _valid_lengths(number.country_code):
        return None
    # What the matcher does with a bare digit candidate: parse it (above) and verify it; a run
    # without separators holds no inner candidate to try instead.
    if not _verify_number(phonenumbers.Leniency.VALID, number, digits, None):
        return None
    national = phonenumbers.national_significant_number(number)
    fixed = phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE
    return len(digits) > len(national), fixed


@lru_cache(maxsize=None)
def _valid_lengths(country_code: int) -> frozenset[int] | range:
    """The national number lengths that validation can accept for a country code."""
    lengths: set[int] = set()
    for region in phonenumbers.region_codes_for_country_code(country_code):
        metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
        if metadata is not None and not metadata.general_desc.possible_length:
            return range(1000)  # no lengths listed: the pattern alone decides
        lengths.update(metadata.general_desc.possible_length if metadata is not None else ())
    return frozenset(lengths)


@lru_cache(maxsize=4096)
def _glued(char: str) -> bool:
    """The matcher rejects a candidate next to a Latin letter, a currency sign or "%" (SF1234...)."""
    return PhoneNumberMatcher._is_invalid_punctuation_symbol(char) or PhoneNumberMatcher._is_latin_letter(char)


def _may_strip_prefix(digits: str, region: str) -> bool:
    """Whether parsing could drop leading digits: only an IDD, the country code or a national prefix."""
    prefixes = _prefixes(region)
    if prefixes is None:
        return False  # "ZZ": a number without "+" is never parsed
    country_code, patterns = prefixes
    return digits.startswith(country_code) or any(pattern.match(digits) for pattern in patterns)


@lru_cache(maxsize=None)
def _prefixes(region: str) -> tuple[str, tuple[re.Pattern[str], ...]] | None:
    metadata = PhoneMetadata.metadata_for_region(region, None)
    if metadata is None:
        return None
    patterns = (metadata.international_prefix, metadata.national_prefix_for_parsing)
    return str(metadata.country_code), tuple(re.compile(p) for p in patterns if p)


# The fewest digits in a valid number written with its country code: four-digit numbers in Austria,
# Germany and Iran (+43, +49, +98). A test checks this against the metadata.
_FEWEST_INTERNATIONAL_DIGITS = 6


@lru_cache(maxsize=64)
def _fewest_phone_digits(regions: tuple[str, ...]) -> int:
    """A lower bound on the digits in any number the matcher accepts for these regions."""
    fewest = _FEWEST_INTERNATIONAL_DIGITS
    for region in regions:
        metadata = PhoneMetadata.metadata_for_region(region, None)
        if metadata is not None:
            fewest = min(fewest, _fewest_national_digits(metadata))
    return max(fewest, 1)


def _fewest_national_digits(metadata: PhoneMetadata) -> int:
    """Shortest valid national number for the region's country code, less the digits its prefix
    transform rule can add (Guernsey reads 6 digits as 1481 + 6)."""
    shortest = min(min(PhoneMetadata.metadata_for_region(r).general_desc.possible_length or (1,))
                   for r in phonenumbers.region_codes_for_country_code(metadata.country_code))
    added = re.sub(r"[\\$]\d", "", metadata.national_prefix_transform_rule or "")
    return shortest - sum(map(str.isdigit, added))


def _trim_candidate(raw: str) -> str:
    """The matcher's trimming of a candidate before a second number (".../ x...")."""
    second = _SECOND_NUMBER_START.search(raw)
    return raw[:second.start()] if second else raw


def _find_phones_with_matcher(text: str, regions: Sequence[str]) -> list[Span]:
    """Reference: the phone spans found by running the full matcher once per region."""
    found: list[tuple[int, int]] = []
    for region in regions or ("ZZ",):  # "ZZ": only numbers with a country code
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            if _is_phone(match, text):
                found.append((match.start, match.end))
    return [(start, end, "PHONE") for start, end in _merge(found)]


def _is_phone(match: phonenumbers.PhoneNumberMatch, text: str) -> bool:
    national = phonenumbers.national_significant_number(match.number)
    if len(re.sub(r"[^0-9]", "", match.raw_string)) > len(national):
        return True  # written with a country code or trunk prefix: +86 ..., 0086 ..., 010-..., 1 800 ...
    if _REFERENCE_BEFORE.search(text[max(0, match.start - _LOOKBEHIND):match.start]):
        return False
    # Chinese landlines are written with their leading 0; a bare 10-digit FIXED_LINE match such as
    # 2026110258 is far more often an order or date-based reference than a phone number.
    return phonenumbers.number_type(match.number) != phonenumbers.PhoneNumberType.FIXED_LINE


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of overlapping intervals, sorted (matches for several regions may overlap)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
