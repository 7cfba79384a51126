"""`qadesk intents eval` on small labelled-turn files: both approaches measured, bad lines named."""
from __future__ import annotations

import json

EN = [("greeting", "Hi there, welcome to Kestrel!"), ("greeting", "Hello, thanks for calling Kestrel."),
      ("closing", "Anything else I can help with today?"), ("closing", "Is there anything else you need?"),
      ("promise", "I guarantee the refund will arrive tomorrow."), ("-", "The parcel is at the depot."),
      ("-", "Your refund was issued this morning."), ("-", "Please send a photo of the label."),
      ("empathy", "I'm so sorry, that must be really frustrating."), ("-", "The courier collects on Monday."),
      ("blame", "That's your own fault for not reading the page."), ("-", "I can't guarantee a date.")]
ZH = [("greeting", "您好，欢迎光临"), ("closing", "还有其他可以帮您的吗"), ("-", "物流显示已签收"), ("empathy", "非常抱歉给您带来不便"),
      ("promise", "我保证一定全额退款"), ("-", "请提供订单号"), ("-", "退款已原路退回"), ("greeting", "亲，在的哦"),
      ("closing", "您对处理结果满意吗"), ("-", "这不是您的问题"), ("blame", "是你自己没仔细看")]


def write(path, rows):
    path.write_text("# speaker\tintents\ttext\n" + "".join(f"agent\t{i}\t{t}\n" for i, t in rows), encoding="utf-8")
    return str(path)


def test_intents_eval_measures_rules_and_the_linear_classifier_per_language_and_intent(cli, tmp_path):
    result = cli("intents", "eval", write(tmp_path / "own.tsv", EN + ZH), "--folds", "3", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["n"] == len(EN) + len(ZH) and set(doc["languages"]) == {"en", "zh"}
    greeting = doc["languages"]["en"]["intents"]["greeting"]
    assert greeting["rules"]["positives"] == 2 and greeting["rules"]["recall"] == 1.0
    assert set(greeting["linear"]) >= {"precision", "recall", "f1", "tp", "fp", "fn"}
    assert doc["languages"]["zh"]["intents"]["promise"]["rules"]["tp"] == 1


def test_intents_eval_prints_a_table_and_skips_a_language_with_too_few_turns(cli, tmp_path):
    result = cli("intents", "eval", write(tmp_path / "own.tsv", EN + ZH[:3]), "--folds", "2")
    assert result.exit_code == 0, result.output
    assert "en: 12 turns; per intent precision / recall / F1" in result.output
    assert "zh: 3 turns, skipped (fewer than 10 turns)" in result.output
    assert "closing" in result.output and "rules 1.00 / 1.00 / 1.00" in result.output


def test_intents_eval_names_the_file_and_line_of_a_bad_row(cli, tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("agent\tgreeting\tHello\nagent\tgreetings\tHi\n", encoding="utf-8")
    result = cli("intents", "eval", str(path))
    assert result.exit_code != 0
    assert f"{path}, line 2: unknown intent 'greetings'" in result.output
