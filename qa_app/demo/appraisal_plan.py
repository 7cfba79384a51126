"""The demo's appraisals of the last complete quarter: what each agent wrote about it, what lead.liu
commented and proposed, and how the agent answered HR's final version (one contests it)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

#: the demo teams are small: the demo instance rates a KPI from 3 data points (its own template version)
DEMO_MIN_N = 3


@dataclass(frozen=True)
class PlannedAppraisal:
    agent: str
    self_assessment: str
    lead_comment: str
    proposed: Optional[str]  # a band; None: the figures' band
    answer: str  # "acknowledge" | "contest" | "" (not yet read)
    comment: str = ""


APPRAISALS = (
    PlannedAppraisal("emma.jones", "A steady quarter: I kept every reply under half a minute and passed my courses.",
                     "Consistently warm and quick; the team's example in complaint chats.", "Exceeds", "acknowledge",
                     "Thank you, I would like to mentor new starters next quarter."),
    PlannedAppraisal("david.smith", "Refund calls went better once I confirmed amounts and dates at the end.",
                     "Good product knowledge; replies are still slow at busy times and two quizzes needed a retake.",
                     None, "acknowledge"),
    PlannedAppraisal("priya.patel", "My first quarter; the onboarding courses helped.",
                     "Still learning: greetings and order checks are missing too often. Coaching continues.", None,
                     "acknowledge", "I agree, and I have booked the empathy course."),
    PlannedAppraisal("li.na", "本季度回复及时，培训全部按时完成。", "服务耐心，三查三核做得很好。", "Exceeds", "acknowledge"),
    PlannedAppraisal("wang.wei", "物流问题较多，我尽量及时跟进。", "表现稳定；首次响应有时超过 30 秒。", None, ""),
    PlannedAppraisal("zhang.min", "", "多次缺少问候和核对订单；需要继续辅导。", "Below", "contest",
                     "首次响应统计包括了系统转接的等待时间，不是我的回复慢。"),
)
