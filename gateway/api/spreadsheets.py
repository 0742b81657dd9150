"""/api/v1/orgs and /api/v1/people spreadsheets: each register's import template, exports (.xlsx,
.csv, the pages of the sheet's `export_rpc`: people as the caller may see them) and import jobs."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

from flask import Response, current_app, request, stream_with_context, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import RequestEntityTooLarge

from services.chassis.errors import rejected
from services.chassis.messages import CATALOGUE
from services.chassis.registers.pipeline import describe, records, summary
from services.chassis.registers.sheets.cells import guard_formula
from services.chassis.validation import StrictSchema, load
from services.registry import contract

from .. import errors, imports
from services.chassis import permissions as can
from ..auth import current_user

from . import actor, require, rpc, signer
from .orgs import OrgFilters
from .people import PersonFilters

# register -> its blueprint's name, the list's filters, the permissions to export and to import
REGISTERS = {
    "orgs": ("org_spreadsheets", OrgFilters, can.READ_ORGS, can.IMPORT_ORGS,
             "องค์กรชุมชน — spreadsheets: template, export, import"),
    "people": ("people_spreadsheets", PersonFilters, can.READ_PEOPLE, can.IMPORT_PEOPLE,
               "บุคคลในเครือข่าย — spreadsheets: template, export (masked by role), import"),
}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


class ImportForm(StrictSchema):
    dry_run = fields.Boolean(load_default=False)
    accept_valid_rows = fields.Boolean(load_default=False)
    sheet = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class JobMessage(Schema):
    th = fields.String()
    en = fields.String()


class JobProblem(Schema):
    row = fields.Integer(allow_none=True, metadata={"description": "the spreadsheet's row number"})
    column = fields.String(metadata={"description": "the column's header as written in the file"})
    field = fields.String()
    code = fields.String()
    params = fields.Dict()
    message = fields.Nested(JobMessage)


class ImportProgress(Schema):
    done = fields.Integer(metadata={"description": "rows done in the current phase"})
    total = fields.Integer(allow_none=True)


class ImportCounts(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    rejected = fields.Integer()


class ImportJob(Schema):
    id = fields.String()
    status = fields.String(metadata={"enum": ["queued", "checking", "importing", "done", "failed"]})
    filename = fields.String()
    dry_run = fields.Boolean()
    accept_valid_rows = fields.Boolean()
    progress = fields.Nested(ImportProgress)
    counts = fields.Nested(ImportCounts, allow_none=True, metadata={
        "description": "what the import did; in a dry run, what its good rows would do, beside the rows rejected"})
    summary = fields.List(fields.Nested(JobMessage), metadata={
        "description": "the counts and what became of the file, in Thai and English (what the CLI prints)"})
    written = fields.Boolean(metadata={"description": "whether anything was written"})
    problems = fields.List(fields.Nested(JobProblem))
    errors_csv = fields.String(metadata={"description": "URL of the problems as a CSV file"})
    created_at = fields.String()
    updated_at = fields.String()


def _binary(content_type: str, description: str) -> dict:
    return {"responses": {"200": {"description": description,
                                  "content": {content_type: {"schema": {"type": "string", "format": "binary"}}}}}}


MULTIPART = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": ".xlsx, or .csv in UTF-8 or TIS-620"},
        "dry_run": {"type": "boolean", "default": False, "description": "check and count, write nothing"},
        "accept_valid_rows": {"type": "boolean", "default": False,
                              "description": "import the valid rows even if some are rejected"},
        "sheet": {"type": "string", "description": "the sheet to read (default: the template's, else the first)"},
    },
}}}}}


def _attachment(body, content_type: str, name: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _stamp() -> str:
    return date.today().strftime("%Y%m%d")


def _records(register: str, query: dict):
    """The records the query selects, page by page over RPC (for streaming responses), from the
    sheet's `export_rpc` (`list`; people: `export_page`, every field as the caller may see it)."""
    filters = {k: str(v) for k, v in query.items() if v}
    export_rpc = contract(register, "sheet").SHEET.export_rpc

    def list_page(filters_, page, per_page):
        with rpc() as cluster:
            return getattr(getattr(cluster, register), export_rpc)(filters_, page, per_page)

    return records(list_page, filters)


def _job(register: str, job_id) -> dict:
    """A job of the register, to the user who started it, admins and auditors (to anyone else:
    not found)."""
    user = current_user()
    if user.role != can.AUDITOR:
        can.require_somewhere(user, imports.IMPORTS[register])
    job = imports.job_store().get(str(job_id))
    if job is None or imports.register_of(job["options"]) != register or not _may_see(user, job):
        abort(404)
    return job


def _may_see(user, job: dict) -> bool:
    started_by = json.loads(job["actor"]).get("user")
    return started_by == user.name or user.role in (can.ADMIN, can.AUDITOR)


def job_view(job: dict) -> dict:
    result, options = job["result"], job["options"]
    name = REGISTERS[imports.register_of(options)][0]
    return {
        "id": job["id"], "status": job["status"], "filename": job["filename"],
        "dry_run": options["dry_run"], "accept_valid_rows": options["accept_valid"],
        "progress": {"done": job["done"], "total": job["total"]},
        "counts": result.get("counts"), "written": bool(result.get("written")),
        "summary": summary(result["counts"], bool(result.get("problems")), options["dry_run"],
                           options["accept_valid"]) if result.get("counts") else [],
        "problems": [describe(p) for p in result.get("problems", [])],
        "errors_csv": url_for(f"{name}.ImportErrors", job_id=job["id"]),
        "created_at": job["created_at"], "updated_at": job["updated_at"],
    }


def _blueprint(register: str) -> Blueprint:
    """A register's spreadsheet routes (mounted under its /api/v1/<register>)."""
    name, filters, read, import_, description = REGISTERS[register]
    sheet = contract(register, "sheet").SHEET
    blp = Blueprint(name, __name__, description=description)

    @blp.route("/template.xlsx")
    class Template(MethodView):
        @blp.response(200, content_type=XLSX, description="the import template")
        @blp.doc(**_binary(XLSX, "the import template: Thai headers, an example row, a guide and the code lists"))
        def get(self):
            """The import template (.xlsx)"""
            return _attachment(sheet.template(), XLSX, f"sanphalang-{register}-template.xlsx")

    @blp.route("/export.xlsx")
    class ExportXlsx(MethodView):
        @blp.arguments(filters, location="query")
        @blp.response(200, content_type=XLSX, description="the records as a workbook")
        @blp.doc(**_binary(XLSX, "the records the filters select, Thai headers"))
        def get(self, query):
            """Export the register (.xlsx) with the list's filters"""
            require(read)
            return _attachment(sheet.write_xlsx(_records(register, query)), XLSX,
                               f"sanphalang-{register}-{_stamp()}.xlsx")

    @blp.route("/export.csv")
    class ExportCsv(MethodView):
        @blp.arguments(filters, location="query")
        @blp.response(200, content_type=CSV, description="the records as CSV")
        @blp.doc(**_binary(CSV, "UTF-8 with a byte-order mark (Excel shows the Thai), Thai headers"))
        def get(self, query):
            """Export the register (.csv) with the list's filters"""
            require(read)
            body = stream_with_context(sheet.iter_csv(_records(register, query)))
            return _attachment(body, CSV, f"sanphalang-{register}-{_stamp()}.csv")

    @blp.route("/imports")
    class Imports(MethodView):
        @blp.response(202, ImportJob, description="the job, queued; poll its Location")
        @blp.doc(**MULTIPART)
        def post(self):
            """Import a spreadsheet: starts a job (all rows or none, unless accept_valid_rows)"""
            can.require_somewhere(current_user(), import_)
            try:
                form, upload = load(ImportForm(), request.form.to_dict()), request.files.get("file")
            except RequestEntityTooLarge:
                limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
                return errors.body("file_too_large", 413, max_mb=limit)
            if upload is None or not upload.filename:
                raise rejected("file", "required")
            options = {"register": register, "dry_run": form["dry_run"], "accept_valid": form["accept_valid_rows"],
                       "sheet": form["sheet"]}
            job_id = imports.start(imports.job_store(), imports.long_pool(), upload.read(), upload.filename, options,
                                   actor(current_user()), signer())
            return job_view(imports.job_store().get(job_id)), 202, {
                "Location": url_for(f"{name}.ImportStatus", job_id=job_id)}

    @blp.route("/imports/<uuid:job_id>")
    class ImportStatus(MethodView):
        @blp.response(200, ImportJob)
        def get(self, job_id):
            """An import job: status, progress, counts, and every problem in Thai and English"""
            return job_view(_job(register, job_id))

    @blp.route("/imports/<uuid:job_id>/errors.csv")
    class ImportErrors(MethodView):
        @blp.response(200, content_type=CSV, description="the problems of an import")
        @blp.doc(**_binary(CSV, "row, column, Thai message, English message (UTF-8 with a byte-order mark)"))
        def get(self, job_id):
            """An import's problems as a CSV file to fix the spreadsheet by"""
            job = _job(register, job_id)
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow([CATALOGUE[code][0] for code in ("err_row", "err_column", "err_th", "err_en")])
            for problem in job["result"].get("problems", []):
                text = describe(problem)["message"]
                writer.writerow([problem.get("row") or "", guard_formula(problem.get("column") or ""),
                                 text["th"], text["en"]])
            return _attachment("\ufeff" + buffer.getvalue(), CSV, f"import-{job['id']}-errors.csv")

    return blp


blp = _blueprint("orgs")  # /api/v1/orgs
people_blp = _blueprint("people")  # /api/v1/people
