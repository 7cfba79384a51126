"""Survey files (scoring.surveys): every kind of bad row and what happens to it, the header, matching rules."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from scoring.surveys import (MATCH_WINDOW, BadRow, Candidate, Match, SurveyFileError, SurveyRow, comment_language,
                             match_row, parse_surveys)

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
HEADER = "survey_id,conversation_id,customer,agent,kind,rating,comment,responded_at\n"
GOOD = "S1,c-1,,,csat,4,fine,2026-11-20T10:00:00Z\n"


def parse(body: str, header: str = HEADER, **kw):
    return parse_surveys(header + body, "answers.csv", NOW, **kw)


# (row as written, the reason its bad row gives); each row is line 2 under the header
BAD_ROWS = [
    ("S1,c-1,,,poll,4,,2026-11-20", "kind: must be csat or nps, got 'poll'"),
    ("S1,c-1,,,,4,,2026-11-20", "kind: missing"),
    ("S1,c-1,,,csat,,,2026-11-20", "rating: missing"),
    ("S1,c-1,,,csat,4.5,,2026-11-20", "rating: must be a whole number, got '4.5'"),
    ("S1,c-1,,,csat,-1,,2026-11-20", "rating: must be a whole number, got '-1'"),
    ("S1,c-1,,,csat,good,,2026-11-20", "rating: must be a whole number, got 'good'"),
    ("S1,c-1,,,csat,0,,2026-11-20", "rating: a CSAT rating must be 1 to 5, got 0"),
    ("S1,c-1,,,csat,6,,2026-11-20", "rating: a CSAT rating must be 1 to 5, got 6"),
    ("S1,c-1,,,nps,11,,2026-11-20", "rating: a NPS rating must be 0 to 10, got 11"),
    ("S1,c-1,,,csat,4,,", "responded_at: missing"),
    ("S1,c-1,,,csat,4,,20/11/2026", "responded_at: must be an ISO 8601 date"),
    ("S1,c-1,,,csat,4,,2026-11-31", "responded_at: must be an ISO 8601 date"),
    ("S1,c-1,,,csat,4,,2026-12-01", "responded_at: 2026-12-01 is in the future"),
    ("S1,,,,csat,4,,2026-11-20", "no conversation_id, and not both customer and agent"),
    ("S1,,Ann,,csat,4,,2026-11-20", "no conversation_id, and not both customer and agent"),
    ("S1,c-1,,,csat,4,slow, rude,2026-11-20", "9 cells but the header has 8 columns"),
    ("S1,c-1,,,csat,4," + "x" * 5001 + ",2026-11-20", "comment: longer than 5000 characters"),
    ("S" * 151 + ",c-1,,,csat,4,,2026-11-20", "survey_id: longer than 150 characters"),
]


@pytest.mark.parametrize("row, reason", BAD_ROWS, ids=[r for _, r in BAD_ROWS])
def test_a_bad_row_is_reported_with_its_line_and_reason_and_the_good_rows_stand(row, reason):
    parsed = parse(row + "\n" + GOOD)
    assert len(parsed.bad) == 1
    assert parsed.bad[0].line == 2 and parsed.bad[0].reason.startswith(reason)
    assert [r.line for r in parsed.rows] == [3]


def test_a_row_that_is_not_utf8_is_a_bad_row_of_its_own_line():
    data = (HEADER + GOOD).encode() + b"S2,c-2,,,csat,5,tr\xe8s bien,2026-11-20\n"
    parsed = parse_surveys(data, "answers.csv", NOW)
    assert parsed.bad == (BadRow(3, "the row is not valid UTF-8 text"),)
    assert [r.survey_id for r in parsed.rows] == ["S1"]


def test_a_byte_order_mark_and_crlf_line_ends_are_read_as_plain_utf8():
    data = "\ufeff".encode() + (HEADER + GOOD).replace("\n", "\r\n").encode()
    parsed = parse_surveys(data, "answers.csv", NOW)
    assert parsed.bad == () and parsed.rows[0].survey_id == "S1"


def test_header_names_ignore_case_spaces_and_order_and_unknown_columns_are_ignored():
    header = "Rating, Kind ,Conversation ID,Responded-At,Store\n"
    parsed = parse("5,CSAT,c-9,2026-11-20T08:00:00+08:00,Shanghai\n", header=header)
    row = parsed.rows[0]
    assert (row.kind, row.rating, row.conversation_id) == ("csat", 5, "c-9")
    assert row.responded_at == datetime(2026, 11, 20, 0, 0, tzinfo=timezone.utc) and not row.whole_day


def test_a_date_alone_is_midnight_utc_and_counts_its_whole_day():
    row = parse("S1,c-1,,,nps,10,,2026-11-20\n").rows[0]
    assert row.responded_at == datetime(2026, 11, 20, tzinfo=timezone.utc) and row.whole_day
    assert row.latest_response == datetime(2026, 11, 21, tzinfo=timezone.utc)


@pytest.mark.parametrize("content, message", [
    ("", "empty file"),
    ("\n\n", "empty file"),
    ('{"id": "c-1", "turns": []}\n', "not a survey file: no column kind, rating, responded_at"),
    ("conversation_id,kind,rating\nc-1,csat,4\n", "not a survey file: no column responded_at"),
    ("kind,rating,responded_at\ncsat,4,2026-11-20\n", "no column conversation_id (or customer and agent)"),
    ("kind,rating,responded_at,kind,conversation_id\n", "column kind appears twice"),
    (b"\x89PNG\r\n\x1a\n\xff\xfe", "the header row is not valid UTF-8 text"),
])
def test_a_file_without_a_survey_header_is_refused_naming_the_file(content, message):
    with pytest.raises(SurveyFileError) as caught:
        parse_surveys(content, "answers.csv", NOW)
    assert str(caught.value).startswith("answers.csv: ") and message in str(caught.value)


def test_comments_are_redacted_like_transcripts_and_the_replacements_counted():
    body = 'S1,c-1,,,csat,2,"Card 4111 1111 1111 1111 refused; call +44 7911 123456 or ann@example.com",2026-11-20\n'
    row = parse(body).rows[0]
    assert row.comment == "Card [CARD] refused; call [PHONE] or [EMAIL]"
    assert dict(row.pii) == {"CARD": 1, "PHONE": 1, "EMAIL": 1}


def test_without_a_redaction_config_comments_are_kept_as_written():
    body = "S1,c-1,,,csat,2,mail ann@example.com,2026-11-20\n"
    assert parse(body, redaction=None).rows[0].comment == "mail ann@example.com"


def test_the_survey_id_is_the_key_and_without_one_the_key_is_a_fingerprint_of_the_row():
    with_id, without = parse(GOOD + ",c-1,,,csat,4,fine,2026-11-20T10:00:00Z\n").rows
    assert with_id.source_key == "id:S1"
    assert without.source_key.startswith("sha256:") and len(without.source_key) == 71
    again = parse("\n,c-1,,,csat,4,fine,2026-11-20T10:00:00Z\n").rows[0]
    assert again.source_key == without.source_key  # the same row on another line: the same key


def test_a_row_repeated_in_the_file_is_counted_once_and_a_clashing_survey_id_is_bad():
    parsed = parse(GOOD + GOOD + "S1,c-1,,,csat,2,bad,2026-11-20T10:00:00Z\n")
    assert [r.line for r in parsed.rows] == [2]
    assert parsed.repeated == ((3, 2),)
    assert parsed.bad == (BadRow(4, "survey_id 'S1' is on line 2 too, with other values"),)


def test_a_quoted_comment_may_span_lines_and_the_next_row_keeps_its_own_line_number():
    parsed = parse('S1,c-1,,,csat,4,"two\nlines",2026-11-20\nS2,c-1,,,csat,x,,2026-11-20\n')
    assert parsed.rows[0].comment == "two\nlines"
    assert parsed.bad[0].line == 4


def _row(**kw) -> SurveyRow:
    base = dict(line=2, kind="csat", rating=4, responded_at=datetime(2026, 11, 20, 12, tzinfo=timezone.utc),
                source_key="id:S1")
    return SurveyRow(**{**base, **kw})


def _conv(cid: int, started: datetime, agent: str = "ann", customer: str = "Bo Li") -> Candidate:
    return Candidate(cid, f"c-{cid}", agent, customer, started)


RESPONSE = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


def test_a_row_with_a_conversation_id_matches_that_conversation():
    conv = _conv(1, RESPONSE - timedelta(days=10))
    assert match_row(_row(conversation_id="c-1"), {"c-1": conv}, {}) == Match(_row(conversation_id="c-1"), conv)


@pytest.mark.parametrize("row, reason", [
    (_row(conversation_id="c-2"), "conversation_id: no conversation with id 'c-2'"),
    (_row(conversation_id="c-1", agent="bob"), "agent: conversation c-1 is ann's, not bob's"),
    (_row(conversation_id="c-1", customer="Someone"), "customer: conversation c-1 is with another customer"),
    (_row(conversation_id="c-1", responded_at=RESPONSE - timedelta(hours=2)), "responded_at: before conversation c-1"),
])
def test_a_row_naming_a_conversation_that_does_not_fit_is_bad(row, reason):
    conv = _conv(1, RESPONSE - timedelta(hours=1))
    found = match_row(row, {"c-1": conv}, {})
    assert isinstance(found, BadRow) and found.reason.startswith(reason)


def test_customer_agent_and_date_match_the_one_conversation_started_in_the_window_before_the_answer():
    inside = _conv(1, RESPONSE - MATCH_WINDOW + timedelta(minutes=1), customer=" bo li ")
    others = [_conv(2, RESPONSE - MATCH_WINDOW - timedelta(minutes=1)),  # too early
              _conv(3, RESPONSE + timedelta(minutes=1)),  # after the answer
              _conv(4, RESPONSE - timedelta(hours=1), customer="Other")]
    found = match_row(_row(customer="Bo Li", agent="ann"), {}, {"ann": [inside, *others]})
    assert isinstance(found, Match) and found.conversation.id == 1


def test_a_date_alone_matches_a_conversation_later_that_day():
    conv = _conv(1, datetime(2026, 11, 20, 18, tzinfo=timezone.utc))
    row = _row(customer="Bo Li", agent="ann", responded_at=datetime(2026, 11, 20, tzinfo=timezone.utc), whole_day=True)
    assert isinstance(match_row(row, {}, {"ann": [conv]}), Match)


def test_no_candidate_or_several_candidates_make_a_bad_row_that_says_so():
    row = _row(customer="Bo Li", agent="ann")
    none = match_row(row, {}, {"ann": []})
    assert isinstance(none, BadRow) and none.reason.startswith("no conversation of agent ann with customer 'Bo Li'")
    two = match_row(row, {}, {"ann": [_conv(1, RESPONSE - timedelta(hours=5)), _conv(2, RESPONSE - timedelta(hours=2))]})
    assert isinstance(two, BadRow) and two.reason.startswith("2 conversations of agent ann")
    assert "(c-1, c-2); give the conversation_id" in two.reason


@pytest.mark.parametrize("comment, conversation_language, expected", [
    ("谢谢，很满意", "en", "zh"), ("Very helpful", "zh", "en"), ("👍 10/10", "zh", "zh"), ("!!!", None, "en"),
])
def test_a_comment_is_read_in_its_own_script_else_its_conversation_s_language(comment, conversation_language, expected):
    assert comment_language(comment, conversation_language) == expected
