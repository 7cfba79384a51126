"""Passwords, PINs, CVVs and one-time codes a customer typed or said never reach the database."""
from __future__ import annotations

import json
from pathlib import Path

from qa_app.services import conversations, ingest
from tests.databases import stored_bytes

# The PIN 4821 is checked in the text: the parcel-locker pickup code 4821 stays on purpose.
SECRETS = ["Hunter2024!", "482913", "四八二九一三", "654321", "七零七", "five five one two"]

CHAT = {"id": "secret-chat-en", "channel": "chat", "agent": "sam.secrets", "language": "en", "turns": [
    {"speaker": "customer", "text": "I can't log in. My password is Hunter2024! and my PIN is 4821",
     "at": "2026-11-10T10:00:00+00:00"},
    {"speaker": "agent", "text": "Sorry about that. I've sent you a code by text, what's the code?",
     "at": "2026-11-10T10:00:20+00:00"},
    {"speaker": "customer", "text": "482913", "at": "2026-11-10T10:00:50+00:00"},
    {"speaker": "agent", "text": "Thanks. What's your order number?", "at": "2026-11-10T10:01:00+00:00"},
    {"speaker": "customer", "text": "20261102", "at": "2026-11-10T10:01:20+00:00"},
    {"speaker": "customer", "text": "I forgot my password last week too; the last four digits are 1234",
     "at": "2026-11-10T10:01:30+00:00"},
]}
CALL = {"id": "secret-call-zh", "channel": "call", "agent": "li.secrets", "language": "zh", "turns": [
    {"speaker": "customer", "text": "验证码是四八二九一三，支付密码是654321", "start": 0.0, "end": 4.0},
    {"speaker": "agent", "text": "请不要告诉任何人您的密码。卡背面的安全码是多少？", "start": 4.5, "end": 8.0},
    {"speaker": "customer", "text": "安全码七零七", "start": 8.5, "end": 10.0},
    {"speaker": "customer", "text": "the security code, um, the one time code is five five one two", "start": 10.5,
     "end": 13.0},
    {"speaker": "customer", "text": "订单号 20261102-58831，取件码 4821", "start": 13.5, "end": 16.0},
]}


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "secrets.ndjson"
    path.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in (CHAT, CALL)) + "\n", encoding="utf-8")
    return path


def test_secrets_are_replaced_before_storage_and_counted_per_type_in_the_metadata(app, tmp_path):
    summary = ingest.ingest_paths([_write(tmp_path)], ingest.IngestOptions(create_agents=True))
    assert summary.ingested == 2 and summary.failed == 0
    chat, call = conversations.by_external_id("secret-chat-en"), conversations.by_external_id("secret-call-zh")
    assert [t.text for t in chat.turns][0::2] == [
        "I can't log in. My password is [PASSWORD] and my PIN is [PIN]", "[OTP]", "20261102"]
    assert chat.meta["pii"] == {"PASSWORD": 1, "PIN": 1, "OTP": 1}
    assert [t.text for t in call.turns] == [
        "验证码是[OTP]，支付密码是[PIN]", "请不要告诉任何人您的密码。卡背面的安全码是多少？", "安全码[CVV]",
        "the security code, um, the one time code is [OTP]", "订单号 20261102-58831，取件码 4821"]
    assert call.meta["pii"] == {"OTP": 2, "PIN": 1, "CVV": 1}
    stored = stored_bytes()  # the SQLite file and journals, or every PostgreSQL row
    for secret in SECRETS:
        assert secret.encode() not in stored, secret
    assert b"the last four digits are 1234" in stored  # allowed and useful: kept


def test_with_redaction_off_the_secrets_are_stored_as_typed(app, tmp_path):
    ingest.ingest_paths([_write(tmp_path)], ingest.IngestOptions(create_agents=True, redaction=None))
    chat = conversations.by_external_id("secret-chat-en")
    assert chat.turns[0].text == CHAT["turns"][0]["text"] and "pii" not in chat.meta


def test_the_qadesk_redaction_setting_governs_secrets_on_the_command_line(cli, tmp_path, monkeypatch):
    path = _write(tmp_path)
    for value, stored in (("off", "Hunter2024!"), ("on", "[PASSWORD]")):
        monkeypatch.setenv("QADESK_REDACTION", value)
        folder = tmp_path / value
        folder.mkdir()
        copy = folder / path.name
        copy.write_text(path.read_text(encoding="utf-8").replace("secret-", f"{value}-"), encoding="utf-8")
        assert cli("ingest", str(copy), "--create-agents", "--json").exit_code == 0
        shown = json.loads(cli("show", f"{value}-chat-en", "--json").stdout)
        assert stored in shown["turns"][0]["text"]
