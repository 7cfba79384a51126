"""Why a course was assigned: every reason the rules and the services write, as an English template
with named fields (see scoring.explanations, whose conventions these follow).

Reasons are stored in English with the assignment; the web shell (qa_app.explanations) reads a
stored one back into these templates to show it in the reader's language. Conversation labels,
logins, course, path and certificate codes are user data and stay as written.
"""
from __future__ import annotations

from scoring.explanations import N_

# ---------------------------------------------------------------- the rules (training.rules)
ON_CONVERSATION = N_("on conversation {conversation}")
CRITICAL_FAILURE = N_("critical failure {where}")
CRITICAL_FAILURE_NAMED = N_("critical failure {where} (failed: {criteria})")
CONDITION_ON = N_("{phrase} {where}")
SCORE_BELOW = N_("score {score:.1f} below {threshold:g}")
SECTION_BELOW = N_("section {section} {score:.1f} below {threshold:g}")
SENTIMENT_BELOW = N_("customer sentiment {sentiment:+.2f} below {threshold:+g}")
CSAT_BELOW = N_("CSAT {csat} below {threshold:g}")
CRITERION_FAILED = N_("criterion {criterion} failed")
IN_WINDOW = N_("{condition}; {held} of the last {window} evaluations ({conversations})")

# ---------------------------------------------------------------- the services
ASSIGNED_BY = N_("assigned by {login}")
SYSTEM = "system"  # the actor's login when nobody assigned by hand (stored so; read back below)
ASSIGNED_BY_SYSTEM = N_("assigned by system")
ONBOARDING_STEP = N_("onboarding {path}: step {step} of {steps}")
CERTIFICATE_EXPIRES = N_("certificate {code} expires on {day}")

#: Fields holding user data (never translated) and numbers, for qa_app.explanations.
DATA_FIELDS = frozenset({"conversation", "conversations", "criteria", "section", "criterion", "login", "path",
                         "code", "day", "csat"})
NUMBER_FIELDS = frozenset({"score", "threshold", "sentiment", "held", "window", "step", "steps"})
FIELD_PATTERNS = {"where": r"on conversation .+"}


def templates() -> tuple[str, ...]:
    """Every template of this module, in the order they are declared."""
    return tuple(v for k, v in globals().items() if k.isupper() and isinstance(v, str) and k != "SYSTEM")
