"""Appraisal templates: which KPIs rate an agent, with their weights, targets and rating scales, and
the bands the overall rating falls in; read from and written to YAML (docs/appraisals.md).

A template file is a mapping with one key, `templates`, holding a list of template mappings.
Errors name the file and the field path (`t.yaml: templates[0].kpis[2].scale[1].at_least: ...`);
nothing is half-read.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

import yaml

from training.yaml_source import load_yaml

#: KPI kind -> (direction, unit, default minimum n). "higher": a bigger value is better (scale steps
#: say `at_least`); "lower": a smaller one is (`at_most`). Definitions: training/kpis.py.
KINDS: dict[str, tuple[str, str, int]] = {
    "qa_score": ("higher", "points", 10),
    "critical_failures": ("lower", "%", 10),
    "csat": ("higher", "%", 10),
    "nps": ("higher", "nps", 10),
    "first_response": ("higher", "%", 10),
    "complaint_time_limits": ("higher", "%", 5),
    "training_on_time": ("higher", "%", 1),
    "quiz_average": ("higher", "points", 1),
    "disputes_upheld": ("lower", "%", 1),
    "coaching_actions": ("higher", "%", 1),
}
_TEMPLATE_FIELDS = ("code", "title", "teams", "languages", "default", "min_n", "bands", "kpis")
_KPI_FIELDS = ("kind", "label", "weight", "target", "min_n", "scale")


class TemplateError(ValueError):
    """A template is not valid; the message names the field path."""


@dataclass(frozen=True)
class ScaleStep:
    """A KPI value meeting `bound` (at least it for a "higher" KPI, at most for a "lower" one) rates `rating`."""

    rating: float
    bound: float


@dataclass(frozen=True)
class Band:
    """An overall rating of at least `at_least` is in this band (e.g. Exceeds / Meets / Below)."""

    name: str
    at_least: float


@dataclass(frozen=True)
class KpiSpec:
    """One KPI of a template. `scale` is ordered best first; a value meeting no step rates the
    lowest rating of the scale."""

    kind: str
    label: str
    weight: float
    target: float
    min_n: int
    scale: tuple[ScaleStep, ...]

    @property
    def direction(self) -> str:
        return KINDS[self.kind][0]

    @property
    def unit(self) -> str:
        return KINDS[self.kind][1]


@dataclass(frozen=True)
class AppraisalTemplate:
    """A template: the agents it applies to (by team name, team language, or as the default), its
    KPIs and its bands (best first)."""

    code: str
    title: str
    kpis: tuple[KpiSpec, ...]
    bands: tuple[Band, ...]
    teams: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    default: bool = False
    min_n: Optional[int] = None


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TemplateError(f"{path}: must be a number, not {value!r}")
    return float(value)


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(f"{path}: must be a non-empty text")
    return value.strip()


def _count(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise TemplateError(f"{path}: must be a whole number of at least 1, not {value!r}")
    return value


def _mapping(data: Any, path: str, fields: Sequence[str], required: Sequence[str]) -> Mapping:
    if not isinstance(data, Mapping):
        raise TemplateError(f"{path}: must be a mapping, not {type(data).__name__}")
    unknown = sorted(str(k) for k in data if k not in fields)
    if unknown:
        raise TemplateError(f"{path}.{unknown[0]}: unknown field (known: {', '.join(fields)})")
    missing = [k for k in required if data.get(k) is None]
    if missing:
        raise TemplateError(f"{path}.{missing[0]}: is required")
    return data


def _list(data: Any, path: str, allow_empty: bool = False) -> Sequence:
    if not isinstance(data, Sequence) or isinstance(data, (str, bytes)):
        raise TemplateError(f"{path}: must be a list")
    if not data and not allow_empty:
        raise TemplateError(f"{path}: must not be empty")
    return data


def parse_scale(items: Any, direction: str, path: str) -> tuple[ScaleStep, ...]:
    """Scale steps, best first: ratings strictly falling and bounds strictly worse step by step."""
    key = "at_least" if direction == "higher" else "at_most"
    steps = []
    for i, item in enumerate(_list(items, path)):
        where = f"{path}[{i}]"
        data = _mapping(item, where, ("rating", key), ("rating", key))
        steps.append(ScaleStep(_number(data["rating"], f"{where}.rating"), _number(data[key], f"{where}.{key}")))
        if i:
            before = steps[i - 1]
            if steps[i].rating >= before.rating:
                raise TemplateError(f"{where}.rating: must be below the step before ({before.rating:g}); list best first")
            worse = steps[i].bound < before.bound if direction == "higher" else steps[i].bound > before.bound
            if not worse:
                raise TemplateError(f"{where}.{key}: must be {'below' if direction == 'higher' else 'above'} "
                                    f"the step before ({before.bound:g}); list best first")
    return tuple(steps)


def parse_kpi(data: Any, path: str, default_min_n: Optional[int]) -> KpiSpec:
    """One KPI mapping; the minimum n falls back to the template's, then to the kind's (KINDS)."""
    data = _mapping(data, path, _KPI_FIELDS, ("kind", "weight", "target", "scale"))
    kind = data["kind"]
    if kind not in KINDS:
        raise TemplateError(f"{path}.kind: unknown KPI {kind!r} (known: {', '.join(KINDS)})")
    weight = _number(data["weight"], f"{path}.weight")
    if weight <= 0:
        raise TemplateError(f"{path}.weight: must be above 0, not {weight:g}")
    min_n = data.get("min_n", default_min_n or KINDS[kind][2])
    return KpiSpec(kind, _text(data.get("label", kind.replace("_", " ")), f"{path}.label"), weight,
                   _number(data["target"], f"{path}.target"), _count(min_n, f"{path}.min_n"),
                   parse_scale(data["scale"], KINDS[kind][0], f"{path}.scale"))


def parse_bands(items: Any, path: str) -> tuple[Band, ...]:
    """Bands best first, their cut-offs strictly falling."""
    bands = []
    for i, item in enumerate(_list(items, path)):
        data = _mapping(item, f"{path}[{i}]", ("name", "at_least"), ("name", "at_least"))
        bands.append(Band(_text(data["name"], f"{path}[{i}].name"), _number(data["at_least"], f"{path}[{i}].at_least")))
        if i and bands[i].at_least >= bands[i - 1].at_least:
            raise TemplateError(f"{path}[{i}].at_least: must be below the band before ({bands[i - 1].at_least:g})")
    return tuple(bands)


def _names(data: Any, path: str) -> tuple[str, ...]:
    return tuple(_text(v, f"{path}[{i}]") for i, v in enumerate(_list(data or [], path, allow_empty=True)))


def parse_template(data: Any, path: str = "template") -> AppraisalTemplate:
    """An AppraisalTemplate from a plain mapping; TemplateError names `path.field`."""
    data = _mapping(data, path, _TEMPLATE_FIELDS, ("code", "title", "bands", "kpis"))
    min_n = None if data.get("min_n") is None else _count(data["min_n"], f"{path}.min_n")
    kpis = tuple(parse_kpi(k, f"{path}.kpis[{i}]", min_n) for i, k in enumerate(_list(data["kpis"], f"{path}.kpis")))
    kinds = [k.kind for k in kpis]
    for i, kind in enumerate(kinds):
        if kind in kinds[:i]:
            raise TemplateError(f"{path}.kpis[{i}].kind: {kind!r} is listed twice")
    default = data.get("default", False)
    if not isinstance(default, bool):
        raise TemplateError(f"{path}.default: must be true or false")
    return AppraisalTemplate(_text(data["code"], f"{path}.code"), _text(data["title"], f"{path}.title"), kpis,
                             parse_bands(data["bands"], f"{path}.bands"), _names(data.get("teams"), f"{path}.teams"),
                             _names(data.get("languages"), f"{path}.languages"), default, min_n)


def parse_templates(items: Any, path: str = "templates") -> tuple[AppraisalTemplate, ...]:
    """Templates from a list: codes unique, a team or language claimed by one template, one default at most."""
    templates = tuple(parse_template(t, f"{path}[{i}]") for i, t in enumerate(_list(items, path)))
    claimed: dict[tuple[str, str], str] = {}
    for i, t in enumerate(templates):
        if any(o.code == t.code for o in templates[:i]):
            raise TemplateError(f"{path}[{i}].code: duplicate template code {t.code!r}")
        if t.default and any(o.default for o in templates[:i]):
            raise TemplateError(f"{path}[{i}].default: only one template may be the default")
        for field, names in (("teams", t.teams), ("languages", t.languages)):
            for name in names:
                if (field, name) in claimed:
                    raise TemplateError(f"{path}[{i}].{field}: {name!r} is already in template {claimed[(field, name)]!r}")
                claimed[(field, name)] = t.code
    return templates


def parse_templates_yaml(text: str, source: str) -> tuple[AppraisalTemplate, ...]:
    """The templates of a template file's text; errors start with `source` (and the line for bad YAML)."""
    data = load_yaml(text, source, TemplateError)
    if not isinstance(data, Mapping) or set(data) != {"templates"}:
        raise TemplateError(f"{source}: must be a mapping with one key, templates, holding the list of templates")
    try:
        return parse_templates(data["templates"])
    except TemplateError as exc:
        raise TemplateError(f"{source}: {exc}") from None


def _plain(value: float):
    return int(value) if float(value).is_integer() else value


def template_to_mapping(t: AppraisalTemplate) -> dict:
    """The template in file order (what parse_template reads back), leaving out empty fields."""
    out: dict = {"code": t.code, "title": t.title}
    if t.teams:
        out["teams"] = list(t.teams)
    if t.languages:
        out["languages"] = list(t.languages)
    if t.default:
        out["default"] = True
    if t.min_n is not None:
        out["min_n"] = t.min_n
    out["bands"] = [{"name": b.name, "at_least": _plain(b.at_least)} for b in t.bands]
    out["kpis"] = [_kpi_mapping(k, t.min_n) for k in t.kpis]
    return out


def _kpi_mapping(k: KpiSpec, template_min_n: Optional[int]) -> dict:
    key = "at_least" if k.direction == "higher" else "at_most"
    out = {"kind": k.kind, "label": k.label, "weight": _plain(k.weight), "target": _plain(k.target)}
    if k.min_n != (template_min_n or KINDS[k.kind][2]):
        out["min_n"] = k.min_n
    out["scale"] = [{"rating": _plain(s.rating), key: _plain(s.bound)} for s in k.scale]
    return out


def templates_yaml(templates: Sequence[AppraisalTemplate]) -> str:
    """A template file that parse_templates_yaml reads back as `templates`."""
    return yaml.safe_dump({"templates": [template_to_mapping(t) for t in templates]}, allow_unicode=True,
                          sort_keys=False, width=100)


def template_for(templates: Sequence[AppraisalTemplate], team: Optional[str],
                 language: Optional[str]) -> Optional[AppraisalTemplate]:
    """The template that rates an agent of `team` (whose language is `language`): the one naming the
    team, else the one naming its language, else the default; None when there is none."""
    for match in (lambda t: team is not None and team in t.teams,
                  lambda t: language is not None and language in t.languages, lambda t: t.default):
        found = next((t for t in templates if match(t)), None)
        if found is not None:
            return found
    return None


SHIPPED_FILE = "appraisal_templates.yaml"


def default_templates() -> tuple[AppraisalTemplate, ...]:
    """The shipped templates (training/appraisal_templates.yaml): agents-en (English teams, and the
    default) and agents-zh (Chinese teams)."""
    from importlib import resources
    text = resources.files("training").joinpath(SHIPPED_FILE).read_text(encoding="utf-8")
    return parse_templates_yaml(text, SHIPPED_FILE)
