"""Spreadsheet import jobs: the gateway's own small table that keeps them (so a job's result
outlives the process, and any replica can answer for it) and the green thread that runs one.

A job: queued -> checking (reading the file, then a dry run of every chunk) -> importing ->
done, or failed (file problems, rejected rows without accept_valid, or an error)."""
from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta, timezone

import eventlet
from eventlet import tpool
from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, Text, select
from sqlalchemy.engine import Engine

from services.chassis import logs, permissions
from services.chassis.assertions import Signer, SignedService
from services.chassis.database import make_engine, one_at_a_time
from services.chassis.errors import FILE
from services.chassis.registers.pipeline import CHECKING, IMPORTING, FileImport, ImportReport, import_digest
from services.edge.errors import error_problem
from services.registry import contract
from services.settings import settings

log = logging.getLogger(__name__)

QUEUED, DONE, FAILED = "queued", "done", "failed"
# the registers whose files a job imports, each under its own permission (a job's options name it)
IMPORTS = {"orgs": permissions.IMPORT_ORGS, "people": permissions.IMPORT_PEOPLE}
RUNNING = (QUEUED, CHECKING, IMPORTING)
STALE_AFTER = timedelta(minutes=10)  # a running job not heard from this long died with its process

metadata = MetaData()
import_jobs = Table(
    "import_jobs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("status", String(10), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("options", Text, nullable=False),  # JSON: register, dry_run, accept_valid, sheet
    Column("actor", Text, nullable=False),  # JSON: who asked
    Column("done", Integer, nullable=False),
    Column("total", Integer),
    Column("result", Text),  # JSON: counts, written, problems (located, without messages)
    Column("created_at", String(27), nullable=False),
    Column("updated_at", String(27), nullable=False),
)

# The file of a dry run made on the import page, kept until it is confirmed (then imported
# from here) or a day has passed: any gateway replica can run the confirmation.
import_uploads = Table(
    "import_uploads",
    metadata,
    Column("job_id", String(36), primary_key=True),
    Column("content", LargeBinary, nullable=False),
    Column("created_at", String(27), nullable=False),
)
UPLOADS_KEPT = timedelta(days=1)


JOB_RPC_TIMEOUT = 600  # seconds: a chunk of an import can take longer than a request may


def job_store() -> "JobStore":
    """This app's job store (opened on first use)."""
    from flask import current_app

    store = current_app.extensions.get("import_jobs")
    if store is None:
        store = current_app.extensions["import_jobs"] = JobStore(settings().database_url("gateway"))
    return store


def long_pool():
    """RPC proxies with a longer timeout than requests', for jobs and whole-log checks."""
    from flask import current_app

    from .rpc import RpcPool

    pool = current_app.extensions.get("import_rpc")
    if pool is None:
        config = settings()
        pool = current_app.extensions["import_rpc"] = RpcPool(
            config.nameko_config(), max(config.rpc_timeout, JOB_RPC_TIMEOUT), size=2)
    return pool


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class JobStore:
    def __init__(self, url: str):
        self.engine: Engine = make_engine(url)
        with one_at_a_time(self.engine, "schema"):  # gateway replicas start together
            metadata.create_all(self.engine)

    def create(self, filename: str, options: dict, actor: dict) -> str:
        job_id, now = str(uuid.uuid4()), _now()
        with self.engine.begin() as conn:
            conn.execute(import_jobs.insert().values(
                id=job_id, status=QUEUED, filename=filename[:255], options=json.dumps(options),
                actor=json.dumps(actor, ensure_ascii=False), done=0, created_at=now, updated_at=now))
        return job_id

    def update(self, job_id: str, result: dict | None = None, **values) -> None:
        if result is not None:
            values["result"] = json.dumps(result, ensure_ascii=False)
        with self.engine.begin() as conn:
            conn.execute(import_jobs.update().where(import_jobs.c.id == job_id).values(updated_at=_now(), **values))

    def get(self, job_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(import_jobs).where(import_jobs.c.id == job_id)).mappings().first()
        if row is None:
            return None
        job = {**row, "options": json.loads(row["options"]), "result": json.loads(row["result"] or "{}")}
        if job["status"] in RUNNING and _age(job["updated_at"]) > STALE_AFTER:
            job.update(status=FAILED, result=_failure("import_interrupted"))
        return job

    def keep_upload(self, job_id: str, content: bytes) -> None:
        old = (datetime.now(timezone.utc) - UPLOADS_KEPT).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        with self.engine.begin() as conn:
            conn.execute(import_uploads.delete().where(import_uploads.c.created_at < old))
            conn.execute(import_uploads.insert().values(job_id=job_id, content=content, created_at=_now()))

    def take_upload(self, job_id: str) -> bytes | None:
        """The kept file of a dry run, removed as it is taken (a confirmation runs once)."""
        with self.engine.begin() as conn:
            content = conn.execute(select(import_uploads.c.content).where(import_uploads.c.job_id == job_id)).scalar()
            removed = conn.execute(import_uploads.delete().where(import_uploads.c.job_id == job_id)).rowcount
        return content if removed == 1 else None


def _age(stamp: str) -> timedelta:
    return datetime.now(timezone.utc) - datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def _failure(code: str) -> dict:
    return {"problems": [{"field": FILE, "row": None, "code": code, "params": {}, "column": ""}]}


def start(store: JobStore, pool, content: bytes, filename: str, options: dict, actor: dict, signer: Signer) -> str:
    """Record a queued job and run it in a green thread of this process; returns its id.
    `actor` is who asked (kept with the job); `signer` signs each of the job's calls for them."""
    job_id = store.create(filename, options, actor)
    eventlet.spawn_n(run, store, pool, job_id, content, filename, options, actor, signer)
    return job_id


def run(store: JobStore, pool, job_id: str, content: bytes, filename: str, options: dict, actor: dict,
        signer: Signer) -> None:
    logs.bind(job=job_id)  # every line of the job names it
    try:
        store.update(job_id, status=CHECKING)
        register = register_of(options)
        sheet = contract(register, "sheet").SHEET
        # openpyxl is CPU-bound: parse in a native thread so this process keeps serving
        read = tpool.execute(sheet.read_rows, filename, content, options.get("sheet"))
        store.update(job_id, total=len(read.rows))

        def progress(phase: str, done: int, total: int) -> None:
            store.update(job_id, status=phase, done=done, total=total)

        user = _user(actor)
        with pool.cluster() as rpc:
            service = SignedService(getattr(rpc, register), register, signer, user)  # each chunk signed afresh
            digest = import_digest(content, read.sheet or options.get("sheet"), options["accept_valid"],
                                   service.head()["seq"])
            report = FileImport(sheet).import_rows(service, read, digest, dry_run=options["dry_run"],
                                                   accept_valid=options["accept_valid"], progress=progress,
                                                   may_write=lambda center: permissions.allowed(
                                                       user, IMPORTS[register], center))
        store.update(job_id, status=_final_status(report, options), result=_result(report))
        _finished(report, options)
    except Exception as error:  # the job must end in a state, whatever happened
        _failed(error)
        store.update(job_id, status=FAILED, result={"problems": [error_problem(error)]})


def register_of(options: dict) -> str:
    """The register a job imports into (jobs recorded before there were two: orgs)."""
    return options.get("register") or "orgs"


def _user(actor: dict) -> permissions.User:
    """The user who asked for a job, as kept with it."""
    return permissions.User(actor["user"], actor.get("role") or permissions.PUBLIC, actor.get("center"))


def _final_status(report: ImportReport, options: dict) -> str:
    if any(p["field"] == FILE for p in report.problems):
        return FAILED
    return FAILED if report.problems and not options["accept_valid"] else DONE


def _result(report: ImportReport) -> dict:
    return {"counts": report.counts(), "written": report.written, "problems": report.problems}


def _finished(report: ImportReport, options: dict) -> None:
    """One line when a job ends as it should (rows rejected included: an answer, not a
    failure): its status, counts and its problems' codes, fields and first rows, never a value
    of the file."""
    status = _final_status(report, options)
    log.info("import job %s", status, extra={"status": status, "dry_run": bool(options.get("dry_run")),
                                             "counts": report.counts(), **logs.problem_fields(report.problems)})


def _failed(error: Exception) -> None:
    """A job ended by an error: an expected one (a conflict with an edit made meanwhile, a
    service that did not answer) is a WARNING with its code; anything else an ERROR with its
    traceback."""
    code = error_problem(error)["code"]
    if code == "internal_error":
        log.error("import job failed", exc_info=error, extra={"code": code, "error": type(error).__name__})
    else:
        log.warning("import job failed: %s", code, extra={"code": code, "error": type(error).__name__})
