"""What every `qadesk` command shares: the instance context, output, failures, progress bars and
logging. Commands import this module; qa_app.cli imports the commands (imports go one way)."""
from __future__ import annotations

import json
import logging
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import click

from qa_app import create_app

LOG_FILE = "qadesk.log"
_installed: list[logging.Handler] = []  # the handlers this process's last command installed
_installed_level: list[int] = []  # the root logger's level before them


class Context:
    """Holds the instance folder and builds the app once, when a command first needs it.

    With `check_schema` (every command but those in SKIPS_SCHEMA_CHECK) building the app also checks,
    with one query, that the database is at the code's schema revision: one line and exit 1 if not.
    Logs (with tracebacks) go to <instance>/qadesk.log; on the terminal only with --debug."""

    def __init__(self, instance: Optional[str], debug: bool = False, check_schema: bool = True):
        self.instance = instance
        self.debug = debug
        self.check_schema = check_schema
        self._app = None
        configure_logging(None, debug)

    @property
    def app(self):
        return self._built(pages=True)

    @property
    def app_without_pages(self):
        """The app without its views (create_app's `pages`), for commands that neither serve nor
        render a page: they start faster. The full app when it is built already."""
        return self._built(pages=False)

    def _built(self, pages: bool):
        if self._app is None:
            app = create_app(instance_path=self.instance, pages=pages)
            configure_logging(Path(app.instance_path) / LOG_FILE, self.debug)
            if self.check_schema:
                _check_schema(app)
            self._app = app
        return self._app


#: commands that work on a database at any revision: init upgrades it, backup and restore copy it,
#: config only reads the settings
SKIPS_SCHEMA_CHECK = frozenset({"init", "backup", "restore", "config"})


def _check_schema(app) -> None:
    from qa_app.services import schema
    with app.app_context():
        try:
            schema.check(app.instance_path)
        except schema.SchemaMismatch as exc:
            fail(str(exc))


def configure_logging(log_file: Optional[Path], debug: bool) -> None:
    """Log records go to `log_file` (when known) and, with `debug`, to stderr with tracebacks.

    Installing a handler also stops Python printing unhandled log records (and their
    tracebacks) on stderr by itself, so an expected failure shows only its one-line summary."""
    reset_logging()
    root = logging.getLogger()
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = [logging.NullHandler()]
    if log_file is not None:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            handlers.append(logging.FileHandler(log_file, encoding="utf-8", delay=True))
        except OSError:
            pass  # a read-only instance still runs; --debug still shows everything
    if debug:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
        _installed.append(handler)
    _installed_level.append(root.level)
    root.setLevel(logging.DEBUG if debug else logging.INFO)


def reset_logging() -> None:
    """Remove the handlers configure_logging installed (when a command ends)."""
    root = logging.getLogger()
    for handler in _installed:
        root.removeHandler(handler)
        handler.close()
    _installed.clear()
    if _installed_level:
        root.setLevel(_installed_level[0])
        _installed_level.clear()


def emit(data, as_json: bool, text: str | None = None) -> None:
    """One JSON document on stdout with --json, else the human text."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif text is not None:
        click.echo(text)


@contextmanager
def progress_bar(total: Optional[int], desc: str, quiet: bool):
    """A tqdm bar on a terminal; nothing when quiet or when stderr is not a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm
    with tqdm(total=total, desc=desc, unit="conv", file=sys.stderr) as bar:
        yield bar.update


def fail(message: str) -> None:
    raise click.ClickException(message)


def write_or_echo(text: str, output: Optional[Path], done: str) -> None:
    """`text` to the file `output` (then print `done`), or to standard output when it is None;
    a file that cannot be written is one clear line and exit 1."""
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{output}: cannot write the file ({exc})")
    click.echo(done)


def check_table_output(fmt: str, output: Optional[Path]) -> None:
    """A usage error (exit 2) for XLSX without -o FILE: call before the work, so it fails at once."""
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs -o FILE (a workbook is not text for the terminal)")


def write_tables(tables, fmt: str, output: Optional[Path]) -> None:
    """A report's exports.Tables as `fmt` ("csv": one table, "xlsx": a sheet per table) to the file
    `output` (CSV with a UTF-8 byte-order mark for Excel), or CSV without the mark to standard output
    when `output` is None; an unwritable file or an unfit table is one clear line and exit 1."""
    from qa_app import exports
    check_table_output(fmt, output)
    try:
        if output is None:
            for chunk in exports.csv_chunks(exports.only_table(tables, fmt), bom=False):
                click.echo(chunk, nl=False)
            return
        exports.write(tables, fmt, output)
    except exports.ExportError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{output}: cannot write the file ({exc})")
    click.echo(f"wrote {output}", err=True)


def read_text_file(path: Path) -> str:
    """The UTF-8 text of a file given on the command line; one clear line and exit 1 when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read the file ({exc})")
