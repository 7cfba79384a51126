"""The scorer's automatic explanations and the assignment reasons in the reader's language (the
`explanation` and `fail_reason` template filters, and the new-training notification).

Both are stored in English, built by the pure core from the templates of scoring.explanations and
training.reasons. To show one in Chinese, `read` finds the templates it was built from (each
compiled once to a regular expression with a named group per field), and `translate` says each
template in the reader's language with gettext and fills the same fields back in. Fields that are
user data (quoted phrases, the customer's words) stay as written; fields that hold another
template's text ("turn 3", "the first 2 agent turns") are read and translated in turn, and those
that hold a shipped scorecard's words (a label, a step name) are looked up in the catalogue. A
text no template matches (an old row from a change since, a reviewer's comment) is shown as stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from scoring import explanations as core
from training import reasons

#: Where templates come from: each module's templates(), and its DATA_FIELDS, NUMBER_FIELDS and
#: FIELD_PATTERNS for the fields of its own templates.
SOURCES = (core, reasons)

_NUMBER = r"-?\d+(?:\.\d+)?%?"


@dataclass(frozen=True)
class Compiled:
    """One compiled template: its English text, two regular expressions (free fields matched as
    short and as long as they can be: a text such as "a (b) (c)" splits either way), how many
    literal characters it has, its longest literal (a cheap pre-check) and the fields to read back."""

    text: str
    regexes: tuple[re.Pattern, ...]
    literal: int
    longest: str
    nested: frozenset[str]


@dataclass(frozen=True)
class Reading:
    """A text read as `template` with `fields`: (name, value, the value's own reading or None).
    `unexplained` counts the characters of fields that should hold a template's text but hold
    none (so a reading that explains everything has 0); `covered` the literal characters read."""

    template: Compiled
    fields: tuple[tuple[str, str, Optional["Reading"]], ...]
    unexplained: int
    covered: int


def compile_template(text: str, source=core) -> Compiled:
    """`text`'s regular expressions: its literals as they are, each field by the shape it may hold
    (by the rules of `source`, the module that declares the template)."""
    parts, nested, literals, at = [], set(), [], 0
    for m in core.FIELD.finditer(text):
        literal = text[at:m.start()]
        literals.append(literal)
        parts.append(re.escape(literal))
        name, spec = m.group(1), m.group(0).partition(":")[2]
        quoted = literal[-1:] in ("\"", "'") and text[m.end():m.end() + 1] == literal[-1:]
        parts.append((name, _shape(source, name, bool(spec), quoted)))
        if not (quoted or name in source.DATA_FIELDS or name in source.NUMBER_FIELDS or spec):
            nested.add(name)
        at = m.end()
    literals.append(text[at:])
    parts.append(re.escape(text[at:]))

    def regex(free: str) -> re.Pattern:
        return re.compile("".join(p if isinstance(p, str) else f"(?P<{p[0]}>{free if p[1] is None else p[1]})"
                                  for p in parts), re.S)

    return Compiled(text, (regex(".+?"), regex(".+")), sum(map(len, literals)), max(literals, key=len),
                    frozenset(nested))


def _shape(source, name: str, formatted: bool, quoted: bool) -> Optional[str]:
    """The pattern of a field, None for free text."""
    if name in source.FIELD_PATTERNS:
        return source.FIELD_PATTERNS[name]
    if quoted:
        return ".*?"
    if formatted or name in source.NUMBER_FIELDS:
        return _NUMBER
    if name.endswith("turn"):
        return r"turn \d+"
    return None


@lru_cache(maxsize=1)
def compiled() -> tuple[Compiled, ...]:
    """Every template of the SOURCES, compiled once, the most literal first."""
    # Every template has literal text (a bare "{a}{b}" would read a text as itself, endlessly).
    found = {t: compile_template(t, source) for source in reversed(SOURCES) for t in source.templates()}
    return tuple(sorted((t for t in found.values() if t.literal), key=lambda t: -t.literal))


@lru_cache(maxsize=4096)
def read(text: str) -> Optional[Reading]:
    """The reading of `text` that leaves the least of it unexplained (then covers the most literal
    text), or None when no template matches it."""
    best: Optional[Reading] = None
    for template in compiled():
        if template.longest not in text:
            continue
        seen = set()
        for regex in template.regexes:
            m = regex.fullmatch(text)
            groups = tuple(m.groupdict().items()) if m is not None else None
            if groups is None or groups in seen:
                continue
            seen.add(groups)
            reading = _reading(template, dict(groups))
            if best is None or (reading.unexplained, -reading.covered) < (best.unexplained, -best.covered):
                best = reading
    return best


#: The English texts of the catalogue (set by `install`): a field that holds one of them whole (a
#: scorecard's label) is as well explained as one a template reads.
_known: frozenset[str] = frozenset()


def use_catalogue(messages) -> None:
    """Count `messages` (the catalogue's English texts) as explained when a field holds one whole."""
    global _known
    _known = frozenset(m for m in messages if isinstance(m, str) and m)
    read.cache_clear()


def _reading(template: Compiled, groups: dict[str, str]) -> Reading:
    fields, unexplained, covered = [], 0, template.literal
    for name, value in groups.items():
        text = value.strip()
        inner = read(value.lstrip()) if name in template.nested and text else None
        if name in template.nested and text in _known:
            covered += len(text)
        elif inner is not None:
            unexplained, covered = unexplained + inner.unexplained, covered + inner.covered
        elif name in template.nested:
            unexplained += len(text)
        fields.append((name, value, inner))
    return Reading(template, tuple(fields), unexplained, covered)


def translate(text: str, gettext) -> str:
    """`text` said with `gettext` (the reader's catalogue), or `text` as it is when no template fits."""
    if not text:
        return text
    reading = read(text)
    return text if reading is None else _say(reading, gettext)


def _say(reading: Reading, gettext) -> str:
    values = {}
    for name, value, inner in reading.fields:
        if name in reading.template.nested and value.strip():
            value = value[:len(value) - len(value.lstrip())] + _said_field(value.lstrip(), inner, gettext)
        values[name] = value
    said = gettext(reading.template.text)
    return core.FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), said)


def _said_field(value: str, inner: Optional[Reading], gettext) -> str:
    """A field's text in the reader's language: the catalogue's own entry for the whole text (a
    shipped scorecard's label, "resolution or ownership"), else its reading, else as it is."""
    whole = gettext(value)
    if whole != value:
        return whole
    return value if inner is None else _say(inner, gettext)


def _catalogue_ids(app) -> set[str]:
    """The English texts (msgids) of every compiled catalogue under the app's translations."""
    from pathlib import Path

    from babel.messages.mofile import read_mo

    found: set[str] = set()
    for directory in app.extensions["babel"].translation_directories:
        for mo in Path(directory).glob("*/LC_MESSAGES/messages.mo"):
            with mo.open("rb") as f:
                found.update(m.id for m in read_mo(f) if isinstance(m.id, str))
    return found


def install(app) -> None:
    """The `explanation` and `fail_reason` template filters: stored English in the page's language."""
    from flask_babel import get_locale, gettext

    use_catalogue(_catalogue_ids(app))

    def in_language(text):
        locale = get_locale()
        if not text or locale is None or locale.language == "en":
            return text
        return translate(str(text), gettext)

    def fail_reason(reason):
        """'criterion: explanation' (scoring.formula.fail_reasons) with the explanation translated."""
        criterion, sep, rest = str(reason or "").partition(": ")
        return f"{criterion}{sep}{in_language(rest)}" if sep else in_language(criterion)

    app.add_template_filter(in_language, "explanation")
    app.add_template_filter(fail_reason, "fail_reason")
