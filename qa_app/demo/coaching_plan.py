"""The demo's coaching sessions: lead.liu with a weak and an average agent of each team, written
from the after-sales domain (ownership, empathy, time limits). Days are counted back from `today`."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlannedAction:
    text: str
    owner: str  # "agent" | "coach"
    due_in_days: int  # after the session
    done_after_days: int | None  # after the session; None: still open


@dataclass(frozen=True)
class PlannedSession:
    agent: str
    days_ago: int
    notes: str
    actions: tuple[PlannedAction, ...]
    acknowledged_after_days: int | None  # None: not acknowledged yet
    comment: str = ""


SESSIONS = (
    PlannedSession(
        "david.smith", 20,
        "Refund calls: David explains the policy well but ends calls before confirming the refund amount "
        "and the date it reaches the customer. Agreed to close with a summary and the 3-5 working days.",
        (PlannedAction("Close every refund call with the amount and when it arrives", "agent", 7, 6),
         PlannedAction("Share the closing checklist with David", "coach", 2, 1)),
        1, "Thanks, the checklist helps."),
    PlannedSession(
        "priya.patel", 12,
        "Two complaints this month where the customer was upset and the reply went straight to the policy. "
        "We listened to one call together: acknowledge the feeling first, then own the next step. "
        "A forbidden phrase (\"that's not my problem\") must never be used.",
        (PlannedAction("Re-read module 2 of the empathy course and use one empathy line in every complaint",
                       "agent", 7, None),
         PlannedAction("Sit in on two of Emma's complaint calls with Priya", "coach", 3, 2)),
        1, "Understood. I will practise the empathy lines."),
    PlannedSession(
        "zhang.min", 4,
        "退款咨询中多次没有先核实订单和商品状态（三查三核）就承诺退款时间。一起回顾了两段对话："
        "先查订单、查物流、查商品，再答复处理时限。",
        (PlannedAction("每次承诺退款前完成三查三核，并在对话中说明处理时限", "agent", 5, None),),
        None),
)
