"""Demo teams, users and the handling profile that makes each agent's conversations different."""
from __future__ import annotations

from dataclasses import dataclass

from qa_app.demo.values import DemoUser, Team

TEAMS = (Team("London", "en", "Europe/London"), Team("Shanghai", "zh", "Asia/Shanghai"))
BOTH = tuple(t.name for t in TEAMS)


@dataclass(frozen=True)
class Profile:
    """How one agent handles conversations.

    The five shares (greeting .. happy_end) become exact counts of the agent's conversations, as do
    `forbidden` and `calls`, so the mix the reports show does not depend on the seed.
    """

    quality: str  # "excellent" | "average" | "weak"
    reply_seconds: tuple[int, int]  # chat reply delay range
    greeting: float  # shares of conversations with a greeting, empathy, ...
    empathy: float
    verification: float  # asks for and checks the order / 三查三核
    closing: float
    happy_end: float  # customer leaves happy
    forbidden: int
    calls: int
    conversations: int


PROFILES = {
    "excellent": Profile("excellent", (5, 25), 1.0, 1.0, 1.0, 0.95, 0.9, 0, 3, 17),
    "average": Profile("average", (12, 55), 0.85, 0.6, 0.7, 0.7, 0.65, 1, 3, 16),
    "weak": Profile("weak", (40, 120), 0.45, 0.07, 0.3, 0.3, 0.25, 5, 2, 15),
}

# (login, display name, short name used in conversations, team, quality)
AGENTS = (
    ("emma.jones", "Emma Jones", "Emma", "London", "excellent"),
    ("david.smith", "David Smith", "David", "London", "average"),
    ("priya.patel", "Priya Patel", "Priya", "London", "weak"),
    ("li.na", "李娜", "小娜", "Shanghai", "excellent"),
    ("wang.wei", "王伟", "小伟", "Shanghai", "average"),
    ("zhang.min", "张敏", "小敏", "Shanghai", "weak"),
)

STAFF = (
    DemoUser("qa.chen", "陈静 (Chen Jing)", "reviewer", None, BOTH),
    DemoUser("qa.taylor", "Sophie Taylor", "reviewer", None, BOTH),
    DemoUser("lead.liu", "刘洋 (Liu Yang)", "lead", None, BOTH),
    DemoUser("hr.zhao", "赵蕾 (Zhao Lei)", "hr", None, BOTH),
)

REVIEWER_BY_LANGUAGE = {"en": "qa.taylor", "zh": "qa.chen"}


@dataclass(frozen=True)
class Agent:
    """An agent as the conversation generator needs them."""

    login: str
    short_name: str
    team: str
    language: str
    profile: Profile


def demo_users() -> tuple[DemoUser, ...]:
    """Agents first (team by team), then reviewers, lead and HR."""
    agents = tuple(DemoUser(login, name, "agent", team, ()) for login, name, _, team, _ in AGENTS)
    return agents + STAFF


def demo_agents() -> tuple[Agent, ...]:
    """The six agents with their team language and handling profile."""
    language = {t.name: t.language for t in TEAMS}
    return tuple(Agent(login, short, team, language[team], PROFILES[quality])
                 for login, _, short, team, quality in AGENTS)
