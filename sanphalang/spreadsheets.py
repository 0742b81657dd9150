"""`sanphalang import <register> FILE` and `export <register> FILE`: the kit's import pipeline
and exports (services.chassis.registers.pipeline), with progress bars and Thai and English
lines for a person at a terminal."""
from __future__ import annotations

import getpass

import click

from services.chassis.errors import CommandError
from services.chassis.permissions import ADMIN, User
from services.chassis.messages import message
from services.chassis.registers.pipeline import (
    CHECKING, IMPORTING, FileImport, import_digest, problem_line, records, summary,
)
from services.chassis.registers.sheets import Sheet
from services.edge.errors import UNAVAILABLE, error_problem


def both(code: str, **params) -> str:
    text = message(code, **params)
    return f"{text['th']} / {text['en']}"


def operator() -> User:
    """Who the CLI asks as: an administrator named after the operating-system user (only the
    host's operators can read the CLI's private key)."""
    return User("cli:" + getpass.getuser(), ADMIN)


class ProgressBars:
    """One click progress bar per phase of an import, each closed when the next one starts."""

    def __init__(self):
        self.phase, self.bar, self.shown = None, None, 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self.close()
            label = both({CHECKING: "import_checking", IMPORTING: "import_importing"}[phase])
            self.phase, self.shown = phase, 0
            self.bar = click.progressbar(length=total, label=label, file=click.get_text_stream("stderr"))
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def import_command(sheet: Sheet, service, path, *, dry_run: bool, accept_valid: bool, sheet_name: str | None) -> bool:
    """Import FILE into the register `service` serves: prints the counts and every problem;
    False if any row (or the file) was rejected."""
    content, files, bars = path.read_bytes(), FileImport(sheet), ProgressBars()
    try:
        head = service.head()["seq"]
        if dry_run:
            read, checked = sheet.read_rows(path.name, content, sheet_name), None
        else:
            read, checked = files.read_checked(service, path.name, content, sheet_name)
        digest = import_digest(content, read.sheet or sheet_name, accept_valid, head)
        report = files.import_rows(service, read, digest, dry_run=dry_run, accept_valid=accept_valid,
                                   progress=bars, checked=checked)
    except (CommandError, *UNAVAILABLE) as error:
        # a record edited meanwhile, the service gone: say so (an import may be run again)
        bars.close()
        click.echo(problem_line(error_problem(error)))
        return False
    finally:
        bars.close()
    for line in summary(report.counts(), bool(report.problems), dry_run, accept_valid):
        click.echo(f"{line['th']} / {line['en']}")
    for problem in report.problems:
        click.echo(problem_line(problem))
    return not report.problems


def export_command(sheet: Sheet, service, path, filters: dict) -> int:
    """Write every record the filters select to FILE.xlsx or FILE.csv, as the service shows
    them to the operator (the sheet's `export_rpc`: a person's contacts masked by role)."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise click.UsageError(both("export_format"))
    count = 0

    def counted():
        nonlocal count
        for record in records(getattr(service, sheet.export_rpc), filters):
            count += 1
            yield record

    if suffix == ".csv":
        with open(path, "wb") as out:
            for piece in sheet.iter_csv(counted()):
                out.write(piece)
    else:
        path.write_bytes(sheet.write_xlsx(counted()))
    click.echo(both(sheet.exported, count=count, path=path))
    return count
