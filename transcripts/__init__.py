"""Transcripts: the conversation model, format parsers and (later) speech-to-text and PII redaction."""
