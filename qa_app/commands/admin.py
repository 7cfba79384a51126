"""qadesk init / demo / serve / scheduler / user add, reset-password, unlock, deactivate / token create."""
from __future__ import annotations

import click

from qa_app.commands.common import emit, fail
from qa_app.services import ServiceError


def register(main: click.Group) -> None:
    main.add_command(init)
    main.add_command(demo)
    main.add_command(serve)
    main.add_command(scheduler)
    main.add_command(user)
    main.add_command(token)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_obj
def init(obj, as_json: bool) -> None:
    """Create or upgrade the instance and create the admin user."""
    from qa_app.services import instance
    with obj.app.app_context():
        result = instance.init_instance()
    doc = {"instance": obj.app.instance_path, "admin_created": result.admin_created,
           "admin_password": result.admin_password, "scorecards_added": result.scorecards_added,
           "courses_added": result.courses_added, "rules_added": result.rules_added}
    text = f"Instance ready at {obj.app.instance_path}"
    if result.admin_password:
        text += f"\nCreated user admin with password: {result.admin_password}"
    elif result.admin_created:
        text += "\nCreated user admin (password from QADESK_ADMIN_PASSWORD)"
    emit(doc, as_json, text)


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def demo(obj, as_json: bool) -> None:
    """Load the demo data set (running it twice adds nothing twice)."""
    from qa_app.services import demo as demo_service
    with obj.app.app_context():
        summary = demo_service.load_demo()
    emit(summary, as_json, "\n".join(f"{k}: {v}" for k, v in summary.items() if k != "logins")
         + "\nDemo logins (password %s): %s" % (summary["password"], ", ".join(summary["logins"])))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Serve only (run `qadesk scheduler` elsewhere).")
@click.pass_obj
def serve(obj, host: str, port: int, threads: int, no_scheduler: bool) -> None:
    """Serve the web app with waitress, plus the scheduler unless QADESK_SCHEDULER=external."""
    from waitress import serve as waitress_serve
    from qa_app.jobs import external, start_scheduler
    app = obj.app
    if no_scheduler or external(app):
        click.echo("No scheduler in this process: `qadesk scheduler` runs the jobs")
    else:
        start_scheduler(app)
    click.echo(f"QA Desk on http://{host}:{port}/ (instance {app.instance_path})")
    waitress_serve(app, host=host, port=port, threads=threads)


@click.command()
@click.pass_obj
def scheduler(obj) -> None:
    """Run the scheduler alone (QADESK_SCHEDULER=external: the one process that runs jobs)."""
    from qa_app.jobs import start_scheduler
    click.echo("QA Desk scheduler running; Ctrl-C to stop")
    start_scheduler(obj.app, blocking=True)


@click.group()
def user() -> None:
    """Manage users."""


@user.command("add")
@click.argument("login")
@click.option("--role", required=True, type=click.Choice(["admin", "reviewer", "lead", "agent", "hr"]))
@click.option("--team", default=None)
@click.option("--password", default=None, help="Generated and printed when omitted.")
@click.option("--name", default="")
@click.option("--covers", multiple=True, help="Team a reviewer or lead covers (repeatable).")
@click.option("--email", default=None, help="Address for copies of the user's notifications.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def user_add(obj, login, role, team, password, name, covers, email, as_json) -> None:
    """Create a user."""
    from qa_app.services import users
    with obj.app.app_context():
        try:
            created, pw = users.add_user(login, role, team=team, password=password, name=name, covers=covers,
                                         email=email)
        except ServiceError as exc:
            fail(str(exc))
        doc = {"login": created.login, "role": created.role, "team": team, "email": created.email,
               "password": None if password else pw, "must_change_password": created.must_change_password}
    emit(doc, as_json, f"Created {role} {login}" + ("" if password else
                                                    f" with password (to be changed at first sign-in): {pw}"))


@user.command("reset-password")
@click.argument("login")
@click.option("--generate", is_flag=True,
              help="Generate the password and print it once; it must be changed at the next sign-in.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def user_reset_password(obj, login, generate, as_json) -> None:
    """Give LOGIN a new password (typed at a hidden prompt, or --generate) and end their sessions.

    A typed password is kept (your own way back in, e.g. a locked-out admin); a generated one is for
    handing over and must be changed at first sign-in. The password rule applies; audited."""
    from qa_app.services import users
    with obj.app.app_context():
        try:
            target = users.get_user(login)  # an unknown login fails before the prompt
            typed = None if generate else click.prompt("New password", hide_input=True, confirmation_prompt=True)
            password = users.reset_password(login, typed, temporary=generate)
        except ServiceError as exc:
            fail(str(exc))
        active = target.active
    doc = {"login": login, "password": password if generate else None, "must_change_password": generate,
           "active": active}
    text = f"New password for {login}" + (f" (shown once; to be changed at first sign-in): {password}" if generate
                                          else " saved")
    if not active:
        text += f"\nNote: {login} is deactivated and cannot sign in until reactivated (Admin → Users)"
    emit(doc, as_json, text)


@user.command("unlock")
@click.argument("login", required=False)
@click.option("--address", default=None, help="Unlock this client address instead of a login.")
@click.pass_obj
def user_unlock(obj, login, address) -> None:
    """Let LOGIN (or --address) log in again after a lockout for too many failed logins."""
    from qa_app.services import signin
    if bool(login) == bool(address):
        fail("give a LOGIN or --address, not both")
    with obj.app.app_context():
        try:
            was = signin.unlock_address(address) if address else signin.unlock_login(login)
        except ServiceError as exc:
            fail(str(exc))
    click.echo(f"Unlocked {login or address}" + ("" if was else " (it was not locked)"))


@user.command("deactivate")
@click.argument("login")
@click.pass_obj
def user_deactivate(obj, login) -> None:
    """Stop LOGIN from logging in and end their open sessions (their data stays)."""
    from qa_app.services import users
    with obj.app.app_context():
        try:
            users.deactivate(login)
        except ServiceError as exc:
            fail(str(exc))
    click.echo(f"Deactivated {login}; their sessions have ended")


@click.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.argument("login")
@click.option("--name", default="", help="What the token is for.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def token_create(obj, login: str, name: str, as_json: bool) -> None:
    """Create an API token for LOGIN; it is printed once and only its hash is stored."""
    from qa_app.services import NotFound, tokens
    with obj.app.app_context():
        try:
            row, secret = tokens.create_token(login, name)
        except NotFound as exc:
            fail(str(exc))
        doc = {"id": row.id, "login": login, "token": secret}
    emit(doc, as_json, f"API token for {login} (shown once): {secret}")
