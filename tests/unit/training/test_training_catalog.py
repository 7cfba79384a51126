"""The shipped course catalogue, and how a broken course file is reported."""
from __future__ import annotations

import re

import pytest
import yaml

from training.catalog import (
    Course,
    CourseError,
    CourseNotFound,
    course_by_code,
    course_to_mapping,
    course_yaml,
    load_course_dir,
    load_courses,
    parse_course_yaml,
)
from scoring.catalog import shipped_scorecards
from training.quiz import example_response, grade

REQUIRED = ["qa-basics-en", "compliance-en", "empathy-en", "aftersales-en", "etiquette-en", "complaints-en",
            "qa-basics-zh", "compliance-zh", "empathy-zh", "aftersales-zh", "etiquette-zh", "complaints-zh"]
NEW = ["etiquette-en", "etiquette-zh", "complaints-en", "complaints-zh"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_required_course_is_shipped():
    codes = [c.code for c in load_courses()]
    assert set(REQUIRED) <= set(codes)
    assert codes == sorted(codes)


@pytest.mark.parametrize("course", load_courses(), ids=lambda c: c.code)
def test_each_course_has_substantial_reading_and_a_real_quiz(course):
    paragraphs = [p for p in course.body_markdown.split("\n\n") if p.strip() and not p.lstrip().startswith("#")]
    assert len(paragraphs) >= 8
    assert len(course.quiz.questions) >= 5 and all(q.explanation for q in course.quiz.questions)
    single = [q for q in course.quiz.questions if q.kind == "single"]
    assert all(len(q.options) >= 3 for q in single)
    # Correct answers spread over positions, so guessing "always B" does not pass.
    assert len({q.answer for q in single}) >= 3
    assert course.pass_mark == course.quiz.pass_mark and 50 <= course.pass_mark <= 100


@pytest.mark.parametrize("course", load_courses(), ids=lambda c: c.code)
def test_every_shipped_course_has_modules_and_a_pooled_quiz_of_several_question_types(course):
    assert len(course.modules) >= 3 and all(m.title and m.body_markdown for m in course.modules)
    quiz = course.quiz
    assert len({q.kind for q in quiz.questions}) >= 3
    assert quiz.draw is not None and quiz.draw < len(quiz.questions) and quiz.shuffle
    assert quiz.max_attempts and quiz.time_limit_minutes


@pytest.mark.parametrize("code", NEW)
def test_the_new_courses_have_three_to_five_modules_and_a_drawn_pool_of_four_question_types(code):
    course = course_by_code(code)
    quiz = course.quiz
    assert 3 <= len(course.modules) <= 5
    assert 10 <= len(quiz.questions) <= 14 and 6 <= quiz.draw <= 8 < len(quiz.questions)
    assert len({q.kind for q in quiz.questions}) >= 4
    assert 75 <= course.pass_mark <= 80 and quiz.shuffle and quiz.max_attempts == 3


def test_a_one_page_course_is_read_as_one_module_titled_like_the_course():
    course = parse_course_yaml(with_changes(), "demo-en.yaml")
    assert [m.title for m in course.modules] == [course.title] == ["Demo"]


@pytest.mark.parametrize("course", load_courses(), ids=lambda c: c.code)
def test_a_course_is_written_in_its_own_language(course):
    text = course.title + course.summary + course.body_markdown + "".join(q.prompt for q in course.quiz.questions)
    share = len(CJK.findall(text)) / len(text)
    assert course.code.endswith("-" + course.language)
    # English courses may quote a Chinese term (三查三核) but are otherwise English.
    assert (share > 0.3) if course.language == "zh" else (share < 0.01)


@pytest.mark.parametrize("course", load_courses(), ids=lambda c: c.code)
def test_all_correct_answers_pass_and_all_wrong_answers_fail(course):
    right = {q.id: example_response(q, True) for q in course.quiz.questions}
    wrong = {q.id: example_response(q, False) for q in course.quiz.questions}
    assert grade(course.quiz, right).passed
    assert grade(course.quiz, wrong).score_percent == 0.0


@pytest.mark.parametrize(
    "code, topics",
    [
        ("qa-basics-en", {"greeting", "empathy", "closing"}),
        ("compliance-en", {"forbidden_phrases"}),
        ("empathy-en", {"empathy", "customer_sentiment_end"}),
        ("aftersales-zh", {"sancha_sanhe"}),
        ("etiquette-en", {"greeting", "first_response", "closing", "forbidden_phrases"}),
        ("etiquette-zh", {"greeting", "first_response", "closing", "forbidden_phrases"}),
        ("complaints-en", {"escalation", "resolution", "closing"}),
        ("complaints-zh", {"escalation", "resolution", "closing"}),
    ],
)
def test_courses_cover_the_scorecard_criteria_they_teach(code, topics):
    assert topics <= set(course_by_code(code).topics)


@pytest.mark.parametrize("code", NEW)
def test_the_new_courses_name_only_criteria_of_the_shipped_scorecards(code):
    criteria = {c.id for card in shipped_scorecards() for _, c in card.criteria()}
    assert set(course_by_code(code).topics) <= criteria


@pytest.mark.parametrize(
    "code, phrases",
    [
        ("compliance-en", ["CVV", "password", "five stars", "full card number"]),
        ("compliance-zh", ["CVV", "密码", "五星好评", "银行卡号"]),
        ("aftersales-zh", ["三查三核", "条件", "流程", "时效", "费用", "24 小时", "48 小时", "72 小时", "满意", "回访"]),
        ("empathy-en", ["24 hours", "48 hours", "72 hours", "escalat"]),
        ("etiquette-en", ["my name is", "30 seconds", "60 seconds", "hold", "please", "Taboo", "Does that solve it"]),
        ("etiquette-zh", ["我是", "30 秒", "60 秒", "稍等", "麻烦您", "服务禁语", "您看可以吗", "85%"]),
        ("complaints-en", ["24 hours", "48 hours", "72 hours", "product department", "escalat", "authority",
                           "review", "Follow up", "Record"]),
        ("complaints-zh", ["24 小时", "48 小时", "72 小时", "产品部门", "升级", "权限", "好评", "回访", "记录在案"]),
        ("aftersales-en", ["24 hours", "48 hours", "72 hours", "Conditions", "Fees", "call-back"]),
    ],
)
def test_course_bodies_teach_the_required_content(code, phrases):
    body = course_by_code(code).body_markdown
    assert [p for p in phrases if p not in body] == []


def test_an_unknown_course_code_lists_the_known_ones():
    with pytest.raises(CourseNotFound, match=r"no course with code 'qa-basics-fr' \(known: .*qa-basics-en"):
        course_by_code("qa-basics-fr")


GOOD = {
    "code": "demo-en", "title": "Demo", "language": "en", "summary": "A demo.", "topics": ["greeting"],
    "pass_mark": 80, "body": "Read this.",
    "quiz": [{"id": "q1", "prompt": "Why?", "options": ["a", "b"], "answer": 1, "explanation": "Because."}],
}


def with_changes(**changes):
    data = {k: v for k, v in GOOD.items() if changes.get(k, "") is not None}
    data.update({k: v for k, v in changes.items() if v is not None})
    return yaml.safe_dump(data, allow_unicode=True)


def question(**changes):
    q = {**GOOD["quiz"][0], **changes}
    return [{k: v for k, v in q.items() if v is not None}]


def test_a_valid_course_file_parses():
    course = parse_course_yaml(with_changes(), "demo-en.yaml")
    assert isinstance(course, Course)
    assert (course.code, course.pass_mark, course.quiz.questions[0].options) == ("demo-en", 80, ("a", "b"))


@pytest.mark.parametrize(
    "text, message",
    [
        ("code: demo\ntitle: x\n  bad: indent\n", r"^x\.yaml: line 3: invalid YAML: mapping values are not allowed"),
        ("- just\n- a list\n", r"^x\.yaml: must contain a mapping"),
        ("", r"^x\.yaml: must contain a mapping"),
        (with_changes(colour="red"), r"^x\.yaml: colour: unknown field"),
        (with_changes(code=None), r"^x\.yaml: code: must be a non-empty text"),
        (with_changes(code="Demo EN"), r"^x\.yaml: code: 'Demo EN' must be lower-case"),
        (with_changes(language="english"), r"^x\.yaml: language: 'english' is not a language code"),
        (with_changes(title=" "), r"^x\.yaml: title: must be a non-empty text"),
        (with_changes(summary=3), r"^x\.yaml: summary: must be a non-empty text"),
        (with_changes(body=None), r"^x\.yaml: body: give either body \(one page\) or modules"),
        (with_changes(body=" "), r"^x\.yaml: body: must be a non-empty text"),
        (with_changes(topics="greeting"), r"^x\.yaml: topics: must be a non-empty list"),
        (with_changes(topics=[]), r"^x\.yaml: topics: must be a non-empty list"),
        (with_changes(pass_mark=120), r"^x\.yaml: pass_mark: must be a whole percentage 0\.\.100, not 120"),
        (with_changes(pass_mark="80"), r"^x\.yaml: pass_mark: must be a whole percentage"),
        (with_changes(quiz=[]), r"^x\.yaml: quiz: must be a non-empty list"),
        (with_changes(quiz=["Why?"]), r"^x\.yaml: quiz\[0\]: must be a mapping"),
        (with_changes(quiz=question(hint="x")), r"^x\.yaml: quiz\[0\]\.hint: unknown field"),
        (with_changes(quiz=question(prompt=None)), r"^x\.yaml: quiz\[0\]\.prompt: must be a non-empty text"),
        (with_changes(quiz=question(options="a, b")), r"^x\.yaml: quiz\[0\]\.options: must be a list of texts"),
        (with_changes(quiz=question(options=["a", 2])), r"^x\.yaml: quiz\[0\]\.options: must be a list of texts"),
        (with_changes(quiz=question(options=["a"])), r"^x\.yaml: quiz\[0\]: question 'q1': needs at least 2"),
        (with_changes(quiz=question(answer=2)), r"^x\.yaml: quiz\[0\]: question 'q1': answer 2 is not an option"),
        (with_changes(quiz=question(answer="b")), r"^x\.yaml: quiz\[0\]\.answer: must be the 0-based index"),
        (with_changes(quiz=question(answer=None)), r"^x\.yaml: quiz\[0\]\.answer: must be the 0-based index"),
        (with_changes(quiz=question(id=None)), r"^x\.yaml: quiz\[0\]: question id must be a non-empty text"),
        (with_changes(quiz=question(explanation=5)), r"^x\.yaml: quiz\[0\]\.explanation: must be a text"),
        (with_changes(quiz=question() + question()), r"^x\.yaml: quiz: question 'q1' appears more than once"),
    ],
)
def test_a_broken_course_file_names_the_file_and_field(text, message):
    with pytest.raises(CourseError, match=message):
        parse_course_yaml(text, "x.yaml")


def test_a_course_directory_loads_yaml_files_sorted_by_code_and_ignores_other_files(tmp_path):
    (tmp_path / "zz-en.yaml").write_text(with_changes(code="zz-en"), encoding="utf-8")
    (tmp_path / "demo-en.yaml").write_text(with_changes(), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a course", encoding="utf-8")
    assert [c.code for c in load_course_dir(tmp_path)] == ["demo-en", "zz-en"]


def test_a_course_file_must_be_named_after_its_code(tmp_path):
    (tmp_path / "other.yaml").write_text(with_changes(), encoding="utf-8")
    with pytest.raises(CourseError, match=r"^other\.yaml: code: 'demo-en' does not match the file name"):
        load_course_dir(tmp_path)


def test_an_error_in_one_file_of_a_directory_names_that_file(tmp_path):
    (tmp_path / "demo-en.yaml").write_text(with_changes(), encoding="utf-8")
    (tmp_path / "bad-en.yaml").write_text(with_changes(code="bad-en", pass_mark=300), encoding="utf-8")
    with pytest.raises(CourseError, match=r"^bad-en\.yaml: pass_mark: "):
        load_course_dir(tmp_path)


@pytest.mark.parametrize("course", load_courses(), ids=lambda c: c.code)
def test_every_shipped_course_exports_to_one_yaml_file_that_reads_back_equal(course):
    text = course_yaml(course)
    assert parse_course_yaml(text, f"{course.code}.yaml") == course
    assert course_to_mapping(course)["modules"][0]["title"] == course.modules[0].title


def test_an_exported_course_writes_its_markdown_bodies_as_literal_blocks_and_keeps_chinese_readable():
    text = course_yaml(course_by_code("qa-basics-zh"))
    assert "  body: |" in text  # not one quoted line full of \n
    assert "服务基本功" in text  # not \u escapes


def test_an_exported_course_keeps_its_quiz_settings_and_leaves_out_those_it_does_not_set():
    pooled = course_to_mapping(course_by_code("compliance-en"))
    plain = course_to_mapping(parse_course_yaml(with_changes(), "demo-en.yaml"))  # a plain list of questions
    assert {k: pooled["quiz"][k] for k in ("draw", "max_attempts", "time_limit_minutes")} == \
        {"draw": 10, "max_attempts": 3, "time_limit_minutes": 25}
    assert pooled["certificate_valid_months"] == 12
    assert set(plain["quiz"]) == {"shuffle", "questions"} and "certificate_valid_months" not in plain


def test_a_one_page_course_exports_as_one_module_and_reads_back_equal():
    course = parse_course_yaml(with_changes(), "demo-en.yaml")
    data = course_to_mapping(course)
    assert "body" not in data and data["modules"] == [{"title": "Demo", "body": "Read this."}]
    assert parse_course_yaml(course_yaml(course), "demo-en.yaml") == course
