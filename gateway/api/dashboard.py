"""/api/v1/dashboard: a dashboard's tables as JSON (public, `read_indicators`): the same tables
the pages show and download (gateway/web/dashboard_tables.py), labels in Thai and English."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from services.chassis import permissions as can
from services.chassis.validation import IsoDate, Text, max_length
from services.contracts.reporting import SCOPES

from gateway.web import dashboard_data as data
from gateway.web import dashboard_places as places

from . import require, rpc

blp = Blueprint("dashboard", __name__, description="แดชบอร์ดตัวชี้วัด — a dashboard's tables, as of any day")


class DashboardQuery(Schema):
    scope = fields.String(load_default="nation", validate=validate.OneOf(SCOPES))
    code = Text(load_default=None, validate=max_length(8),
                metadata={"description": "the region, province or center (not for the nation)"})
    as_of = IsoDate(load_default=None, metadata={"description": "a Bangkok day, B.E. or C.E.; default today"})


class Label(Schema):
    th = fields.String()
    en = fields.String()


class PlaceRef(Schema):
    scope = fields.String()
    code = fields.String(allow_none=True)
    name = fields.Nested(Label)


class Column(Schema):
    key = fields.String()
    title = fields.Nested(Label)
    kind = fields.String(metadata={"enum": ["label", "text", "count", "percent"]})


class Row(Schema):
    key = fields.String()
    cells = fields.List(fields.Raw(allow_none=True), metadata={
        "description": "one a column: a label {th, en}, a count, a percent (1 decimal) or null"})
    place = fields.Nested(PlaceRef, allow_none=True, metadata={"description": "the place the row is about"})


class Table(Schema):
    id = fields.String()
    title = fields.Nested(Label)
    columns = fields.List(fields.Nested(Column))
    rows = fields.List(fields.Nested(Row))


class DashboardAnswer(Schema):
    place = fields.Nested(PlaceRef)
    trail = fields.List(fields.Nested(PlaceRef), metadata={"description": "from the nation down to the place"})
    as_of = fields.String(allow_none=True)
    data_at = fields.String(allow_none=True, metadata={"description": "when the newest event counted was appended"})
    tables = fields.List(fields.Nested(Table))


def _label(pair) -> dict | None:
    return {"th": pair[0], "en": pair[1]} if isinstance(pair, tuple) else pair


def _place(place) -> dict:
    return {"scope": place.scope, "code": place.code, "name": _label(place.name)}


def _table(table) -> dict:
    return {"id": table.id, "title": _label(table.title),
            "columns": [{"key": c.key, "title": _label(c.title), "kind": c.kind} for c in table.columns],
            "rows": [{"key": r.key, "cells": [_label(v) for v in r.cells],
                      "place": _place(r.place) if r.place else None} for r in table.rows]}


@blp.route("")
class Dashboard(MethodView):
    @blp.arguments(DashboardQuery, location="query")
    @blp.response(200, DashboardAnswer)
    def get(self, query):
        """A place's dashboard: its indicators against targets, the monthly series, the places one
        level down, the breakdowns (404 for a place there is not)"""
        require(can.READ_INDICATORS)
        place = places.place(query["scope"], query["code"])
        as_of = query["as_of"].isoformat() if query["as_of"] else None
        with rpc() as cluster:
            board = data.load(cluster, place, as_of)
        return {"place": _place(place), "trail": [_place(p) for p in board.trail], "as_of": as_of,
                "data_at": board.data_at, "tables": [_table(t) for t in board.tables.values()]}
