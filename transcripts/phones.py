"""Phone numbers in text: phonenumbers' matcher, with its verdicts on bare digit runs cached."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import phonenumbers
from phonenumbers.phonemetadata import PhoneMetadata
from phonenumbers.phonenumbermatcher import PhoneNumberMatcher

Span = tuple[int, int, str]  # (start, end, "PHONE") in the text searched

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


def find_phones(text: str, regions: Sequence[str]) -> list[Span]:
    """Exactly the spans `find_phones_with_matcher` finds, without running its matcher on bare digit runs.

    `regions` are those whose national formats are read (as RedactionConfig.phone_regions); with none,
    only numbers written with a country code are found.
    """
    regions = tuple(regions) or ("ZZ",)
    spans = _find_phone_runs(text, regions) if _FAST_PHONES else None
    return spans if spans is not None else find_phones_with_matcher(text, regions)


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


def find_phones_with_matcher(text: str, regions: Sequence[str]) -> list[Span]:
    """Reference: the matcher's VALID numbers for each region, less bare numbers after an order word and
    bare fixed lines, as sorted non-overlapping (start, end, "PHONE") spans."""
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
