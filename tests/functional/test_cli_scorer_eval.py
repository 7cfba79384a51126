"""`qadesk scorer eval CONVERSATIONS LABELS` through the real CLI: figures, missing ids, --in-place,
bad labels files, and one run on the qa_dev development set when it is present."""
from __future__ import annotations

import json

import pytest
import yaml

from tests.conftest import ROOT, SHARED_DATA
from tests.databases import outside

QA_DEV = SHARED_DATA / "qa_dev"


def chat(cid: str, language: str, turns: list[tuple[str, str]]) -> dict:
    return {"id": cid, "channel": "chat", "agent": f"eval.agent.{language}", "language": language,
            "queue": "logistics", "started_at": "2026-11-10T10:00:00+00:00",
            "turns": [{"speaker": s, "text": t, "at": f"2026-11-10T10:00:{10 * i:02d}+00:00"}
                      for i, (s, t) in enumerate(turns)]}


CONVERSATIONS = [
    chat("en-greets", "en", [("customer", "Where is my parcel?"),
                             ("agent", "Hello, thank you for contacting us! Let me check that for you."),
                             ("agent", "It arrives tomorrow. Is there anything else I can help you with?"),
                             ("customer", "No, thank you, that's great!")]),
    chat("en-curt", "en", [("customer", "Where is my parcel?"), ("agent", "Order number."),
                           ("customer", "A-123"), ("agent", "Tomorrow.")]),
    chat("en-unlabelled", "en", [("customer", "Hi"), ("agent", "Hello, how can I help you today?")]),
    chat("zh-greets", "zh", [("customer", "我的快递到哪了？"), ("agent", "您好，很高兴为您服务，我帮您查一下。"),
                             ("agent", "明天送到。请问还有其他可以帮您的吗？"), ("customer", "好的，谢谢")]),
    chat("zh-curt", "zh", [("customer", "我的快递到哪了？"), ("agent", "订单号。"),
                           ("customer", "A-123"), ("agent", "明天。")]),
]
WIDE = [0, 100]  # a band every score is inside
LABELS = {
    "en-greets": {"verdict": "good", "expected_score_band": WIDE, "auto_fail": False,
                  "criteria": {"greeting": "pass", "three_checks": "na"}, "why": "greets and closes"},
    # labelled "pass" on purpose: the agent does not greet, so the product disagrees
    "en-curt": {"verdict": "bad", "expected_score_band": WIDE, "auto_fail": False,
                "criteria": {"greeting": "pass", "three_checks": "na"}, "why": "curt but the label says greeted"},
    "zh-greets": {"verdict": "good", "expected_score_band": WIDE, "auto_fail": False,
                  "criteria": {"greeting": "pass"}, "why": "问候并结束语"},
    "zh-curt": {"verdict": "bad", "expected_score_band": WIDE, "auto_fail": False,
                "criteria": {"greeting": "fail"}, "why": "没有问候"},
    "ghost": {"verdict": "good", "why": "no such conversation"},
}


@pytest.fixture
def files(tmp_path):
    conversations = tmp_path / "conversations.ndjson"
    conversations.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in CONVERSATIONS), "utf-8")
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps(LABELS, ensure_ascii=False, indent=1), "utf-8")
    return str(conversations), str(labels)


def run_json(cli, *args: str) -> dict:
    result = cli("scorer", "eval", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def stored_conversations(instance_dir) -> int:
    return outside(instance_dir, "SELECT count(*) FROM conversation")


def test_scorer_eval_reports_greeting_accuracy_kappa_and_confusion_per_language(cli, files):
    doc = run_json(cli, *files)
    assert (doc["conversations"], doc["labels"], doc["compared"]) == (5, 5, 4)
    greeting = {name: doc["groups"][name]["criteria"]["greeting"] for name in ("en", "zh", "all")}
    assert (greeting["all"]["n"], greeting["all"]["accuracy"]) == (4, 0.75)
    assert greeting["all"]["kappa"] == pytest.approx(0.5)
    assert greeting["all"]["confusion"] == {"classes": ["pass", "fail", "na"], "rows": "label", "columns": "product",
                                            "counts": [[2, 1, 0], [0, 1, 0], [0, 0, 0]]}
    assert (greeting["en"]["accuracy"], greeting["zh"]["accuracy"], greeting["zh"]["kappa"]) == (0.5, 1.0, 1.0)
    assert doc["groups"]["en"]["criteria"]["three_checks"]["accuracy"] == 1.0  # no 三查三核 in English: na


def test_scorer_eval_reports_score_gap_auto_fail_and_verdicts_consistently_with_its_disagreements(cli, files):
    doc = run_json(cli, *files)
    overall = doc["groups"]["all"]
    assert overall["score_gap"] == {"n": 4, "mean": 0.0, "in_band": 4, "in_band_share": 1.0}
    wrong = {d["figure"]: sum(x["figure"] == d["figure"] for x in doc["disagreements"]) for d in doc["disagreements"]}
    assert overall["verdict"]["n"] == 4
    assert overall["verdict"]["agreeing"] == 4 - wrong.get("verdict", 0)
    assert (overall["auto_fail"]["tp"], overall["auto_fail"]["fn"]) == (0, 0)
    assert overall["auto_fail"]["fp"] == wrong.get("auto_fail", 0)


def test_a_disagreement_shows_the_products_evidence_and_explanation_and_the_labels_why(cli, files):
    doc = run_json(cli, *files)
    (found,) = [d for d in doc["disagreements"] if d["figure"] == "greeting"]
    assert (found["conversation"], found["language"], found["label"], found["product"]) == \
        ("en-curt", "en", "pass", "fail")
    assert found["explanation"].startswith("greeting: ")
    assert found["why"] == "curt but the label says greeted"


def test_ids_missing_on_either_side_are_reported_and_the_text_report_names_them(cli, files):
    doc = run_json(cli, *files)
    assert doc["labels_without_conversation"] == ["ghost"]
    assert doc["conversations_without_label"] == ["en-unlabelled"]
    text = cli("scorer", "eval", *files)
    assert text.exit_code == 0, text.output
    assert "labelled but not among the conversations (1): ghost" in text.stdout
    assert "conversations without a label (1): en-unlabelled" in text.stdout
    assert "[zh] 2 conversations" in text.stdout and "label why: curt but the label says greeted" in text.stdout


def test_a_scratch_run_leaves_the_current_instance_untouched(cli, files, instance_dir):
    run_json(cli, *files)
    assert stored_conversations(instance_dir) == 0


def test_in_place_stores_the_conversations_once_and_matches_them_by_id_on_the_next_run(cli, files, instance_dir):
    first = run_json(cli, *files, "--in-place", "--create-agents")
    second = run_json(cli, *files, "--in-place")
    assert (first["ingest"]["ingested"], second["ingest"]["ingested"], second["ingest"]["duplicates"]) == (5, 0, 5)
    assert stored_conversations(instance_dir) == 5
    assert second["groups"] == first["groups"] and second["compared"] == 4


def test_in_place_without_create_agents_reports_unknown_agents_instead_of_dropping_them(cli, files, instance_dir):
    doc = run_json(cli, *files, "--in-place")
    assert doc["ingest"]["failed"] == 5 and "eval.agent" in doc["ingest"]["errors"][0]["error"]
    assert doc["compared"] == 0 and len(doc["labels_without_conversation"]) == 5


def test_scorecards_instance_measures_copies_of_this_instances_active_scorecards_and_stores_nothing(
        cli, files, tmp_path, instance_dir):
    card = yaml.safe_load((ROOT / "scoring" / "scorecards" / "ecommerce-chat-en.yaml").read_text("utf-8"))
    greeting = next(c for s in card["sections"] for c in s["criteria"] if c["id"] == "greeting")
    greeting["check"] = {"type": "phrases_present", "label": "greeting", "speaker": "agent",
                         "within_first_agent_turns": 2, "phrases": ["order number"]}
    edited = tmp_path / "ecommerce-chat-en.yaml"
    edited.write_text(yaml.safe_dump(card, allow_unicode=True), "utf-8")
    assert cli("scorecard", "import", str(edited)).exit_code == 0
    doc = run_json(cli, *files, "--scorecards", "instance")
    assert doc["scorecards"] == "instance_copy"
    assert [d["conversation"] for d in doc["disagreements"] if d["figure"] == "greeting"] == ["en-greets"]
    assert stored_conversations(instance_dir) == 0


def test_a_mapping_file_replaces_the_default_mapping(cli, files, tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("greeting: closing\nthree_checks: sancha_sanhe\n", "utf-8")
    doc = run_json(cli, *files, "--mapping", str(mapping))
    assert doc["mapping"] == {"greeting": ["closing"], "three_checks": ["sancha_sanhe"]}
    assert list(doc["groups"]["all"]["criteria"]) == ["greeting", "three_checks", "customer_sentiment_end"]


@pytest.mark.parametrize("text, message", [
    ('{"en-greets": {"criteria": {"greeting": "maybe"}}}', "line 1 (label 'en-greets'), field 'criteria.greeting'"),
    ('{"en-greets": {"verdict": "good"},\n "en-curt": {"verdict": "fine"}}', "line 2 (label 'en-curt'), field 'verdict'"),
    ('{"en-greets": {"verdict": "good"', "line 1, column"),
])
def test_a_bad_labels_file_fails_with_an_error_naming_the_file_and_the_field(cli, files, tmp_path, text, message):
    bad = tmp_path / "bad-labels.json"
    bad.write_text(text, "utf-8")
    result = cli("scorer", "eval", files[0], str(bad))
    assert result.exit_code == 1
    assert f"{bad}, {message}" in result.output


def test_a_bad_mapping_file_fails_naming_it(cli, files, tmp_path):
    bad = tmp_path / "mapping.yaml"
    bad.write_text("greeting: []\n", "utf-8")
    result = cli("scorer", "eval", *files, "--mapping", str(bad))
    assert result.exit_code == 1 and f"{bad}, criterion 'greeting'" in result.output


@pytest.mark.slow
def test_scorer_eval_completes_on_the_qa_dev_set_with_every_figure(cli):
    if not (QA_DEV / "labels.json").is_file():
        pytest.skip(f"the qa_dev development set is not at {QA_DEV}")
    doc = run_json(cli, str(QA_DEV / "conversations.ndjson"), str(QA_DEV / "labels.json"))
    assert (doc["conversations"], doc["compared"], doc["labels_without_conversation"]) == (80, 80, [])
    for name, n in (("en", 40), ("zh", 40), ("all", 80)):
        group = doc["groups"][name]
        assert group["n"] == n
        assert {"accuracy", "kappa", "confusion"} <= set(group["verdict"])
        assert {"precision", "recall"} <= set(group["auto_fail"]) and group["score_gap"]["n"] == n
        assert set(group["criteria"]) >= {"greeting", "empathy", "forbidden_language", "data_handling", "escalation",
                                          "closing", "three_checks", "return_policy", "customer_sentiment_end"}
