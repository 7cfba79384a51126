"""qadesk audit seal / verify: the audit log's hash chain."""
from __future__ import annotations

import sys
from typing import Optional

import click

from qa_app.commands.common import emit


def register(main: click.Group) -> None:
    main.add_command(audit)


@click.group()
def audit() -> None:
    """The audit log's hash chain."""


@audit.command("seal")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def seal(obj, as_json: bool) -> None:
    """Chain the entries written since the last seal (the scheduler does this on every beat)."""
    from qa_app.services import audit as service
    with obj.app.app_context():
        sealed = service.seal()
    emit({"sealed": sealed}, as_json, f"sealed {sealed} audit entries")


@audit.command("verify")
@click.option("--expect-head", default=None, metavar="HASH",
              help="A head printed by an earlier verify: fails if it is no longer in the chain (a deleted tail).")
@click.option("--no-seal", is_flag=True, help="Do not chain unsealed entries first.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def verify(obj, expect_head: Optional[str], no_seal: bool, as_json: bool) -> None:
    """Recompute the chain and name the first broken entry; exit 1 when it is broken."""
    from qa_app.services import audit as service
    with obj.app.app_context():
        if not no_seal:
            service.seal()
        report = service.verify(expect_head)
    if report.ok:
        text = (f"audit chain intact: {report.checked} entries, {report.unsealed} not sealed yet\n"
                f"head {report.head}")
    else:
        text = f"audit chain BROKEN after {report.checked} good entries: {report.problem}"
    emit(report.as_dict(), as_json, text)
    if not report.ok:
        sys.exit(1)
