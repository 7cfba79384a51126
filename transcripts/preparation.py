"""What happens to every conversation before it is stored: PII redaction, language, metrics."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from transcripts.language import detect_language
from transcripts.metrics import conversation_metrics
from transcripts.model import Conversation
from transcripts.pii import RedactionConfig, redact_conversation


def prepare(conv: Conversation, redaction: Optional[RedactionConfig]) -> Conversation:
    """Redact PII (None: leave the text), detect the language when absent, add metrics.

    Counts of redacted items go in metadata["pii"], metrics in metadata["metrics"]; odd timing
    never costs the conversation (its metrics then say why they are missing).
    """
    meta = dict(conv.metadata)
    if redaction is not None:
        conv, counts = redact_conversation(conv, redaction)
        meta["pii"] = {k: v for k, v in counts.items() if v}
    language = conv.language or detect_language(t.text for t in conv.turns)
    conv = replace(conv, language=language, metadata=meta)
    try:
        meta["metrics"] = conversation_metrics(conv)
    except ValueError as exc:
        meta["metrics"] = {"kind": "none", "error": str(exc)}
    return conv
