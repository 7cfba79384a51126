"""The course catalogue: one YAML file per course in training/courses, validated on load.

A course file has code, title, language, summary, topics, pass_mark, the reading as `body` (one
page) or `modules` (a list of {title, body}), and `quiz` (see training.quiz_format).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping, Optional

import yaml

from training.quiz import Quiz, QuizError
from training.quiz_format import question_to_mapping, quiz_from_mapping
from training.yaml_source import load_yaml

COURSE_PACKAGE = "training.courses"
_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$")
_FIELDS = ("code", "title", "language", "summary", "topics", "pass_mark", "body", "modules", "quiz",
           "certificate_valid_months")


class CourseError(ValueError):
    """A course file is invalid; the message starts with the file name and field path."""


class CourseNotFound(LookupError):
    """No course has the requested code."""


@dataclass(frozen=True)
class Module:
    """One part of a course's reading, read in order: a title and a Markdown body."""

    title: str
    body_markdown: str


@dataclass(frozen=True)
class Course:
    """A course: ordered modules of Markdown reading plus a quiz passed at `pass_mark` percent."""

    code: str
    title: str
    language: str
    summary: str
    modules: tuple[Module, ...]
    pass_mark: int
    quiz: Quiz
    topics: tuple[str, ...]
    certificate_months: Optional[int] = None  # its certificates expire after this many months; None: never

    @property
    def body_markdown(self) -> str:
        """All the reading as one text, modules in order (for searching a course's content)."""
        return "\n\n".join(m.body_markdown for m in self.modules)


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CourseError(f"{where}{key}: must be a non-empty text")
    return value.strip()


def _modules(data: Mapping[str, Any], title: str, where: str) -> tuple[Module, ...]:
    """`modules` (a list of {title, body}) or, for a one-page course, `body` as its only module."""
    if ("body" in data) == ("modules" in data):
        raise CourseError(f"{where}body: give either body (one page) or modules (a list), not both or neither")
    if "body" in data:
        return (Module(title, _text(data, "body", where)),)
    items = data["modules"]
    if not isinstance(items, list) or not items:
        raise CourseError(f"{where}modules: must be a non-empty list of modules with title and body")
    modules = []
    for i, item in enumerate(items):
        at = f"{where}modules[{i}]."
        if not isinstance(item, Mapping):
            raise CourseError(f"{at[:-1]}: must be a mapping with title and body")
        unknown = sorted(str(k) for k in item if k not in ("title", "body"))
        if unknown:
            raise CourseError(f"{at}{unknown[0]}: unknown field (known: title, body)")
        modules.append(Module(_text(item, "title", at), _text(item, "body", at)))
    return tuple(modules)


def _quiz(data: Mapping[str, Any], where: str) -> Quiz:
    pass_mark = data.get("pass_mark")
    if isinstance(pass_mark, bool) or not isinstance(pass_mark, int) or not 0 <= pass_mark <= 100:
        raise CourseError(f"{where}pass_mark: must be a whole percentage 0..100, not {pass_mark!r}")
    try:
        return quiz_from_mapping(data.get("quiz"), pass_mark, f"{where}quiz")
    except QuizError as exc:
        raise CourseError(str(exc)) from None


def _topics(data: Mapping[str, Any], where: str) -> tuple[str, ...]:
    topics = data.get("topics")
    if not isinstance(topics, list) or not topics or not all(isinstance(t, str) and t.strip() for t in topics):
        raise CourseError(f"{where}topics: must be a non-empty list of texts")
    return tuple(t.strip() for t in topics)


def _certificate_months(data: Mapping[str, Any], where: str) -> Optional[int]:
    value = data.get("certificate_valid_months")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 120:
        raise CourseError(f"{where}certificate_valid_months: must be a whole number of months 1..120, not {value!r}")
    return value


def parse_course(data: Any, source: str) -> Course:
    """A Course from the mapping read out of `source` (a file name used in error messages)."""
    where = f"{source}: "
    if not isinstance(data, Mapping):
        raise CourseError(f"{source}: must contain a mapping with {', '.join(_FIELDS)}")
    unknown = sorted(str(k) for k in data if k not in _FIELDS)
    if unknown:
        raise CourseError(f"{where}{unknown[0]}: unknown field (known: {', '.join(_FIELDS)})")
    code = _text(data, "code", where)
    if not _CODE.match(code):
        raise CourseError(f"{where}code: {code!r} must be lower-case letters, digits and dashes")
    language = _text(data, "language", where)
    if not _LANGUAGE.match(language):
        raise CourseError(f"{where}language: {language!r} is not a language code such as 'en' or 'zh'")
    title = _text(data, "title", where)
    summary, modules = _text(data, "summary", where), _modules(data, title, where)
    quiz = _quiz(data, where)
    return Course(code, title, language, summary, modules, quiz.pass_mark, quiz, _topics(data, where),
                  _certificate_months(data, where))


def parse_course_yaml(text: str, source: str) -> Course:
    """A Course from YAML text; syntax errors name `source` and the line."""
    return parse_course(load_yaml(text, source, CourseError), source)


def load_course_dir(directory: Any) -> tuple[Course, ...]:
    """Every *.yaml course in `directory` (a Path or importlib Traversable), sorted by code.

    Each file must be named after its course's code, which also keeps codes unique.
    """
    courses = []
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        course = parse_course_yaml(entry.read_text(encoding="utf-8"), entry.name)
        if entry.name != f"{course.code}.yaml":
            raise CourseError(f"{entry.name}: code: {course.code!r} does not match the file name")
        courses.append(course)
    return tuple(sorted(courses, key=lambda c: c.code))


def course_to_mapping(course: Course) -> dict:
    """The course as a course file's fields (modules always as a list): parse_course of it gives
    back an equal Course."""
    data: dict[str, Any] = {"code": course.code, "title": course.title, "language": course.language,
                            "summary": course.summary, "topics": list(course.topics), "pass_mark": course.pass_mark}
    if course.certificate_months is not None:
        data["certificate_valid_months"] = course.certificate_months
    data["modules"] = [{"title": m.title, "body": m.body_markdown} for m in course.modules]
    q = course.quiz
    settings = {"draw": q.draw, "shuffle": q.shuffle, "max_attempts": q.max_attempts,
                "time_limit_minutes": q.time_limit_minutes}
    data["quiz"] = {**{k: v for k, v in settings.items() if v is not None},
                    "questions": [question_to_mapping(item) for item in q.questions]}
    return data


class _CourseDumper(yaml.SafeDumper):
    """Multi-line texts (the Markdown bodies) as literal blocks, so an exported file reads like a written one."""


def _text_scalar(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_CourseDumper.add_representer(str, _text_scalar)


def course_yaml(course: Course) -> str:
    """The course as one YAML course file (see course_to_mapping); parse_course_yaml reads it back equal."""
    return yaml.dump(course_to_mapping(course), Dumper=_CourseDumper, allow_unicode=True, sort_keys=False,
                     width=100)


@lru_cache(maxsize=None)
def load_courses() -> tuple[Course, ...]:
    """Every shipped course (training/courses/*.yaml), sorted by code; read once and cached."""
    return load_course_dir(resources.files(COURSE_PACKAGE))


def course_by_code(code: str) -> Course:
    """The shipped course with this code; CourseNotFound lists the known codes otherwise."""
    courses = load_courses()
    for course in courses:
        if course.code == code:
            return course
    raise CourseNotFound(f"no course with code {code!r} (known: {', '.join(c.code for c in courses)})")
