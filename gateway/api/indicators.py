"""/api/v1/indicators: the seven indicators per nation, region, province or center."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from services.chassis.validation import Text, max_length
from services.contracts.reporting import SCOPES

from . import rpc

blp = Blueprint("indicators", __name__, description="ตัวชี้วัด — the network's indicators")


class IndicatorQuery(Schema):
    scope = fields.String(load_default="nation", validate=validate.OneOf(SCOPES))
    code = Text(load_default=None, validate=max_length(8), metadata={"description": "one region, province or center code"})
    as_of = fields.Date(load_default=None, metadata={"description": "a Bangkok calendar date; default today"})


class IndicatorValue(Schema):
    number = fields.Integer()
    key = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    value = fields.Integer()
    target = fields.Integer(allow_none=True)


class Place(Schema):
    scope = fields.String()
    code = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    indicators = fields.List(fields.Nested(IndicatorValue))


class IndicatorReport(Schema):
    scope = fields.String()
    as_of = fields.String(allow_none=True)
    places = fields.List(fields.Nested(Place))


@blp.route("")
class Indicators(MethodView):
    @blp.arguments(IndicatorQuery, location="query")
    @blp.response(200, IndicatorReport)
    def get(self, query):
        """Indicator values with their targets, always current (or as of a date)"""
        as_of = query["as_of"].isoformat() if query["as_of"] else None
        with rpc() as cluster:
            return cluster.reporting.indicators(query["scope"], query["code"], as_of)
