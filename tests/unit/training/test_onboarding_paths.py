"""Onboarding paths: the shipped ones, the file format's errors, and which course is unlocked."""
from __future__ import annotations

import pytest

from training.catalog import load_courses
from training.onboarding import PathError, Step, next_position, parse_paths, shipped_paths, steps

COURSES = ("basics", "etiquette", "empathy")


@pytest.mark.parametrize(
    "passed, expected",
    [((), 1), (("basics",), 2), (("basics", "etiquette"), 3), (COURSES, None),
     (("etiquette",), 1), (("other", "basics"), 2)],
)
def test_the_next_course_is_the_first_one_not_passed(passed, expected):
    assert next_position(COURSES, passed) == expected


def test_steps_show_passed_current_and_locked_courses():
    assert steps(COURSES, {"basics"}) == (Step(1, "basics", "passed"), Step(2, "etiquette", "current"),
                                          Step(3, "empathy", "locked"))
    assert [s.state for s in steps(COURSES, iter(COURSES))] == ["passed"] * 3


def test_every_shipped_path_names_shipped_courses_in_its_language():
    codes = {c.code: c.language for c in load_courses()}
    for path in shipped_paths():
        assert all(codes[c] == path.language for c in path.courses), path.code
    assert {p.code for p in shipped_paths()} == {"new-agent-en", "new-agent-zh"}


@pytest.mark.parametrize(
    "data, message",
    [
        ([], r"^p\.yaml: must be a mapping with a list under paths"),
        ({"paths": ["x"]}, r"^p\.yaml: paths\[0\]: must be a mapping"),
        ({"paths": [{"code": "", "title": "T", "courses": ["a"]}]}, r"paths\[0\]\.code: must be a non-empty text"),
        ({"paths": [{"code": "c", "title": "T", "courses": []}]}, r"paths\[0\]\.courses: must be a non-empty list"),
        ({"paths": [{"code": "c", "title": "T", "courses": ["a", "a"]}]}, r"paths\[0\]\.courses: a course appears twice"),
        ({"paths": [{"code": "c", "title": "T", "courses": ["a"]}, {"code": "c", "title": "U", "courses": ["b"]}]},
         r"paths\[1\]\.code: duplicate path code 'c'"),
    ],
)
def test_a_bad_path_file_names_the_field(data, message):
    with pytest.raises(PathError, match=message):
        parse_paths(data, "p.yaml")
