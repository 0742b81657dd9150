"""The spreadsheet import pages of each register (/orgs/import needs IMPORT_ORGS, /people/import
IMPORT_PEOPLE): upload a file for a dry run or an import,
follow the job (the page refreshes itself while it runs), read the report row by row, confirm a
clean dry run, download the error report. Jobs are the API's (gateway/imports.py), run with
the signed-in user as the actor; a dry run's file is kept in the job store until confirmed."""
from __future__ import annotations

import json

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from gateway import imports as jobs
from services.chassis import permissions as can
from gateway.api.spreadsheets import REGISTERS, job_view as shown_job
from gateway.imports import job_store, long_pool as job_pool
from services.chassis.errors import NotFound
from services.chassis.registers.pipeline import held_back
from services.chassis.messages import message

from . import bp, current_user, text
from gateway.api import actor, signer

REFRESH_SECONDS = 2
ACCEPTED = ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"


# register -> its upload page's endpoint, its title and explanation (the catalogue's codes)
PAGES = {"orgs": ("web.imports", "web_import_title", "web_import_explain"),
         "people": ("web.people_imports", "web_import_people_title", "web_import_people_explain")}


def _require_import(register: str = "orgs") -> can.User:
    """Center staff import their own center's records; admins any center's."""
    user = current_user()
    can.require(user, jobs.IMPORTS[register], user.center)
    return user


def _form(register: str, values: dict, problems: dict, status: int = 200):
    endpoint, title, explain = PAGES[register]
    return render_template("imports/form.html", values=values, problems=problems, accept=ACCEPTED,
                           action=url_for(endpoint), title=title, explain=explain,
                           template_url=url_for(f"{REGISTERS[register][0]}.Template")), status


@bp.route("/orgs/import", methods=["GET", "POST"], endpoint="imports")
def upload():
    return _upload("orgs")


@bp.route("/people/import", methods=["GET", "POST"], endpoint="people_imports")
def people_upload():
    return _upload("people")


def _upload(register: str):
    user = _require_import(register)
    if request.method == "GET":
        return _form(register, {"mode": "dry_run", "accept_valid": False}, {})
    values = {"mode": "import" if request.form.get("mode") == "import" else "dry_run",
              "accept_valid": request.form.get("accept_valid") == "1"}
    try:
        file = request.files.get("file")
    except RequestEntityTooLarge:
        limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return _form(register, values, {"file": [message("file_too_large", max_mb=limit)[text.lang()]]}, 413)
    if file is None or not file.filename:
        return _form(register, values, {"file": [text.t("required")]}, 422)
    content, dry_run = file.read(), values["mode"] == "dry_run"
    options = {"register": register, "dry_run": dry_run, "accept_valid": values["accept_valid"], "sheet": None}
    job_id = jobs.start(job_store(), job_pool(), content, file.filename, options, actor(user), signer())
    if dry_run:
        job_store().keep_upload(job_id, content)
    return redirect(url_for("web.import_job", job_id=job_id), 303)


def _own_job(user: can.User, job_id) -> dict:
    """The job, if this user started it (admins and auditors see every job)."""
    job = job_store().get(str(job_id))
    started_by = json.loads(job["actor"]).get("user") if job else None
    if job is None or (started_by != user.name and user.role not in (can.ADMIN, can.AUDITOR)):
        raise NotFound(f"import-{job_id}")  # the page of "not found"
    return job


def _register(user: can.User, job_id) -> str:
    """The register of the user's job, to check their permission by (signing in, or the
    refusal, comes before "not found"): orgs when there is no such job of theirs."""
    try:
        return jobs.register_of(_own_job(user, job_id)["options"])
    except NotFound:
        return "orgs"


def _confirmable(job: dict) -> bool:
    """A dry run that ended without a file problem, that would write something."""
    counts = job["result"].get("counts") or {}
    return (job["options"]["dry_run"] and job["status"] == jobs.DONE
            and counts.get("created", 0) + counts.get("updated", 0) > 0)


@bp.get("/orgs/import/<uuid:job_id>", endpoint="import_job")
def job_page(job_id):
    user = current_user()
    if not can.allowed(user, can.AUDIT):
        _require_import(_register(user, job_id))
    job = _own_job(user, job_id)
    shown = shown_job(job)
    running = job["status"] in jobs.RUNNING
    response = current_app.make_response(render_template(
        "imports/job.html", job=shown, running=running, confirmable=_confirmable(job) and user.role != can.AUDITOR,
        held_back=bool(shown["counts"]) and held_back(shown["counts"], shown["accept_valid_rows"]),
        another=url_for(PAGES[jobs.register_of(job["options"])][0]), refresh=REFRESH_SECONDS,
        status_label=text.t(f"web_import_status_{job['status']}"),
        percent=round(100 * shown["progress"]["done"] / shown["progress"]["total"])
        if shown["progress"]["total"] else 0))
    if running:  # the browser reloads the page until the job ends
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.post("/orgs/import/<uuid:job_id>/confirm", endpoint="import_confirm")
def confirm(job_id):
    """Run the real import of a clean dry run, from the file the dry run kept."""
    user = _require_import(_register(current_user(), job_id))
    job = _own_job(user, job_id)
    content = job_store().take_upload(job["id"]) if _confirmable(job) else None
    if content is None:  # confirmed already, kept too long, or nothing to import
        flash(text.t("web_import_file_gone"), "error")
        return redirect(url_for(PAGES[jobs.register_of(job["options"])][0]), 303)
    options = {**job["options"], "dry_run": False}
    new_id = jobs.start(job_store(), job_pool(), content, job["filename"], options, actor(user), signer())
    return redirect(url_for("web.import_job", job_id=new_id), 303)
