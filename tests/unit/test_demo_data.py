"""The demo data set: deterministic, complete, canonical, and with the quality mix reports need."""
from __future__ import annotations

import ast
import json
import re
import statistics
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

import qa_app.demo as demo_package
from qa_app.demo import COURSES, DEMO_PASSWORD, build_demo, quiz_plan
from qa_app.demo import text_en, text_zh

TODAY = date(2026, 3, 15)
# Other days and seeds the invariants must hold for: winter, British summer time, a leap day.
VARIANTS = [(TODAY, 2026), (date(2025, 7, 1), 1), (date(2024, 2, 29), 99)]

# The shared vocabulary of the default scorecards (docs: PHRASES of the scorecards), per language.
GREETING = {"en": ["hello", "hi", "good morning", "good afternoon", "good evening", "thank you for contacting",
                   "thanks for reaching out", "welcome to", "my name is"],
            "zh": ["您好", "你好", "欢迎", "很高兴为您服务", "请问有什么可以帮", "我是客服"]}
EMPATHY = {"en": ["sorry", "apologize", "apologise", "i understand", "i can see why", "that must be frustrating",
                  "i completely understand"],
           "zh": ["抱歉", "对不起", "理解您的心情", "非常理解", "给您带来不便", "实在不好意思", "让您久等了"]}
UPSET = {"en": ["angry", "upset", "frustrated", "unacceptable", "terrible", "ridiculous", "worst", "disappointed",
                "complaint", "still hasn't arrived"],
         "zh": ["投诉", "生气", "太差", "失望", "怎么回事", "气死", "差评", "无法接受", "太慢", "还没到"]}
FORBIDDEN = {"en": ["not my problem", "not my job", "calm down", "it's your fault", "that's your fault",
                    "you should have read", "i can't help you", "stupid", "leave us a five-star review"],
             "zh": ["不是我的问题", "不关我的事", "你自己看", "你自己的问题", "爱买不买", "我也没办法", "听不懂吗", "好评返现"]}
CLOSING = {"en": ["anything else", "is there anything else", "have a great day", "have a nice day",
                  "glad i could help", "thank you for contacting"],
           "zh": ["还有什么可以帮", "还有其他问题", "祝您生活愉快", "满意", "回访", "感谢您的耐心", "再见"]}
CRITERIA = {"greeting", "empathy", "forbidden_phrases", "closing"}
EXCELLENT, WEAK = ("emma.jones", "li.na"), ("priya.patel", "zhang.min")
RECORD_KEYS = {"id", "channel", "agent", "started_at", "language", "queue", "customer", "turns"}


def mentions(text: str, words: list[str], language: str) -> bool:
    """Whole-word match in English (so "hi" is not found in "this"); substring match in Chinese."""
    text = text.lower()
    if language == "en":
        return any(re.search(rf"\b{re.escape(w)}\b", text) for w in words)
    return any(w in text for w in words)


def agent_texts(record: dict) -> list[str]:
    return [t["text"] for t in record["turns"] if t["speaker"] == "agent"]


def customer_texts(record: dict) -> list[str]:
    return [t["text"] for t in record["turns"] if t["speaker"] == "customer"]


def share(records: list[dict], test) -> float:
    return sum(1 for r in records if test(r)) / len(records)


@pytest.fixture(scope="module")
def demo():
    return build_demo(TODAY)


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda v: f"{v[0]}-seed{v[1]}")
def variant(request):
    return build_demo(*request.param)


def by_agent(data, login: str) -> list[dict]:
    return [c for c in data.conversations if c["agent"] == login]


# --- determinism and arguments ---------------------------------------------------------------

def test_the_same_date_and_seed_give_equal_data(demo):
    assert build_demo(TODAY, 2026) == demo


def test_another_seed_gives_other_conversations(demo):
    other = build_demo(TODAY, 7)
    assert [c["turns"] for c in other.conversations] != [c["turns"] for c in demo.conversations]


def test_a_datetime_counts_as_its_day(demo):
    assert build_demo(datetime(2026, 3, 15, 23, 59)) == demo


@pytest.mark.parametrize("bad", ["2026-03-15", None, 20260315])
def test_a_today_that_is_not_a_date_is_refused(bad):
    with pytest.raises(TypeError, match="today must be a datetime.date"):
        build_demo(bad)


# --- people --------------------------------------------------------------------------------

def test_there_are_an_english_and_a_chinese_team(demo):
    assert sorted((t.name, t.language) for t in demo.teams) == [("London", "en"), ("Shanghai", "zh")]


@pytest.mark.parametrize("role, count", [("agent", 6), ("reviewer", 2), ("lead", 1), ("hr", 1), ("admin", 0)])
def test_the_demo_has_the_issue_s_number_of_users_per_role(demo, role, count):
    assert len(demo.users_with_role(role)) == count


def test_logins_are_unique_and_the_named_staff_exist(demo):
    logins = [u.login for u in demo.users]
    assert len(set(logins)) == len(logins)
    assert {"qa.chen", "qa.taylor", "lead.liu", "hr.zhao", "li.na", "wang.wei", "zhang.min"} <= set(logins)


def test_each_team_has_three_agents_and_the_others_cover_both_teams(demo):
    teams = {t.name for t in demo.teams}
    for team in teams:
        assert len([u for u in demo.users_with_role("agent") if u.team == team]) == 3
    for user in demo.users:
        if user.role == "agent":
            assert user.team in teams and user.covers == ()
        else:
            assert user.team is None and set(user.covers) == teams


def test_every_demo_user_has_the_documented_password(demo):
    assert DEMO_PASSWORD == "qadesk-demo-2026"
    assert {u.password for u in demo.users} == {DEMO_PASSWORD}


# --- conversations: counts and spread --------------------------------------------------------

def test_there_are_at_least_ninety_conversations_half_in_each_language(variant):
    languages = [c["language"] for c in variant.conversations]
    assert len(languages) >= 90
    assert 0.4 <= languages.count("en") / len(languages) <= 0.6


def test_all_queues_and_both_channels_occur_in_each_language(variant):
    for language in ("en", "zh"):
        records = [c for c in variant.conversations if c["language"] == language]
        assert {c["queue"] for c in records} == {"returns", "refunds", "logistics", "complaints"}
        assert {c["channel"] for c in records} == {"chat", "call"}


def test_conversations_are_mostly_chats_with_some_calls(variant):
    assert 0.1 <= share(list(variant.conversations), lambda c: c["channel"] == "call") <= 0.3


def test_conversation_ids_are_unique_and_named_after_the_channel(variant):
    ids = [c["id"] for c in variant.conversations]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(rf"{c['channel']}-\d{{6}}", c["id"]) for c in variant.conversations)


def test_conversations_start_within_the_ninety_days_before_today_and_never_today(variant):
    for c in variant.conversations:
        started = datetime.fromisoformat(c["started_at"])
        assert started.tzinfo is not None, c["id"]
        assert variant.today - timedelta(days=90) <= started.date() < variant.today, c["id"]


def test_conversations_are_spread_over_all_three_months(variant):
    ages = [(variant.today - datetime.fromisoformat(c["started_at"]).date()).days for c in variant.conversations]
    for month in range(3):
        assert sum(1 for a in ages if 30 * month < a <= 30 * (month + 1)) >= 15


# --- conversations: canonical shape -----------------------------------------------------------

def test_every_conversation_has_exactly_the_canonical_fields(variant):
    for c in variant.conversations:
        assert set(c) in (RECORD_KEYS, RECORD_KEYS | {"csat"}), c["id"]
        assert c["channel"] in ("chat", "call") and c["language"] in ("en", "zh")
        assert re.fullmatch(r"c-\d+", c["customer"])
        assert json.loads(json.dumps(c, ensure_ascii=False)) == c


def test_most_conversations_have_a_csat_between_one_and_five(variant):
    scores = [c["csat"] for c in variant.conversations if "csat" in c]
    assert len(scores) >= 0.7 * len(variant.conversations)
    assert all(isinstance(s, int) and 1 <= s <= 5 for s in scores)


def test_every_conversation_has_eight_to_twenty_turns_by_customer_and_agent(variant):
    for c in variant.conversations:
        assert 8 <= len(c["turns"]) <= 20, c["id"]
        assert {t["speaker"] for t in c["turns"]} == {"customer", "agent"}, c["id"]
        assert all(isinstance(t["text"], str) and t["text"].strip() for t in c["turns"])


def test_chat_turns_have_increasing_timestamps_from_the_start_and_none_in_the_future(variant):
    for c in (c for c in variant.conversations if c["channel"] == "chat"):
        times = [datetime.fromisoformat(t["at"]) for t in c["turns"]]
        assert all(set(t) == {"speaker", "text", "at"} for t in c["turns"])
        assert times[0] == datetime.fromisoformat(c["started_at"])
        assert all(a < b for a, b in zip(times, times[1:])), c["id"]
        assert times[-1].date() < variant.today


def test_call_turns_have_start_and_end_seconds_that_never_overlap(variant):
    for c in (c for c in variant.conversations if c["channel"] == "call"):
        assert all(set(t) == {"speaker", "text", "start", "end"} for t in c["turns"])
        spans = [(t["start"], t["end"]) for t in c["turns"]]
        assert spans[0][0] == 0.0
        assert all(start < end for start, end in spans), c["id"]
        assert all(prev_end <= start for (_, prev_end), (start, _) in zip(spans, spans[1:])), c["id"]


def test_every_conversation_belongs_to_an_agent_of_the_team_speaking_its_language(variant):
    team_language = {t.name: t.language for t in variant.teams}
    agents = {u.login: u for u in variant.users_with_role("agent")}
    for c in variant.conversations:
        assert c["agent"] in agents, c["id"]
        assert team_language[agents[c["agent"]].team] == c["language"]


def test_order_numbers_look_like_real_ones(demo):
    texts = " ".join(t["text"] for c in demo.conversations for t in c["turns"])
    assert len(re.findall(r"\b20\d{6}-\d{5}\b", texts)) >= 50
    assert "订单号 " in texts and "order " in texts


def test_texts_vary_between_conversations(demo):
    openings = {c["turns"][0]["text"] for c in demo.conversations}
    whole = {tuple(t["text"] for t in c["turns"]) for c in demo.conversations}
    assert len(openings) >= 70
    assert len(whole) == len(demo.conversations)


# --- conversations: quality mix -----------------------------------------------------------------

def has_forbidden(c: dict) -> bool:
    return any(mentions(t, FORBIDDEN[c["language"]], c["language"]) for t in agent_texts(c))


def test_forbidden_phrases_appear_in_some_conversations_but_not_most(variant):
    assert 0.10 <= share(list(variant.conversations), has_forbidden) <= 0.15


def test_excellent_agents_never_use_a_forbidden_phrase_and_weak_ones_do(variant):
    assert not any(has_forbidden(c) for login in EXCELLENT for c in by_agent(variant, login))
    assert all(any(has_forbidden(c) for c in by_agent(variant, login)) for login in WEAK)


def greets(c: dict) -> bool:
    return any(mentions(t, GREETING[c["language"]], c["language"]) for t in agent_texts(c)[:2])


def closes(c: dict) -> bool:
    return any(mentions(t, CLOSING[c["language"]], c["language"]) for t in agent_texts(c)[-2:])


@pytest.mark.parametrize("login", EXCELLENT)
def test_excellent_agents_always_greet_and_nearly_always_close(variant, login):
    records = by_agent(variant, login)
    assert share(records, greets) == 1.0
    assert share(records, closes) >= 0.8


@pytest.mark.parametrize("login", WEAK)
def test_weak_agents_often_skip_the_greeting_and_the_closing(variant, login):
    records = by_agent(variant, login)
    assert share(records, greets) <= 0.75
    assert share(records, closes) <= 0.7


def empathises_when_upset(c: dict) -> bool:
    return any(mentions(t, EMPATHY[c["language"]], c["language"]) for t in agent_texts(c))


@pytest.mark.parametrize("login, low, high", [("emma.jones", 0.9, 1.0), ("li.na", 0.9, 1.0),
                                              ("priya.patel", 0.0, 0.4), ("zhang.min", 0.0, 0.4)])
def test_empathy_with_upset_customers_follows_the_agent_s_profile(variant, login, low, high):
    upset = [c for c in by_agent(variant, login)
             if any(mentions(t, UPSET[c["language"]], c["language"]) for t in customer_texts(c)[:1])]
    assert upset
    assert low <= share(upset, empathises_when_upset) <= high


def test_customers_of_better_agents_give_better_csat(variant):
    def mean_csat(login):
        return statistics.mean(c["csat"] for c in by_agent(variant, login) if "csat" in c)
    for excellent, average, weak in (("emma.jones", "david.smith", "priya.patel"), ("li.na", "wang.wei", "zhang.min")):
        assert mean_csat(excellent) > mean_csat(average) > mean_csat(weak)


def is_bot(text: str) -> bool:
    """The chat system's automatic greeting, exported under the agent's name."""
    return text.startswith(("[Auto", "【自动回复】"))


def reply_delays(records: list[dict]) -> list[float]:
    delays = []
    for c in (c for c in records if c["channel"] == "chat"):
        for before, after in zip(c["turns"], c["turns"][1:]):
            if before["speaker"] == "customer" and after["speaker"] == "agent" and not is_bot(after["text"]):
                delta = datetime.fromisoformat(after["at"]) - datetime.fromisoformat(before["at"])
                delays.append(delta.total_seconds())
    return delays


@pytest.mark.parametrize("login, low, high", [("emma.jones", 5, 25), ("li.na", 5, 25),
                                              ("priya.patel", 40, 120), ("zhang.min", 40, 120)])
def test_good_agents_reply_in_seconds_and_slow_ones_take_minutes(variant, login, low, high):
    delays = reply_delays(by_agent(variant, login))
    assert all(low <= d <= high for d in delays)


def test_the_excellent_chinese_agent_checks_order_logistics_and_problem(variant):
    """三查三核: 核实订单, 查询物流, 确认问题 in every conversation of li.na."""
    for c in by_agent(variant, "li.na"):
        text = "".join(agent_texts(c))
        assert "订单" in text and "物流" in text and ("确认问题" in text or "核实一下问题" in text), c["id"]


def test_good_conversations_end_positive_and_bad_ones_negative(demo):
    def last_customer_word(c):
        return customer_texts(c)[-1]
    happy = set(text_en.HAPPY_END) | set(text_zh.HAPPY_END)
    angry = set(text_en.NEGATIVE_END) | set(text_zh.NEGATIVE_END)
    for login, pool, least in (("emma.jones", happy, 0.7), ("li.na", happy, 0.7), ("priya.patel", angry, 0.5),
                               ("zhang.min", angry, 0.5)):
        assert share(by_agent(demo, login), lambda c: last_customer_word(c) in pool) >= least


def test_every_conversation_is_accepted_by_the_canonical_reader(variant):
    from transcripts.canonical import conversation_from_dict
    for record in variant.conversations:
        conversation = conversation_from_dict(record)
        assert conversation.external_id == record["id"] and conversation.metadata == {}
        assert len(conversation.turns) == len(record["turns"])


# --- automatic scoring with the shipped scorecards ----------------------------------------------

@pytest.fixture(scope="module")
def evaluations(demo):
    """conversation id -> (record, evaluation) with the real sentiment engines."""
    pytest.importorskip("textblob")
    pytest.importorskip("snownlp")
    from scoring.catalog import shipped_scorecards
    from scoring.engine import evaluate, select_scorecard
    from scoring.sentiment import DefaultSentiment
    from transcripts.canonical import conversation_from_dict
    cards, sentiment, result = shipped_scorecards(), DefaultSentiment(), {}
    for record in demo.conversations:
        conversation = conversation_from_dict(record)
        result[record["id"]] = (record, evaluate(conversation, select_scorecard(conversation, cards), sentiment))
    return result


def mean_score(evaluations, login: str) -> float:
    return statistics.mean(e.score for c, e in evaluations.values() if c["agent"] == login)


@pytest.mark.parametrize("excellent, average, weak", [("emma.jones", "david.smith", "priya.patel"),
                                                      ("li.na", "wang.wei", "zhang.min")])
def test_automatic_scores_rank_each_team_s_agents_ten_points_apart(evaluations, excellent, average, weak):
    assert mean_score(evaluations, excellent) > mean_score(evaluations, average) + 10
    assert mean_score(evaluations, average) > mean_score(evaluations, weak) + 10


def test_the_evaluations_failing_on_a_forbidden_phrase_are_the_ones_holding_it(evaluations):
    # Every forbidden phrase fails professional language or (review-for-refund) the prohibited promises;
    # only those aimed at the customer (blame, review-for-refund) fail the whole evaluation.
    failed = {cid for cid, (_, e) in evaluations.items() if e.auto_fail
              or any(r.criterion_id == "forbidden_phrases" and r.result == "fail" for r in e.criteria)}
    holding = {cid for cid, (c, _) in evaluations.items() if has_forbidden(c)}
    assert failed == holding
    assert set() < {cid for cid, (_, e) in evaluations.items() if e.auto_fail} < holding


def test_every_review_override_contradicts_the_automatic_verdict(demo, evaluations):
    for review in demo.reviews:
        automatic = {r.criterion_id: r.result for r in evaluations[review.external_id][1].criteria}
        for criterion, (result, _comment) in review.overrides.items():
            assert automatic[criterion] != result, (review.external_id, criterion)


def test_the_excellent_chinese_agent_always_checks_order_logistics_and_problem(evaluations):
    # 三查三核 also asks for the solution to be confirmed, which the demo's agents do not always do.
    results = [next(r for r in e.criteria if r.criterion_id == "sancha_sanhe")
               for c, e in evaluations.values() if c["agent"] == "li.na"]
    assert "pass" in {r.result for r in results}
    assert all('missing: "confirm"' in r.explanation for r in results if r.result == "fail")


# --- phrase pools -----------------------------------------------------------------------------

@pytest.mark.parametrize("module, language", [(text_en, "en"), (text_zh, "zh")])
def test_calm_customer_lines_carry_no_upset_marker(module, language):
    """Otherwise a calm conversation would suddenly demand empathy halfway through."""
    lines = [q for q, _good, _curt in module.EXTRA_QA] + module.GIVE_ORDER + module.CUSTOMER_YES
    lines += module.HAPPY_END + module.NEUTRAL_END + module.SARCASTIC_END
    for queue in module.SCENARIOS.values():
        for scenario in queue.values():
            lines += scenario["detail"] + [q for q, _good, _curt in scenario["followups"]]
    assert not [line for line in lines if mentions(line, UPSET[language], language)]


@pytest.mark.parametrize("module, language", [(text_en, "en"), (text_zh, "zh")])
def test_upset_openings_carry_an_upset_marker_and_calm_ones_do_not(module, language):
    for queue in module.SCENARIOS.values():
        for scenario in queue.values():
            assert all(mentions(t, UPSET[language], language) for t in scenario["open_upset"])
            assert not any(mentions(t, UPSET[language], language) for t in scenario["open"])


@pytest.mark.parametrize("module, language", [(text_en, "en"), (text_zh, "zh")])
def test_each_forbidden_line_holds_exactly_one_forbidden_phrase(module, language):
    lines = [line for line, _reaction in module.FORBIDDEN] + [line for _setup, line in module.FALSE_FORBIDDEN]
    for line in lines:
        text = line.lower()
        assert sum(1 for w in FORBIDDEN[language] if w in text) == 1, line


def test_the_sentiment_engines_read_the_endings_as_intended():
    """Happy, neutral and sarcastic endings pass the end-sentiment check (>= -0.05); angry ones fail it."""
    pytest.importorskip("textblob")
    pytest.importorskip("snownlp")
    from scoring.sentiment import DefaultSentiment
    engine = DefaultSentiment()
    for module, language in ((text_en, "en"), (text_zh, "zh")):
        passing = module.HAPPY_END + module.NEUTRAL_END + module.SARCASTIC_END
        assert min(engine.polarity(passing, language)) >= -0.05, language
        assert max(engine.polarity(module.NEGATIVE_END, language)) < -0.05, language


# --- reviews --------------------------------------------------------------------------------

def test_about_twenty_five_conversations_are_reviewed_once(variant):
    ids = [r.external_id for r in variant.reviews]
    assert 20 <= len(ids) <= 30 and len(set(ids)) == len(ids)
    assert set(ids) <= {c["id"] for c in variant.conversations}


def test_reviews_are_by_reviewers_never_the_agent_and_dated_before_today(variant):
    conversations = {c["id"]: c for c in variant.conversations}
    reviewers = {u.login for u in variant.users_with_role("reviewer")}
    for review in variant.reviews:
        conversation = conversations[review.external_id]
        assert review.reviewer in reviewers and review.reviewer != conversation["agent"]
        started = datetime.fromisoformat(conversation["started_at"]).date()
        assert review.days_after >= 0 and started + timedelta(days=review.days_after) < variant.today


def test_both_reviewers_review_and_at_least_one_reviews_both_languages(variant):
    languages = {}
    conversations = {c["id"]: c for c in variant.conversations}
    for review in variant.reviews:
        languages.setdefault(review.reviewer, set()).add(conversations[review.external_id]["language"])
    assert set(languages) == {"qa.chen", "qa.taylor"}
    assert any(len(langs) == 2 for langs in languages.values())


def test_most_reviews_agree_and_overrides_touch_every_default_criterion(variant):
    overridden = [r for r in variant.reviews if r.overrides]
    assert len(overridden) < len(variant.reviews) / 2
    assert {criterion for r in overridden for criterion in r.overrides} == CRITERIA
    for review in overridden:
        for result, comment in review.overrides.values():
            assert result in ("pass", "fail", "na") and len(comment) > 10


def test_override_comments_quote_what_was_actually_said(demo):
    conversations = {c["id"]: c for c in demo.conversations}
    quoted = 0
    for review in demo.reviews:
        for _result, comment in review.overrides.values():
            for quote in re.findall(r'"([^"]+)"|“([^”]+)”', comment):
                text = next(q for q in quote if q)
                assert text in " ".join(t["text"] for t in conversations[review.external_id]["turns"])
                quoted += 1
    assert quoted >= 5


def test_a_bot_only_greeting_is_overridden_to_fail(demo):
    conversations = {c["id"]: c for c in demo.conversations}
    bot_fails = [r for r in demo.reviews if r.overrides.get("greeting", ("",))[0] == "fail"]
    assert len(bot_fails) == 2
    for review in bot_fails:
        first_agent_turn = agent_texts(conversations[review.external_id])[0]
        assert is_bot(first_agent_turn)


# --- training --------------------------------------------------------------------------------

def test_assignments_cover_every_state(variant):
    today = variant.today
    states = set()
    for a in variant.assignments:
        status = a.expected_status(today)
        failed = any(not t.passed for t in a.attempts)
        states.add((status, failed))
    assert {("completed", False), ("completed", True), ("assigned", True), ("assigned", False),
            ("overdue", False)} <= states


def test_about_half_of_the_assignments_are_completed(variant):
    done = share(list(variant.assignments), lambda a: a.expected_status(variant.today) == "completed")
    assert 0.4 <= done <= 0.7


def test_assignments_use_courses_in_the_agent_s_language_and_attempts_end_at_the_pass(variant):
    language = {u.login: {t.name: t.language for t in variant.teams}[u.team] for u in variant.users_with_role("agent")}
    for a in variant.assignments:
        assert a.course_code in COURSES[language[a.agent]]
        assert a.assigned_on < a.due_on
        days = [t.days_after_assignment for t in a.attempts]
        assert days == sorted(days) and all(a.assigned_on + timedelta(days=d) <= variant.today for d in days)
        assert all(not t.passed for t in a.attempts[:-1])
        assert all((t.agent, t.course_code) == (a.agent, a.course_code) for t in a.attempts)


def test_every_demo_course_is_a_shipped_course():
    from training.catalog import load_courses
    shipped = {course.code for course in load_courses()}
    assert {code for codes in COURSES.values() for code in codes} <= shipped


def test_quiz_outcomes_list_every_attempt_of_every_assignment(demo):
    assert len(demo.quiz_outcomes) == sum(len(a.attempts) for a in demo.assignments)
    assert any(o.passed for o in demo.quiz_outcomes) and any(not o.passed for o in demo.quiz_outcomes)


def test_quiz_plan_is_deterministic_and_never_dates_an_attempt_after_today():
    plans = {}
    for agent in ("emma.jones", "david.smith", "zhang.min", "someone.new"):
        for days_ago in range(0, 60, 3):
            assigned = TODAY - timedelta(days=days_ago)
            attempts = quiz_plan(agent, "empathy-en", assigned, TODAY)
            assert attempts == quiz_plan(agent, "empathy-en", assigned, TODAY)
            assert all(1 <= t.days_after_assignment <= days_ago for t in attempts)
            assert all(not t.passed for t in attempts[:-1])
            plans[(agent, days_ago)] = attempts
    kinds = {tuple(t.passed for t in attempts) for attempts in plans.values()}
    assert {(), (True,), (False,), (False, True)} <= kinds


@pytest.mark.parametrize("days_ago", [0, 1, 2])
def test_quiz_plan_leaves_assignments_younger_than_three_days_open(days_ago):
    assert quiz_plan("priya.patel", "compliance-en", TODAY - timedelta(days=days_ago), TODAY) == ()


# --- purity ---------------------------------------------------------------------------------

def test_the_demo_package_imports_no_web_or_database_library():
    banned = {"flask", "flask_sqlalchemy", "sqlalchemy", "wtforms", "flask_wtf", "apscheduler"}
    for path in Path(demo_package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not {n.split(".")[0] for n in names} & banned, f"{path.name} imports {names}"


# --- surveys ----------------------------------------------------------------------------------

def test_the_demo_survey_export_matches_every_row_and_repeats_each_conversation_s_csat(variant):
    from scoring.surveys import Candidate, match_rows, parse_surveys
    from qa_app.demo.surveys import build_survey_csv
    from datetime import time, timezone
    records = variant.conversations
    now = datetime.combine(variant.today, time(6), timezone.utc)
    parsed = parse_surveys(build_survey_csv(records, variant.today), "demo-surveys.csv", now)
    assert parsed.bad == () and parsed.repeated == ()
    candidates = [Candidate(i, r["id"], r["agent"], r["customer"], datetime.fromisoformat(r["started_at"]),
                            r["language"]) for i, r in enumerate(records)]
    by_agent = {}
    for c in candidates:
        by_agent.setdefault(c.agent, []).append(c)
    matched, bad = match_rows(parsed.rows, {c.external_id: c for c in candidates}, by_agent)
    assert bad == ()
    csat = {m.conversation.external_id: m.row.rating for m in matched if m.row.kind == "csat"}
    assert csat == {r["id"]: r["csat"] for r in records if r.get("csat") is not None}
    assert sum(1 for m in matched if m.row.kind == "nps") >= 15
    assert sum(1 for m in matched if m.row.conversation_id is None) >= 5  # matched by customer + agent + date
    languages = {m.conversation.language for m in matched if m.row.comment}
    assert languages == {"en", "zh"}
