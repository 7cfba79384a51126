"""Every automatic explanation the scorer writes, as an English template with named fields.

The checks fill these with `.format(name=...)` (compiled once to the f-string each stands for);
the stored text is English, byte for byte what the checks wrote before (old rows and new ones read
the same). The catalogue extracts every template (`N_`, a pybabel keyword), and
the web shell (qa_app.explanations) turns a stored explanation back into its templates and fields
to show it in the reader's language. So a field's shape matters: FIELD_PATTERNS says what text a
field may hold when it is read back; a field written inside quotation marks, and the fields in
DATA_FIELDS, are user data (phrases, customer words, metadata) and are never translated; other
fields may hold another template's text (a turn, a count, a window) and are read recursively, or a
shipped scorecard's words (a label), which the catalogue translates.

Pure: no Flask, no Babel. A new explanation: add its template here, use it, and translate it.
"""
from __future__ import annotations

import re

#: A field of a template: "{name}", "{name:.2f}", "{name!r}".
FIELD = re.compile(r"\{(\w+)(?:![rsa])?(?::[^{}]*)?\}")


class Template(str):
    """A template with fields: the English text itself (a str, the catalogue's msgid) whose `format`
    is compiled once to the f-string it stands for, so filling it costs what that f-string did (a
    check writes several explanations per conversation; str.format parses the text every time)."""

    def __reduce__(self):
        return str, (str(self),)  # pickled and copied as the plain text


def N_(message: str) -> str:
    """Marks `message` for the translation catalogue (pybabel's N_ keyword); returns the text, as a
    Template when it has fields (same text, faster `format`)."""
    names = sorted({m.group(1) for m in FIELD.finditer(message)})
    if not names:
        return message
    template = Template(message)
    # The text is one of this module's constants, never input: compiling it is safe.
    template.format = eval(f"lambda *, {', '.join(names)}: f{message!r}")  # noqa: S307
    return template


# ---------------------------------------------------------------- fragments (scoring.checks.base)
TURN = N_("turn {number}")
QUOTED_MORE = N_("{shown} and {count} more")
IGNORED = N_("(ignored: {items})")
IGNORED_MORE = N_("(ignored: {items} and {count} more)")
IGNORED_ITEM = N_('"{phrase}" in {turn}: {reason}')
AND_MORE = N_("and {counted}")
JOINED = N_("{first}; {rest}")
LISTED = N_("{first}, {rest}")
APPLIED = N_("{explanation} ({applied})")

# Counted nouns (scoring.checks.base.plural): the singular and the plural form of each.
COUNTED = {
    "agent turn": (N_("{count} agent turn"), N_("{count} agent turns")),
    "customer turn": (N_("{count} customer turn"), N_("{count} customer turns")),
    "any turn": (N_("{count} any turn"), N_("{count} any turns")),
    "more turn": (N_("{count} more turn"), N_("{count} more turns")),
    "more customer turn": (N_("{count} more customer turn"), N_("{count} more customer turns")),
    "agent response": (N_("{count} agent response"), N_("{count} agent responses")),
    "hold": (N_("{count} hold"), N_("{count} holds")),
    "more hold": (N_("{count} more hold"), N_("{count} more holds")),
    "announced hold": (N_("{count} announced hold"), N_("{count} announced holds")),
    "more silence": (N_("{count} more silence"), N_("{count} more silences")),
    "time": (N_("{count} time"), N_("{count} times")),
}

# Why a phrase is not the speaker's own words (scoring.speech.own_words).
QUOTED_SPEECH = N_("quoted")
NEGATED_BY = N_("negated by '{cue}'")
REPORTED_SPEECH = N_("reported speech: '{report}'")

# ---------------------------------------------------------------- windows and speakers
SPEAKER_AGENT = N_("agent")
SPEAKER_CUSTOMER = N_("customer")
FIRST_AGENT_TURN = N_("the first agent turn")
FIRST_AGENT_TURNS = N_("the first {count} agent turns")
LAST_AGENT_TURN = N_("the last agent turn")
LAST_AGENT_TURNS = N_("the last {count} agent turns")
ANY_AGENT_TURN = N_("any agent turn")
ANY_CUSTOMER_TURN = N_("any customer turn")
ANY_SPEAKER_TURN = N_("any {speaker} turn")
NO_SPEAKER_TURN_WITH_TEXT = N_("no {speaker} turn with text")
NO_AGENT_TURN_WITH_TEXT = N_("no agent turn with text")
NO_CUSTOMER_TURN_WITH_TEXT = N_("no customer turn with text")
NO_CUSTOMER_TURN = N_("no customer turn")
NO_AGENT_TURN = N_("no agent turn")
REQUIRED_PHRASE = N_("required phrase")
FORBIDDEN_PHRASE = N_("forbidden phrase")
STEPS = N_("steps")

# ---------------------------------------------------------------- phrases (scoring.checks.phrases)
EVERY_FOUND = N_("every {label} found in {where}")
MISSING_IN = N_("{label} missing in {where}: {missing}{ignored}")
PHRASE_IN_TURN = N_('{label} "{phrase}" in {turn}')
NO_LABEL_IN = N_("no {label} in {where}{ignored}")
NOT_UPSET = N_("the customer was not upset")
UPSET_AFTER_LAST = N_("the customer was upset ({reason}) only after the last {speaker} turn")
UPSET_AFTER_WINDOW = N_("the customer was upset ({reason}) after {where}")
AFTER_UPSET = N_("the agent turns after the customer was upset ({reason}, {turn})")
UPSET_MARKER = N_('"{phrase}"')
SENTIMENT_VALUE = N_("sentiment {value:.2f}")
SENTIMENT_KIND = N_("sentiment {value:.2f}, {kind}")
NO_LABEL_IN_TURNS = N_("no {label} in {counted}{ignored}")
FORBIDDEN_FOUND = N_('{label} "{phrase}"{group} in {turn}{more}')
ALL_STEPS_IN_ORDER = N_("all steps in order: {steps}")
STEP_AT = N_("{name} ({turn})")
MISSING_OR_OUT_OF_ORDER = N_("missing or out of order: {missing}")

# The customer's mood (scoring.mood): its label, the turn kinds and why the end reads as it does.
MOOD_POSITIVE = N_("positive")
MOOD_NEUTRAL = N_("neutral")
MOOD_NEGATIVE = N_("negative")
KIND_EXASPERATED = N_("exasperated")
KIND_WORRIED = N_("worried")
KIND_DECLINED_WARMLY = N_("declined warmly")
KIND_DECLINED = N_("declined")
KIND_BARE_DECLINE = N_("bare decline")
KIND_THANKS = N_("thanks")
KIND_FLAT = N_("flat")
KIND_PLAIN = N_("plain")
MOOD_BARE_REPLY = N_("a bare reply after a {kind} turn")
MOOD_LAST_TURN = N_("{kind} last turn")

# ---------------------------------------------------------------- feelings (scoring.checks.feelings)
NO_SENTIMENT_FOR_TURN = N_("no sentiment score for {turn}")
CUSTOMER_END = N_("customer sentiment at the end is {value:.2f} (minimum {limit:.2f}): {label}, {why}")
FEWER_THAN_TWO_CUSTOMER_TURNS = N_("fewer than two customer turns with text")
NO_SENTIMENT_CUSTOMER = N_("no sentiment score for the customer turns")
SENTIMENT_WENT = N_("customer sentiment went from {before:.2f} to {after:.2f}")
NO_SENTIMENT_AGENT = N_("no sentiment score for the agent turns")
NO_AGENT_TURN_BELOW = N_("no agent turn below {limit:.2f} in {counted}")
AGENT_SENTIMENT = N_("agent sentiment {value:.2f} in {turn}{more} (minimum {limit:.2f})")

# ---------------------------------------------------------------- compliance (scoring.checks.compliance)
NO_SENSITIVE_REQUEST = N_("no request for sensitive data in {counted}{ignored}")
ASKED_FOR_ITEM = N_('the agent asked for "{item}" in {turn}{more}')
NO_ESCALATION_ASKED = N_("the customer did not ask for escalation")
ESCALATION_AFTER_LAST = N_("the customer asked for escalation ({turn}) after the last agent turn")
ESCALATION_OFFERED = N_('escalation "{phrase}" offered in {turn}')
THE_NEXT = N_("the next {counted}")
ANY_LATER_AGENT_TURN = N_("any later agent turn")
ESCALATION_REFUSED = N_('the customer asked ("{asked}", {turn}) and the agent refused ("{phrase}", {refused_turn})')
ESCALATION_IGNORED = N_('the customer asked ("{asked}", {turn}) but no escalation was offered in {where}')
ALL_COVERED = N_("{label}: all covered: {steps}")
STEPS_MISSING = N_("{label}: missing: {missing}{vague}")
STEPS_MISSING_OR_OUT_OF_ORDER = N_("{label}: missing or out of order: {missing}{vague}")
STEP_CONFIRM = N_("confirm")
ONLY_VAGUELY = N_('; {name} only vaguely ("{hedge}" in {turn})')

# ---------------------------------------------------------------- preconditions (scoring.checks.preconditions)
GATE_CANCELLED = N_('{what}: no ("{phrase}" in {turn})')
GATE_NONE_OF = N_("{what}: no (none of {phrases})")
GATE_NO_ORDER = N_("{what}: no (no specific order is referred to)")
GATE_SAID = N_('{what}: "{phrase}" in {turn}')
RETURN_IN_PLAY = N_("return or exchange in play")
ORDER_PROBLEM = N_("after-sales order problem")
NO_MANAGER_ASKED = N_("the customer did not ask for a manager or to complain")
ESCALATION_ASKED = N_('the customer asked for escalation: "{phrase}" in {turn}')
CHANNEL = N_("channel {channel}")
ONLY_FOR_CHANNELS = N_("only for {channels} (this is a {channel})")

# ---------------------------------------------------------------- triggers (scoring.checks.triggers)
NOT_MENTIONED = N_("the customer did not mention {phrases}")
MENTIONED = N_('{explanation} (customer mentioned "{phrase}" in {turn})')
NO_TRIGGER = N_("no customer turn matched the markers or was negative enough")
TRIGGER_AFTER_LAST = N_("the customer's {turn} ({reason}) came after the last agent turn")
WITHIN = N_("within {counted}")
ANSWERED_ALL = N_("{label} {within} after {counted} that needed it")
ANSWERED_MISSED = N_("no {label} {within} after the customer's {turn} ({reason}){more}; "
                     "{answered} of {episodes} answered")

# ---------------------------------------------------------------- abandonment (scoring.checks.abandonment)
A_QUESTION = N_("a question")
A_COMPLAINT = N_('a complaint ("{phrase}")')
A_NUDGE = N_("a nudge for the agent")
AGENT_ANSWERED_LAST = N_("the agent answered the customer's last turn")
SINCE_LAST_AGENT_TURN = N_("after the agent's last turn ({turn})")
NO_AGENT_TURN_AT_ALL = N_("and no agent turn at all")
TURN_IS = N_("; {turn} is {reason}")
NEVER_ANSWERED = N_("{counted} never answered {since}{because}")
LAST_TURN_NEEDS_NO_ANSWER = N_("the customer's last turn needs no answer ({texts})")
LAST_TURNS_NEED_NO_ANSWER = N_("the customer's last {count} turns need no answer ({texts})")
FEWER_THAN = N_("{counted} {since}, fewer than {most} and none asks or complains")

# ---------------------------------------------------------------- calls (scoring.checks.calls)
NO_TIMES = N_("no turn has start and end times (not a timed call)")
UNUSABLE_TIMES = N_("unusable turn times: {error}")
HOLDS_EXCUSED = N_("({counted} excused)")
NO_LONG_SILENCE = N_("no unannounced silence over {limit} s{excused}")
SILENCE = N_("{seconds} s of silence after {turn} with no hold announced{more} (limit {limit} s){excused}")
HOLD_WITHOUT_RETURN = N_("the hold in {turn} has no later agent turn")
NO_HOLD = N_("the agent announced no hold")
THANKED_AFTER_HOLDS = N_("the customer was thanked after {counted}")
NOT_THANKED = N_("no thanks for waiting in {turn} after the hold in {hold_turn}{more}")
OVERTALK_NEEDS_TURNS = N_("overtalk needs timed agent and customer turns")
LIMIT_SECONDS = N_("limit {seconds} s")
LIMIT_TIMES = N_("limit {counted}")
OVERTALK = N_("overtalk {seconds} s, {counted}")
NO_TIMED_SPEECH = N_("no timed agent or customer speech")
TALK_RATIO = N_("the agent talked {ratio} of the time (allowed {low} to {high})")  # percentages

# ---------------------------------------------------------------- timing (scoring.checks.timing)
LATE_BUT_PARTIAL = N_("late but within the partial-credit band: {reason}")
PARTIAL_CREDIT = N_("partial credit {score:.2f} (none from {until} x the limit)")
NO_AGENT_REPLY = N_("no agent reply after the customer's first message ({turn})")
NO_FIRST_TIMESTAMPS = N_("no timestamps on the first customer turn and the agent's reply")
MIXED_TIMESTAMPS = N_("timestamps mix time zones and local times")
REPLY_BEFORE = N_("the agent's reply ({turn}) is timestamped before the customer's turn")
FIRST_RESPONSE = N_("first response after {seconds} s (limit {limit} s)")
NO_CHAT_TIMES = N_("no timestamps (response times need chat times)")
NO_AGENT_RESPONSE = N_("no agent response to a customer message")
ALL_RESPONSES_WITHIN = N_("all {counted} within {limit} s (slowest {slowest} s)")
RESPONSES_WITHIN = N_("{on_time} of {counted} within {limit} s; slowest {slowest} s ({turn} answering {asked_turn})")
LATE_CREDIT = N_("credit {score:.2f} (late responses earn less, none from {until} x the limit)")
NOT_A_TIME = N_("{where}.{name} is not a date and time ({given})")
MIXED_TICKET_TIMES = N_("{where} mixes times with and without a time zone")
NO_TICKET = N_("no ticket in the conversation's metadata ({key})")
NOT_A_MAPPING = N_("metadata.{key} is not a mapping")
TICKET_TYPE = N_("the ticket type {type} is not one of {types}")
NO_OPENED_AT = N_("{where} has no opened_at")
BEFORE_OPENED = N_("{where}.{stage} is before opened_at")
STAGE_AFTER = N_("{stage} after {hours} h (limit {limit} h)")
NO_STAGE = N_("no {stage} although {limit} h have passed")
NO_STAGES = N_("{where} has none of {stages} yet")
LATE = N_("late: {stages}")

# ---------------------------------------------------------------- intents (scoring.checks.intents)
INTENT_SAID = N_('{intent} intent ({confidence:.2f}) in {turn}: "{phrase}"')
NO_INTENT_TURN = N_("no customer turn with {intent} intent")
UPSET_AT = N_("the customer was upset ({reason}, {turn})")
WHERE_AFTER = N_("{where} after {start}")
NO_SPEAKER_TURN_IN = N_("no {speaker} turn in {where}")
SAID_IN = N_("{said} in {where}")
SAID_AFTER = N_("{said} (after {start})")
NO_INTENT_IN = N_("no {intent} intent in {where} (minimum confidence {limit:.2f})")
NO_INTENTS_IN = N_("no {intents} intent in {counted}{also}")
ALSO = N_("; {explanation}")
SAID_MORE = N_("{said} and {counted}")
EITHER = N_("{first} or {rest}")

# The intents' names as explanations show them (scoring.intents.INTENTS, "_" as a space).
INTENT_GREETING = N_("greeting")
INTENT_EMPATHY = N_("empathy")
INTENT_BLAME = N_("blame")
INTENT_ABUSE = N_("abuse")
INTENT_PROFANITY = N_("profanity")
INTENT_SARCASM = N_("sarcasm")
INTENT_DISMISSAL = N_("dismissal")
INTENT_PROMISE = N_("promise")
INTENT_REVIEW_FOR_REWARD = N_("review for reward")
INTENT_ESCALATION_OFFER = N_("escalation offer")
INTENT_ESCALATION_REFUSAL = N_("escalation refusal")
INTENT_CLOSING = N_("closing")
INTENT_ESCALATION_REQUEST = N_("escalation request")
INTENT_UPSET = N_("upset")

# ---------------------------------------------------------------- the total (scoring.formula)
FAILED = N_("failed")

#: Fields holding numbers ("3", "0.25", "40%").
NUMBER_FIELDS = frozenset({
    "number", "count", "value", "limit", "before", "after", "seconds", "slowest", "ratio", "low", "high",
    "score", "until", "hours", "on_time", "answered", "episodes", "most", "confidence",
})
#: Fields holding user data (scorecard phrases, conversation text, metadata): never translated. Other
#: fields that no template reads (a scorecard's label or step name) are looked up in the catalogue.
DATA_FIELDS = frozenset({"texts", "stage", "stages",
                         "key", "type", "types", "error", "given", "cue", "report", "item", "asked", "hedge",
                         "group"})
#: What an optional suffix field may hold when it is read back (an empty text, or its template's).
FIELD_PATTERNS = {
    "more": r"(?: and \d+ more [a-z ]+?)?",
    "ignored": r"(?: \(ignored: .+\))?",
    "group": r"(?: \([a-z0-9 ]+\))?",
    "excused": r"(?: \(\d+ announced holds? excused\))?",
    "because": r"(?:; turn \d+ is .+)?",
    "also": r"(?:; .+)?",
    "vague": r"(?:; .+ only vaguely \(.+\))*",
    "number": r"\d+",
    "since": r"(?:after the agent's last turn \(turn \d+\)|and no agent turn at all)",
}

def templates() -> tuple[str, ...]:
    """Every template of this module, in the order they are declared."""
    found: list[str] = []
    for name, value in globals().items():
        if name.isupper() and isinstance(value, str):
            found.append(value)
        elif name == "COUNTED":
            found.extend(form for pair in value.values() for form in pair)
    return tuple(found)


def fields_of(template: str) -> tuple[str, ...]:
    """The names of the template's fields, in order ("{label} in {where}" -> ("label", "where"))."""
    return tuple(m.group(1) for m in FIELD.finditer(template))
