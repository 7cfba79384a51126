"""qadesk coaching list."""
from __future__ import annotations

from typing import Optional

import click

from qa_app.commands.common import emit


def register(main: click.Group) -> None:
    main.add_command(coaching)


@click.group()
def coaching() -> None:
    """Coaching sessions leads recorded with agents, and their agreed actions."""


@coaching.command("list")
@click.option("--agent", default=None, help="Only this agent's sessions (login).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def list_sessions(obj, agent: Optional[str], as_json: bool) -> None:
    """Every session, newest first: date, agent, coach, acknowledgement and each action's follow-up state."""
    from qa_app.services import coaching as service
    with obj.app.app_context():
        docs = [service.session_document(s) for s in service.visible_sessions(None, agent_login=agent)]
    lines = [f"{'id':>4} {'date':<10} {'agent':<16} {'coach':<16} {'ack':<10} actions"]
    for d in docs:
        actions = ", ".join(f"{a['state']} {a['due_on']}" for a in d["actions"]) or "-"
        ack = (d["acknowledged_at"] or "no")[:10]
        lines.append(f"{d['id']:>4} {d['held_on']:<10} {d['agent']:<16} {d['coach']:<16} {ack:<10} {actions}")
    emit(docs, as_json, "\n".join(lines) if docs else "no coaching sessions")
