"""Onboarding paths: a sequence of courses for a new agent, each unlocked when the one before is passed.

The shipped paths are `training/onboarding_paths.yaml`. An enrolment keeps its own copy of the
path's courses, so a path changed later does not move anyone's progress.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping, Optional

from training.yaml_source import load_yaml


class PathError(ValueError):
    """An onboarding path file is invalid; the message names the file and the field path."""


@dataclass(frozen=True)
class OnboardingPath:
    """`courses` in the order they unlock; `language` only labels the path."""

    code: str
    title: str
    language: Optional[str]
    courses: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    """One course of an enrolment and where the agent stands with it: passed, current or locked."""

    position: int
    course_code: str
    state: str


def parse_paths(data: Any, source: str) -> tuple[OnboardingPath, ...]:
    """Paths from `{paths: [{code, title, language?, courses: [course codes]}]}`; codes unique."""
    if not isinstance(data, Mapping) or not isinstance(data.get("paths"), list):
        raise PathError(f"{source}: must be a mapping with a list under paths")
    paths, seen = [], set()
    for i, item in enumerate(data["paths"]):
        path = _parse_path(item, f"{source}: paths[{i}]")
        if path.code in seen:
            raise PathError(f"{source}: paths[{i}].code: duplicate path code {path.code!r}")
        seen.add(path.code)
        paths.append(path)
    return tuple(paths)


def _parse_path(item: Any, where: str) -> OnboardingPath:
    if not isinstance(item, Mapping):
        raise PathError(f"{where}: must be a mapping")
    for name in ("code", "title"):
        if not isinstance(item.get(name), str) or not item[name].strip():
            raise PathError(f"{where}.{name}: must be a non-empty text")
    courses = item.get("courses")
    if not isinstance(courses, list) or not courses or not all(isinstance(c, str) and c for c in courses):
        raise PathError(f"{where}.courses: must be a non-empty list of course codes")
    if len(set(courses)) != len(courses):
        raise PathError(f"{where}.courses: a course appears twice")
    return OnboardingPath(item["code"], item["title"], item.get("language"), tuple(courses))


@lru_cache(maxsize=1)
def shipped_paths() -> tuple[OnboardingPath, ...]:
    text = resources.files("training").joinpath("onboarding_paths.yaml").read_text(encoding="utf-8")
    return parse_paths(load_yaml(text, "onboarding_paths.yaml", PathError), "onboarding_paths.yaml")


def next_position(courses: tuple[str, ...], passed: Iterable[str]) -> Optional[int]:
    """The 1-based position of the first course not passed yet, or None when all are."""
    done = set(passed)
    return next((i for i, code in enumerate(courses, start=1) if code not in done), None)


def steps(courses: tuple[str, ...], passed: Iterable[str]) -> tuple[Step, ...]:
    """Each course with its state: passed, current (the first not passed) or locked."""
    done = set(passed)
    current = next_position(courses, done)
    return tuple(Step(i, code, "passed" if code in done else "current" if i == current else "locked")
                 for i, code in enumerate(courses, start=1))
