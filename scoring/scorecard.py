"""Scorecards: frozen definitions, a validating parser that names every bad field path, YAML in and out."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Iterator, Mapping, Optional

import yaml

from scoring.checks import UnknownCheckType, get_check
from scoring.checks.preconditions import split as split_gates
from scoring.checks.preconditions import validate as validate_gates
from transcripts.model import CHANNELS

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}([-_][a-z0-9]{2,8})*$", re.IGNORECASE)
_TOP = ("name", "title", "language", "channels", "queues", "sections")
_SECTION = ("id", "title", "criteria")
_CRITERION = ("id", "title", "weight", "critical", "check")


class ScorecardError(ValueError):
    """A scorecard that cannot be used. `errors` lists every problem as "field.path: message"."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        if len(self.errors) == 1:
            message = self.errors[0]
        else:
            message = f"{len(self.errors)} problems in the scorecard:\n" + "\n".join(f"- {e}" for e in self.errors)
        super().__init__(message)


class FrozenMap(Mapping[str, object]):
    """A read-only, hashable mapping, so check parameters stay immutable like the rest of the scorecard."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, object] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: str) -> object:
        return self._data[key]

    # The dict's own `get` and `in`: Mapping's raise and catch KeyError for an absent key, and checks
    # ask nested parameters (when_customer_upset, after_customer...) for absent keys per conversation.
    def get(self, key: str, default: object = None) -> object:
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


def freeze(value: object) -> object:
    """Mappings become FrozenMap and lists become tuples, recursively."""
    if isinstance(value, Mapping):
        return FrozenMap({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: object) -> object:
    """The inverse of `freeze`: plain dicts and lists, ready for YAML or JSON."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    return value


@dataclass(frozen=True)
class CheckSpec:
    """Which check type decides a criterion, with its parameters (as written in the scorecard)."""

    type: str
    params: Mapping[str, object] = field(default_factory=FrozenMap)


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    weight: float
    critical: bool
    check: CheckSpec


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Scorecard:
    """A scorecard version. Empty `channels`/`queues` mean "any"; criterion ids are unique across sections."""

    name: str
    title: str
    language: str
    channels: tuple[str, ...]
    queues: tuple[str, ...]
    sections: tuple[Section, ...]
    version: int = 1

    def criteria(self) -> list[tuple[Section, Criterion]]:
        """(section, criterion) pairs in order."""
        return [(s, c) for s in self.sections for c in s.criteria]


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path or 'scorecard'}: {message}")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _mapping(value: object, path: str, known: tuple[str, ...], problems: _Problems) -> Optional[Mapping]:
    if not isinstance(value, Mapping):
        problems.add(path, "must be a mapping")
        return None
    for key in value:
        if key not in known:
            problems.add(_join(path, str(key)), f"unknown field (expected one of: {', '.join(known)})")
    return value


def _string(data: Mapping, key: str, path: str, problems: _Problems, pattern=None, rule: str = "") -> str:
    value = data.get(key)
    where = _join(path, key)
    if value is None:
        problems.add(where, "is required")
    elif not isinstance(value, str) or not value.strip():
        problems.add(where, "must be a non-empty string")
    elif pattern is not None and not pattern.match(value):
        problems.add(where, f"must be {rule}")
    else:
        return value.strip()
    return ""


def _string_list(data: Mapping, key: str, problems: _Problems, allowed: tuple[str, ...] = ()) -> tuple[str, ...]:
    value = data.get(key, [])
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        problems.add(key, "must be a list")
        return ()
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            problems.add(f"{key}[{i}]", "must be a non-empty string")
        elif allowed and item not in allowed:
            problems.add(f"{key}[{i}]", f"must be one of {', '.join(allowed)}")
        else:
            out.append(item.strip())
    return tuple(out)


def _check(value: object, path: str, problems: _Problems) -> CheckSpec:
    data = value if isinstance(value, Mapping) else None
    if data is None:
        problems.add(path, "must be a mapping with a type")
        return CheckSpec("", FrozenMap())
    kind = _string(data, "type", path, problems)
    params = {str(k): v for k, v in data.items() if k != "type"}
    # Preconditions (when_return_in_play...) apply to any check type: the engine handles them.
    own, gates = split_gates(params)
    found = validate_gates(gates)
    if kind:
        try:
            check_type = get_check(kind)
        except UnknownCheckType as exc:
            problems.add(_join(path, "type"), str(exc))
        else:
            try:
                found += check_type.validate(own)
            except Exception as exc:  # a plugin validator must not hide the other problems
                found.append(("", f"validator of {kind!r} failed: {type(exc).__name__}: {exc}"))
    for rel, message in found:
        problems.add(f"{path}.{rel}" if rel else path, message)
    return CheckSpec(kind, freeze(params))


def _weight(data: Mapping, path: str, problems: _Problems) -> float:
    value = data.get("weight")
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0
    if not ok:
        problems.add(_join(path, "weight"), "is required" if value is None else "must be a positive number")
        return 1.0
    return float(value)


def _criterion(value: object, path: str, problems: _Problems) -> Optional[Criterion]:
    data = _mapping(value, path, _CRITERION, problems)
    if data is None:
        return None
    critical = data.get("critical", False)
    if not isinstance(critical, bool):
        problems.add(_join(path, "critical"), "must be true or false")
    return Criterion(
        id=_string(data, "id", path, problems, _ID, "lower-case letters, digits and _ (starting with a letter)"),
        title=_string(data, "title", path, problems),
        weight=_weight(data, path, problems),
        critical=critical is True,
        check=_check(data.get("check"), _join(path, "check"), problems),
    )


def _items(data: Mapping, key: str, path: str, problems: _Problems) -> list:
    value = data.get(key)
    if not isinstance(value, (list, tuple)) or not value:
        problems.add(_join(path, key), "is required" if value is None else "must be a non-empty list")
        return []
    return list(value)


def _section(value: object, path: str, problems: _Problems) -> Optional[Section]:
    data = _mapping(value, path, _SECTION, problems)
    if data is None:
        return None
    section_id = _string(data, "id", path, problems, _ID, "lower-case letters, digits and _ (starting with a letter)")
    title = _string(data, "title", path, problems)
    criteria = [
        _criterion(item, f"{path}.criteria[{i}]", problems)
        for i, item in enumerate(_items(data, "criteria", path, problems))
    ]
    return Section(section_id, title, tuple(c for c in criteria if c is not None))


def _unique_ids(sections: list[tuple[str, Section]], problems: _Problems) -> None:
    seen_sections: dict[str, str] = {}
    seen_criteria: dict[str, str] = {}
    for path, section in sections:
        if section.id and section.id in seen_sections:
            problems.add(f"{path}.id", f"duplicate section id {section.id!r} (also {seen_sections[section.id]})")
        seen_sections.setdefault(section.id, path)
        for i, criterion in enumerate(section.criteria):
            where = f"{path}.criteria[{i}]"
            if criterion.id and criterion.id in seen_criteria:
                also = seen_criteria[criterion.id]
                problems.add(f"{where}.id", f"duplicate criterion id {criterion.id!r} (also {also})")
            seen_criteria.setdefault(criterion.id, where)


def parse_scorecard(data: object, version: int = 1) -> Scorecard:
    """A validated Scorecard from plain data (as loaded from YAML/JSON); raises ScorecardError listing
    every problem with its field path, e.g. "sections[2].criteria[0].check.within_first_agent_turns: ..."."""
    problems = _Problems()
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.add("version", "must be a positive integer")
    top = _mapping(data, "", _TOP, problems)
    if top is None:
        raise ScorecardError(problems.items)
    name = _string(top, "name", "", problems, _NAME, "lower-case letters, digits, - and _")
    title = _string(top, "title", "", problems)
    language = _string(top, "language", "", problems, _LANGUAGE, "a language code such as en or zh")
    channels = _string_list(top, "channels", problems, CHANNELS)
    queues = _string_list(top, "queues", problems)
    parsed = [(f"sections[{i}]", _section(s, f"sections[{i}]", problems))
              for i, s in enumerate(_items(top, "sections", "", problems))]
    sections = [(path, s) for path, s in parsed if s is not None]
    _unique_ids(sections, problems)
    if problems.items:
        raise ScorecardError(problems.items)
    return Scorecard(name, title, language.lower(), channels, queues, tuple(s for _, s in sections), version)


class _StrictLoader(yaml.SafeLoader):
    """Safe loader that rejects duplicate keys, which plain YAML loading silently overwrites."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # unhashable key: SafeLoader reports it with its line
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def load_scorecard_yaml(text: str, version: int = 1) -> Scorecard:
    """Parse YAML text into a Scorecard; syntax errors and duplicate keys are reported with their line."""
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        raise ScorecardError([f"{where}: {exc.problem or exc.context}"]) from None
    except yaml.YAMLError as exc:
        raise ScorecardError([f"YAML: {exc}"]) from None
    if data is None:
        raise ScorecardError(["scorecard: the document is empty"])
    return parse_scorecard(data, version)


def scorecard_to_dict(scorecard: Scorecard) -> dict:
    """Plain data that parse_scorecard(…, scorecard.version) turns back into an equal Scorecard."""
    return {
        "name": scorecard.name,
        "title": scorecard.title,
        "language": scorecard.language,
        "channels": list(scorecard.channels),
        "queues": list(scorecard.queues),
        "sections": [
            {"id": s.id, "title": s.title, "criteria": [_criterion_dict(c) for c in s.criteria]}
            for s in scorecard.sections
        ],
    }


def _criterion_dict(criterion: Criterion) -> dict:
    weight = int(criterion.weight) if criterion.weight.is_integer() else criterion.weight
    return {
        "id": criterion.id,
        "title": criterion.title,
        "weight": weight,
        "critical": criterion.critical,
        "check": {"type": criterion.check.type, **thaw(criterion.check.params)},
    }


def dump_scorecard_yaml(scorecard: Scorecard) -> str:
    """YAML text of a scorecard (keys in definition order, non-ASCII phrases kept readable)."""
    return yaml.safe_dump(scorecard_to_dict(scorecard), allow_unicode=True, sort_keys=False, width=100)
