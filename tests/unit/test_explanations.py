"""Automatic explanations: the core writes them from scoring.explanations' templates, and the shell
(qa_app.explanations) reads a stored one back into its templates to say it in Chinese."""
from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.support import Translations

import qa_app
from qa_app import explanations as shell
from scoring import explanations as core

TRANSLATIONS = Path(qa_app.__file__).resolve().parent / "translations"


@pytest.fixture(scope="module")
def zh():
    """The shipped Chinese catalogue's gettext, with the shell told the catalogue's English texts."""
    with (TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        shell.use_catalogue(m.id for m in read_mo(f))
    yield Translations.load(str(TRANSLATIONS), ["zh"]).gettext
    shell.use_catalogue(())


@pytest.fixture(scope="module")
def explained() -> list[str]:
    """The explanations and failure reasons of 400 demo conversations (English and Chinese)
    scored with the shipped scorecards, as a worker scores them."""
    from qa_app.demo.conversations import build_conversations
    from qa_app.demo.people import demo_agents
    from scoring.catalog import shipped_scorecards
    from scoring.engine import evaluate, select_scorecard
    from scoring.sentiment import DefaultSentiment
    from transcripts.records import conversation_from_dict
    cards, sentiment, texts = shipped_scorecards(), DefaultSentiment(), set()
    built = build_conversations(demo_agents(), date(2026, 11, 30), random.Random(7))
    for record, _plan, _ in built[:400]:
        conversation = conversation_from_dict(record)
        card = select_scorecard(conversation, cards)
        if card is not None:
            result = evaluate(conversation, card, sentiment)
            texts.update(c.explanation for c in result.criteria)
            texts.update(reason.partition(": ")[2] for reason in result.fail_reasons)
    return sorted(texts)


def test_every_template_has_literal_text_and_distinct_field_names():
    for template in core.templates():
        fields = core.fields_of(template)
        assert len(set(fields)) == len(fields), template
        assert shell.compile_template(template).literal > 0, template


def test_every_chinese_template_keeps_the_english_fields(zh):
    for template in core.templates():
        said = zh(template)
        assert said != template or template in ("{first}; {rest}",), f"untranslated: {template!r}"
        assert sorted(core.fields_of(said)) == sorted(core.fields_of(template)), (template, said)


def test_every_explanation_of_the_demo_reads_back_to_the_very_same_english(explained):
    assert len(explained) > 300
    unread = [t for t in explained if t and shell.read(t) is None]
    assert unread == []
    assert [t for t in explained if shell.translate(t, lambda s: s) != t] == []


def test_every_explanation_of_the_demo_reads_in_chinese_without_an_english_template_word_left(zh, explained):
    """Once said in Chinese, what is left in Latin letters is user data: a quoted phrase, a regular
    expression of the scorecard, a number; never a word of a template."""
    words = {w for t in core.templates() for w in re.findall(r"[a-z]{3,}", core.FIELD.sub(" ", t))}
    left = {}
    for text in explained:
        said = shell.translate(text, zh)
        outside_quotes = re.sub(r"“[^”]*”|'[^']*'|\"[^\"]*\"", " ", said)
        for word in set(re.findall(r"[a-z]{3,}", outside_quotes.lower())) & words:
            left.setdefault(word, said)
    assert left == {}


@pytest.mark.parametrize("english, chinese", [
    ("no greeting in the first 2 agent turns", "客服的前 2 轮发言中没有问候"),
    ('forbidden phrase "stupid" in turn 3', "第 3 轮有禁用语“stupid”"),
    ("the customer was not upset", "客户没有不满"),
    ('resolution or ownership "let me" in turn 3 (after-sales order problem: "refund" in turn 10)',
     "第 3 轮有解决方案或主动负责“let me”（售后订单问题：第 10 轮的“refund”）"),
    ("first response after 40 s (limit 30 s); partial credit 0.67 (none from 3 x the limit)",
     "首次响应用时 40 秒（上限 30 秒）；部分得分 0.67（达到时限的 3 倍时不得分）"),
])
def test_a_stored_explanation_reads_in_chinese_with_the_customer_words_as_written(zh, english, chinese):
    assert shell.translate(english, zh) == chinese


@pytest.mark.parametrize("text", ["", "Agreed with the customer: refund by Friday", "没有问候语"])
def test_a_text_no_template_fits_is_shown_as_stored(zh, text):
    assert shell.translate(text, zh) == text


def test_the_stored_english_is_what_the_checks_wrote_before_the_templates():
    """The templates fill to the very texts the checks wrote with f-strings (old rows keep reading)."""
    from scoring.checks.base import ignored_note, plural, quoted, turn_name
    assert turn_name(2) == "turn 3"
    assert plural(1, "agent turn") == "1 agent turn" and plural(3, "more hold") == "3 more holds"
    assert quoted(["a", "b", "c", "d", "e"]) == '"a", "b", "c" and 2 more'
    assert ignored_note(['"x" in turn 2: quoted'] * 3) == ' (ignored: "x" in turn 2: quoted; "x" in turn 2: quoted and 1 more)'


@pytest.mark.parametrize("english, chinese", [
    ("score 55.0 below 60 on conversation chat-12", "会话 chat-12：得分 55.0 低于 60"),
    ("critical failure on conversation c-1 (failed: abuse); 2 of the last 5 evaluations (c-1, c-3)",
     "会话 c-1 出现致命错误（未通过：abuse）；最近 5 条评分记录中有 2 条（c-1, c-3）"),
    ("assigned by lead.liu", "由 lead.liu 安排"),
    ("assigned by system", "由系统安排"),
    ("onboarding new-agent-en: step 2 of 4", "入职培训 new-agent-en：第 2 步，共 4 步"),
    ("certificate AB12 expires on 2026-12-31", "证书 AB12 将于 2026-12-31 到期"),
])
def test_a_stored_assignment_reason_reads_in_chinese_with_its_codes_as_written(zh, english, chinese):
    assert shell.translate(english, zh) == chinese
    assert shell.translate(english, lambda s: s) == english


def test_the_rules_write_their_reasons_from_the_reason_templates():
    from training import reasons
    from training.rules import EvaluationFacts, TrainingRule, _fires
    rule = TrainingRule(id="r1", name="low score", kind="score_below", course_code="c", due_days=7, threshold=60)
    facts = EvaluationFacts(conversation_id=1, agent="a1", language="en", score=55.0, auto_fail=False,
                            external_id="chat-12", evaluation_id=1)
    reason, _ids = _fires(rule, facts, [])
    assert reason == "score 55.0 below 60 on conversation chat-12"
    assert shell.read(reason).template.text == reasons.CONDITION_ON


def test_a_template_fills_as_its_f_string_would_and_pickles_as_its_plain_text():
    import pickle
    filled = core.SENTIMENT_KIND.format(value=-0.5, kind="worried")
    assert filled == "sentiment -0.50, worried" and type(filled) is str
    assert core.SENTIMENT_KIND == "sentiment {value:.2f}, {kind}"  # the msgid, as extracted
    assert type(pickle.loads(pickle.dumps(core.SENTIMENT_KIND))) is str
    with pytest.raises(TypeError):
        core.SENTIMENT_KIND.format(value=1.0)  # a field left out is a mistake, not an empty field
