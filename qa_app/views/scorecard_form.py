"""The scorecard form editor's fields: a stored definition into form rows, posted rows back into plain
data for the one scorecard parser, and each "field.path: message" error placed next to its field.

Field names: `title`, `language`, `channels` (checkboxes), `queues` (comma-separated), and per
section i and criterion j `s-i-id`, `s-i-title`, `s-i-c-j-id|title|weight|critical|type|params`
(params: the check's parameters as a YAML mapping). Buttons named `action` add or remove rows
("add-section", "add-criterion-i", "remove-section-i", "remove-criterion-i-j") or "save".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Optional

import yaml
from flask_babel import gettext as _

_SECTION_KEY = re.compile(r"^s-(\d+)-(id|title)$")
_CRITERION_KEY = re.compile(r"^s-(\d+)-c-(\d+)-(id|title|weight|critical|type|params)$")
_CRITERION_PATH = re.compile(r"^sections\[(\d+)\]\.criteria\[(\d+)\](?:\.(\w+)(.*))?$")
_SECTION_PATH = re.compile(r"^sections\[(\d+)\](?:\.(\w+).*)?$")
_TOP_PATH = re.compile(r"^(name|title|language|channels|queues)\b")
MAX_ROWS = 200  # sections, and criteria per section: a posted index above this is ignored


@dataclass
class CriterionRow:
    id: str = ""
    title: str = ""
    weight: str = "1"
    critical: bool = False
    type: str = "phrases_present"
    params: str = ""


@dataclass
class SectionRow:
    id: str = ""
    title: str = ""
    criteria: list[CriterionRow] = field(default_factory=lambda: [CriterionRow()])


@dataclass
class CardForm:
    """What the editor shows: the scorecard's top fields and its rows (strings, as typed)."""

    name: str
    title: str = ""
    language: str = ""
    channels: list[str] = field(default_factory=list)
    queues: str = ""
    sections: list[SectionRow] = field(default_factory=list)


def from_definition(definition: Mapping) -> CardForm:
    """The rows of a stored (valid) definition, parameters shown as YAML."""
    sections = []
    for s in definition.get("sections") or []:
        rows = []
        for c in s.get("criteria") or []:
            check = dict(c.get("check") or {})
            kind = str(check.pop("type", ""))
            params = yaml.safe_dump(check, allow_unicode=True, sort_keys=False, width=100) if check else ""
            rows.append(CriterionRow(str(c.get("id", "")), str(c.get("title", "")), _number_text(c.get("weight")),
                                     c.get("critical") is True, kind, params))
        sections.append(SectionRow(str(s.get("id", "")), str(s.get("title", "")), rows))
    return CardForm(str(definition.get("name", "")), str(definition.get("title", "")),
                    str(definition.get("language", "")), list(definition.get("channels") or []),
                    ", ".join(definition.get("queues") or []), sections)


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def from_post(name: str, form: Mapping) -> CardForm:
    """The rows as posted (indices in order; gaps closed), for re-showing and for to_data."""
    sections: dict[int, SectionRow] = {}
    criteria: dict[tuple[int, int], CriterionRow] = {}
    for key in form:
        if (m := _SECTION_KEY.match(key)) and int(m[1]) < MAX_ROWS:
            setattr(sections.setdefault(int(m[1]), SectionRow(criteria=[])), m[2], form.get(key, ""))
        elif (m := _CRITERION_KEY.match(key)) and int(m[1]) < MAX_ROWS and int(m[2]) < MAX_ROWS:
            sections.setdefault(int(m[1]), SectionRow(criteria=[]))
            row = criteria.setdefault((int(m[1]), int(m[2])), CriterionRow(weight="", critical=False, type=""))
            value = form.get(key, "")
            setattr(row, m[3], bool(value) if m[3] == "critical" else value)
    for (i, _j), row in sorted(criteria.items()):
        sections[i].criteria.append(row)
    channels = form.getlist("channels") if hasattr(form, "getlist") else list(form.get("channels") or [])
    return CardForm(name, form.get("title", ""), form.get("language", ""), list(channels), form.get("queues", ""),
                    [sections[i] for i in sorted(sections)])


def apply(card: CardForm, action: str) -> bool:
    """Add or remove the row `action` names; False when it names no row (unknown action)."""
    parts = action.split("-")
    numbers = [int(p) for p in parts if p.isdigit()]
    if action == "add-section":
        card.sections.append(SectionRow())
    elif action.startswith("add-criterion-") and len(numbers) == 1 and numbers[0] < len(card.sections):
        card.sections[numbers[0]].criteria.append(CriterionRow())
    elif action.startswith("remove-section-") and len(numbers) == 1 and numbers[0] < len(card.sections):
        del card.sections[numbers[0]]
    elif action.startswith("remove-criterion-") and len(numbers) == 2 and numbers[0] < len(card.sections) \
            and numbers[1] < len(card.sections[numbers[0]].criteria):
        del card.sections[numbers[0]].criteria[numbers[1]]
    else:
        return False
    return True


def to_data(card: CardForm) -> tuple[dict, list[str]]:
    """Plain data for the scorecard parser, and the problems found before it (parameters that are
    not a YAML mapping), each as "field.path: message" like the parser's own."""
    problems: list[str] = []
    sections = []
    for i, s in enumerate(card.sections):
        criteria = [_criterion_data(c, f"sections[{i}].criteria[{j}]", problems) for j, c in enumerate(s.criteria)]
        sections.append({"id": s.id.strip(), "title": s.title.strip(), "criteria": criteria})
    data = {"name": card.name, "title": card.title.strip(), "language": card.language.strip(),
            "channels": list(card.channels), "queues": [q.strip() for q in card.queues.split(",") if q.strip()],
            "sections": sections}
    return data, problems


def _criterion_data(row: CriterionRow, path: str, problems: list[str]) -> dict:
    check: dict = {"type": row.type.strip()}
    params = _params(row.params, f"{path}.check", problems)
    if "type" in params:
        problems.append(_("%(path)s.type: choose the check type in its list, not among the parameters", path=path))
        params.pop("type")
    check.update(params)
    # the title is a small box on the page; a line break typed in it is a space in the title
    return {"id": row.id.strip(), "title": " ".join(row.title.split()), "weight": _weight(row.weight),
            "critical": bool(row.critical), "check": check}


def _params(text: str, path: str, problems: list[str]) -> dict:
    if not text.strip():
        return {}
    try:
        value = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 1
        problems.append(_("%(path)s: the parameters are not valid YAML (line %(line)s: %(problem)s)",
                          path=path, line=line, problem=exc.problem or exc.context))
        return {}
    except yaml.YAMLError as exc:
        problems.append(_("%(path)s: the parameters are not valid YAML (%(problem)s)", path=path, problem=exc))
        return {}
    if not isinstance(value, dict):
        problems.append(_("%(path)s: the parameters must be a mapping, one \"name: value\" per line", path=path))
        return {}
    return {str(k): v for k, v in value.items()}


def _weight(text: str) -> object:
    """A number when the text is one, else the text itself (so the parser names the field), None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def field_of(path: str) -> Optional[str]:
    """The form field an error's field path belongs to (None: the scorecard as a whole)."""
    if m := _CRITERION_PATH.match(path):
        prefix, key, rest = f"s-{m[1]}-c-{m[2]}", m[3], m[4] or ""
        if key == "check":
            return f"{prefix}-type" if rest == ".type" else f"{prefix}-params"
        return f"{prefix}-{key}" if key in ("id", "title", "weight", "critical") else prefix
    if m := _SECTION_PATH.match(path):
        return f"s-{m[1]}-{m[2]}" if m[2] in ("id", "title") else f"s-{m[1]}"
    if m := _TOP_PATH.match(path):
        return m[1]
    return None


def place(errors: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Errors by the field they belong to, and those of the scorecard as a whole; each keeps its
    full "field.path: message" text, so the path is shown next to the field."""
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for error in errors:
        path = error.split(": ", 1)[0]
        name = field_of(path)
        (by_field.setdefault(name, []) if name else general).append(error)
    return by_field, general
