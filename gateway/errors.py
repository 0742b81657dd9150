"""One registry from errors to HTTP, and the one error body every response uses:
{"error": {"code", "message": {"th", "en"}, "fields": [{"field", "row", "code", "message"}]}}"""
from __future__ import annotations

import logging

from flask import current_app, jsonify
from marshmallow import Schema, ValidationError, fields
from nameko.exceptions import RpcTimeout
from werkzeug.exceptions import HTTPException

from services.chassis.errors import Archived, AssertionRefused, CommandRejected, Conflict, NotFound
from services.chassis.messages import message
from services.chassis.validation import problems_from

log = logging.getLogger(__name__)

STATUS = {CommandRejected: 422, Conflict: 409, NotFound: 404, Archived: 409}
HTTP_CODES = {400: "invalid", 404: "not_found", 405: "method_not_allowed",
              415: "unsupported_media_type", 428: "precondition_required"}
# 413 is answered with file_too_large and the limit, below


class FieldErrorSchema(Schema):
    field = fields.String(required=True)
    row = fields.Integer(allow_none=True)
    code = fields.String(required=True)
    message = fields.Dict(keys=fields.String(), values=fields.String())


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    current_version = fields.Integer()
    field_errors = fields.List(fields.Nested(FieldErrorSchema), data_key="fields")


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


def body(code: str, status: int, **extra):
    response = jsonify({"error": {"code": code, "message": message(code, **extra), **extra}})
    response.status_code = status
    return response


def from_caller_error(error) -> tuple:
    detail = error.to_dict()
    response = jsonify({"error": detail})
    response.status_code = STATUS[type(error)]
    if isinstance(error, Conflict):
        response.headers["ETag"] = f'"{error.current_version}"'
    return response


def from_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if error.code == 400 and "Invalid JSON" in str(messages):
        detail = CommandRejected([{"field": "_body", "code": "invalid_json"}]).to_dict()
        response = jsonify({"error": {**detail, "code": "invalid_json", "message": message("invalid_json")}})
        response.status_code = 400
        return response
    if messages:  # webargs validation of a body or query: our schemas' codes
        problems = []
        for location in messages.values():
            problems += _problems(location)
        response = jsonify({"error": CommandRejected(problems).to_dict()})
        response.status_code = 422
        return response
    if error.code == 413:
        return body("file_too_large", 413, max_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))
    return body(HTTP_CODES.get(error.code, "invalid"), error.code or 500)


def _problems(messages) -> list[dict]:
    return problems_from(ValidationError(messages))


def register(app) -> None:
    from services.chassis.permissions import Forbidden

    for kind in STATUS:
        app.register_error_handler(kind, from_caller_error)
    app.register_error_handler(Forbidden, lambda error: body(error.code, error.status))
    # a service refused the gateway's own assertion: its keys or clock are not as they should be
    app.register_error_handler(AssertionRefused, lambda error: body(error.code, 503))

    @app.errorhandler(RpcTimeout)
    def _timeout(_error):
        return body("unavailable", 503)
