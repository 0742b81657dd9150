"""The caller's side of a spreadsheet import, and of an export: what `sanphalang import` /
`export` and the gateway's import jobs share. The file is read and checked at once (each chunk
checked by the service as soon as it is read, spread over its replicas), then written from
the service's stage in chunks, each under an idempotency key of its own; all rows or none
unless `accept_valid`. `service` is anything with a register's import RPCs that signs each
call for whoever imports (an `assertions.SignedService` over a nameko proxy: each chunk is
signed afresh, so no assertion outlives a long import), or a list of them (one per replica: a
lane each). Parameterized by the register's `Sheet`."""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

from services.chassis.errors import FILE, CommandRejected
from services.chassis.messages import message

from .sheets import Sheet
from .sheets.reading import ReadResult

CHUNK = 2000  # rows a check or dry-run call carries: small, so reading and checking overlap
WRITE_CHUNK = 5000  # rows a writing call carries (the service's batch limit): fewer transactions
EXPORT_PAGE = 500
CHECKING, IMPORTING = "checking", "importing"

Progress = Callable[[str, int, int], None]  # (phase, rows done, rows in all)


@dataclass
class ImportReport:
    total: int = 0
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False  # whether anything was sent to be written (a dry run never is)
    problems: list[dict] = field(default_factory=list)  # {field, row, code, params, column}

    @property
    def rejected(self) -> int:
        """Rows rejected (a file-level problem rejects them all)."""
        if any(p["field"] == FILE for p in self.problems):
            return self.total
        return len({p["row"] for p in self.problems})

    def counts(self) -> dict:
        """What was done; in a dry run, what the good rows would do, beside the rows rejected."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected}

    def add(self, result: dict) -> None:
        for name in ("created", "updated", "unchanged"):
            setattr(self, name, getattr(self, name) + result.get(name, 0))


def import_digest(content: bytes, sheet: str | None, accept_valid: bool, head_seq: int) -> str:
    """What each chunk's idempotency key derives from: the file, the options, and the register's
    head when the import started. A retried chunk of one run is recorded once; the same file
    imported again later (after edits in between) is applied again, not answered from the
    record of the first time. Re-running a crashed import is safe either way: rows already
    imported are found on their natural key and left unchanged."""
    hasher = hashlib.sha256(content)
    hasher.update(f"\x00{sheet or ''}\x00{int(accept_valid)}\x00{head_seq}".encode())
    return hasher.hexdigest()[:32]


@dataclass
class Checked:
    """What the service found checking a file: every problem of its rows, located in the
    sheet, and the stage under which it holds the good rows for the write."""

    problems: list[dict]
    stage: str


def new_stage() -> str:
    return uuid.uuid4().hex


class FileImport:
    """The import of one register's spreadsheet files (its `Sheet`)."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet

    def read_checked(self, service, filename: str, content: bytes, sheet: str | None = None,
                     chunk: int = CHUNK) -> tuple[ReadResult, Checked]:
        """Read a file and have the service check its rows while it is read: each chunk goes
        to `check_rows` (spread over the lanes) as soon as it is read, and the next is read
        while the service checks. Returns what was read and what the check found, for
        `import_rows(..., checked=...)`."""
        from eventlet import sleep

        services, answers, stage = _as_lanes(service), [], new_stage()
        lanes = _Lanes(services)

        def on_rows(first: int, rows: list) -> None:
            payloads = [payload for _, payload in rows]
            answers.append(lanes.spawn(lambda lane: lane.check_rows(payloads, first, stage)["rejected"]))
            sleep(0)  # let the call go out before the next chunk is read

        read = self.sheet.read_rows(filename, content, sheet, on_rows=on_rows, chunk=chunk)
        problems = [p for answer in answers for p in answer.wait()]
        if read.problems:  # a file-level problem: nothing of it will be written
            services[0].discard_stage(stage)
        return read, Checked(_by_row(_located(p, read, self.sheet) for p in problems), stage)

    def import_rows(self, service, read: ReadResult, digest: str, *, dry_run: bool = False,
                    accept_valid: bool = False, progress: Progress | None = None, chunk: int | None = None,
                    may_write: Callable[[str], bool] | None = None, checked: Checked | None = None) -> ImportReport:
        """Check every chunk first (`check_rows`), then write only if the whole file passed (or
        `accept_valid`): all or nothing across chunks. The check stages the good rows in the
        service, and the writes take them from there (`import_staged`), so no row is validated
        or sent twice. With `may_write` (center code -> bool), a row of a center the importer
        may not write is a rejected row like any other (the location gives the center).
        `checked`: what `read_checked` found while reading; the check is then not asked again
        (unless `may_write` set rows aside, which moves the rest). `chunk`: rows a call
        carries (default: CHUNK to check, WRITE_CHUNK to write)."""
        report = ImportReport(total=len(read.rows), dry_run=dry_run)
        if read.problems:
            report.problems = [_located(p, read, self.sheet) for p in read.problems]
            return report
        if may_write is not None:
            read, report.problems = _own_rows(read, may_write, self.sheet)
        progress = progress or (lambda *_: None)
        pieces = _pieces(read, chunk or CHUNK)
        lanes = _as_lanes(service)
        if dry_run:
            return _dry_run(lanes, pieces, read, digest, accept_valid, progress, report, self.sheet)
        # Every chunk is checked by the service (spread over its replicas, one lane each) before
        # any is written, so a file with a bad row writes nothing unless accept_valid; the
        # caller's process (the gateway, for the web) spends no CPU on validation.
        if checked is not None and may_write is None:
            report.problems, stage = list(checked.problems), checked.stage
            progress(CHECKING, report.total, report.total)
        else:
            if checked is not None:  # checked before rows were set aside: those rows are moved
                lanes[0].discard_stage(checked.stage)
            stage = new_stage()
            _check(lanes, pieces, read, report, progress, stage, self.sheet)
        if report.problems and not accept_valid:
            lanes[0].discard_stage(stage)
            return report
        _write_staged(lanes, read, stage, digest, report, progress, chunk or WRITE_CHUNK, self.sheet)
        return report


def _write_staged(lanes, read, stage, digest, report, progress, chunk, sheet: Sheet) -> None:
    """Write the staged rows, `chunk` positions a call, each under a key of its own."""
    position = {number: n for n, (number, _) in enumerate(read.rows, start=1)}
    rejected = {position[p["row"]] for p in report.problems if p["field"] != FILE and p["row"] in position}
    done = 0

    def imported(plan, payloads):
        nonlocal done
        report.add(plan)
        report.problems.extend(_located(p, read, sheet) for p in plan["rejected"])
        report.written = report.written or bool(plan["created"] or plan["updated"])
        done += len(payloads)
        progress(IMPORTING, done, report.total)

    pieces = _pieces(read, chunk)
    writes = []
    for n, first, payloads in pieces:
        last = first + len(payloads) - 1
        expected = len(payloads) - sum(1 for row in range(first, last + 1) if row in rejected)
        writes.append((lambda lane, n=n, first=first, last=last, expected=expected: _call_staged(
            lane, stage, first, last, expected, f"import-{digest}-{n}"), payloads))
    # chunks that share a record must land one after the other, or both would create it
    _in_lanes(lanes if lanes[0].stage_keys_apart(stage, chunk) else lanes[:1], writes, imported)


def _pieces(read: ReadResult, chunk: int) -> list[tuple[int, int, list]]:
    """(chunk number, position of its first row from 1, payloads) of every `chunk` rows."""
    return [(n, start + 1, [payload for _, payload in read.rows[start:start + chunk]])
            for n, start in enumerate(range(0, len(read.rows), chunk))]


def _check(lanes: list, pieces: list, read: ReadResult, report: ImportReport, progress: Progress, stage: str,
           sheet: Sheet) -> None:
    done = 0

    def checked(result, payloads):
        nonlocal done
        report.problems.extend(_located(p, read, sheet) for p in result["rejected"])
        done += len(payloads)
        progress(CHECKING, done, report.total)

    _in_lanes(lanes, [
        (lambda lane, first=first, payloads=payloads: lane.check_rows(payloads, first, stage), payloads)
        for _, first, payloads in pieces
    ], checked)
    report.problems = _by_row(report.problems)


def _own_rows(read: ReadResult, may_write: Callable[[str], bool], sheet: Sheet) -> tuple[ReadResult, list[dict]]:
    """The rows the importer may write, and a located problem for each row of another center
    (rows whose center is not known stay: the service names what is wrong with them)."""
    kept, problems = [], []
    for number, payload in read.rows:
        center = sheet.center_of(payload)
        if center is None or may_write(center):
            kept.append((number, payload))
        else:
            field_ = sheet.center_field
            column = read.headers.get(field_) or read.known.get(field_, field_)
            problems.append({"field": field_, "row": number, "code": sheet.other_center,
                             "params": {"center": center}, "column": column})
    return replace(read, rows=kept), problems


def _dry_run(lanes, pieces, read, digest, accept_valid, progress, report, sheet: Sheet) -> ImportReport:
    """What an import would do, asked of the service chunk by chunk; nothing is written. The
    counts are what the good rows would do, whether or not others are rejected."""
    done = 0

    def checked(plan, payloads):
        nonlocal done
        report.problems.extend(_located(p, read, sheet) for p in plan["rejected"])
        report.add(plan)
        done += len(payloads)
        progress(CHECKING, done, report.total)

    _in_lanes(lanes, [
        (lambda lane, n=n, first=first, payloads=payloads: _call(
            lane, payloads, f"import-{digest}-{n}", first, True, accept_valid), payloads)
        for n, first, payloads in pieces
    ], checked)
    report.problems = _by_row(report.problems)
    return report


def _as_lanes(service) -> list:
    """The service's proxies to spread calls over: one, or a list (one per replica)."""
    return list(service) if isinstance(service, (list, tuple)) else [service]


class _Lanes:
    """Calls spread over proxies with one caller per proxy at a time (a nameko proxy serves one
    caller at a time): `spawn(call)` runs `call(lane)` on the next free one, in a green thread;
    it waits while every lane is busy."""

    def __init__(self, lanes: list):
        from eventlet.greenpool import GreenPool
        from eventlet.queue import LightQueue

        self._free, self._pool = LightQueue(), GreenPool(len(lanes))
        for lane in lanes:
            self._free.put(lane)

    def spawn(self, call):
        return self._pool.spawn(self._on_free_lane, call)

    def _on_free_lane(self, call):
        lane = self._free.get()
        try:
            return call(lane)
        finally:
            self._free.put(lane)


def _in_lanes(lanes: list, calls: list, each) -> list:
    """Run `calls` [(call(lane), payloads)] over the lanes; `each(result, payloads)` as each
    finishes; results in order."""
    if len(lanes) == 1 or len(calls) < 2:
        return [_then(call(lanes[0]), payloads, each) for call, payloads in calls]
    spread = _Lanes(lanes)
    running = [spread.spawn(lambda lane, call=call, payloads=payloads: _then(call(lane), payloads, each))
               for call, payloads in calls]
    return [thread.wait() for thread in running]


def _by_row(problems) -> list[dict]:
    """Problems in row order, file-level ones (no row) last."""
    return sorted(problems, key=lambda p: (p["row"] is None, p["row"] or 0))


def _then(result: dict, payloads: list, each) -> dict:
    each(result, payloads)
    return result


def _call(service, payloads, key, first, dry_run, accept_valid) -> dict:
    try:
        return service.import_rows(payloads, key=key, first_row=first, dry_run=dry_run, accept_valid=accept_valid)
    except CommandRejected as error:  # the call itself refused (a dry run answers for bad rows)
        return _nothing_written(error.problems)


def _call_staged(service, stage, first, last, expected, key) -> dict:
    if expected == 0:  # every row of the range was rejected: nothing was staged
        return _nothing_written([])
    try:
        return service.import_staged(stage, first, last, expected, key=key)
    except CommandRejected as error:  # the stage is gone: the whole import must be run again
        return _nothing_written(error.problems)


def _nothing_written(rejected: list) -> dict:
    return {"created": 0, "updated": 0, "unchanged": 0, "rejected": rejected}


def _located(problem: dict, read: ReadResult, sheet: Sheet) -> dict:
    """A problem with the spreadsheet's own row number and the header, as written, of the column
    its field was read from (`Sheet.column_of`: a person's consent is read from five columns)."""
    row = problem.get("row")
    if problem["field"] != FILE and isinstance(row, int) and 1 <= row <= len(read.rows):
        row = read.rows[row - 1][0]
    name = sheet.column_of(problem["field"])
    column = read.headers.get(name) or read.known.get(name) or ("" if name in (FILE, "_schema") else name)
    return {**problem, "row": row, "column": column, "params": problem.get("params") or {}}


def summary(counts: dict, problems: bool, dry_run: bool, accept_valid: bool) -> list[dict]:
    """What an import did, or what a dry run's good rows would do, and what became of the
    file, in Thai and English: the lines the CLI prints and an import job's API gives."""
    lines = [message("import_would" if dry_run else "import_counts", **counts)]
    if dry_run:
        lines.append(message("import_dry_run"))
        if held_back(counts, accept_valid):
            lines.append(message("import_dry_run_fix_first"))
    elif problems and not accept_valid:
        lines.append(message("import_nothing_written"))
    return lines


def held_back(counts: dict, accept_valid: bool) -> bool:
    """Whether a dry run's rejected rows hold back good rows: an import of all rows or none
    would write nothing."""
    good = counts["created"] + counts["updated"] + counts["unchanged"]
    return not accept_valid and counts["rejected"] > 0 and good > 0


def describe(problem: dict) -> dict:
    """A located problem with its Thai and English message."""
    return {**problem, "message": message(problem["code"], **problem["params"])}


def problem_line(problem: dict) -> str:
    """row N, column X: Thai message / English message"""
    text = message(problem["code"], **problem["params"])
    if problem["field"] == FILE:  # the message names the column itself
        where = message("problem_row", row=problem["row"])["en"] + ": " if problem.get("row") else ""
    else:
        where = message("problem_at", row=problem["row"], column=problem["column"])["en"] + ": "
    return f"{where}{text['th']} / {text['en']}"


def records(list_page: Callable[[dict, int, int], dict], filters: dict, per_page: int = EXPORT_PAGE) -> Iterator[dict]:
    """Every record the filters select, page by page (`list_page` is the register's `list`)."""
    page = 1
    while True:
        items = list_page(filters, page, per_page)["items"]
        yield from items
        if len(items) < per_page:
            return
        page += 1
