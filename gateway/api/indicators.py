"""/api/v1/indicators: the seven indicators per nation, region, province or center, with their
targets, breakdowns, monthly series and what changed in a month; the targets themselves
(set by central admins)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from services.chassis import permissions as can
from services.chassis.validation import Text, max_length
from services.contracts.reporting import INDICATORS, SCOPES

from . import command_key, require, rpc

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
    target = fields.Integer(allow_none=True, metadata={
        "description": "the place's target: the national one, a center's own, or the default split "
                       "(docs/reporting.md); a province's or region's is the sum of its centers'"})
    target_kind = fields.String(metadata={"enum": ["national", "set", "default"]})
    share = fields.Float(allow_none=True, metadata={"description": "percent of the target reached"})


class Place(Schema):
    scope = fields.String()
    code = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    indicators = fields.List(fields.Nested(IndicatorValue))


class IndicatorReport(Schema):
    scope = fields.String()
    as_of = fields.String(allow_none=True)
    data_at = fields.String(allow_none=True, metadata={"description": "when the newest event counted was recorded"})
    places = fields.List(fields.Nested(Place))


class BreakdownPlace(Schema):
    scope = fields.String()
    code = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    breakdowns = fields.Dict(keys=fields.String(), values=fields.Dict(), metadata={
        "description": "indicator -> dimension -> code -> count (non-zero counts only)"})


class BreakdownReport(Schema):
    scope = fields.String()
    as_of = fields.String(allow_none=True)
    places = fields.List(fields.Nested(BreakdownPlace))


class Series(Schema):
    scope = fields.String()
    code = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    as_of = fields.String()
    months = fields.List(fields.String(), metadata={"description": "YYYY-MM, from the first month with data"})
    indicators = fields.Dict(keys=fields.String(), values=fields.List(fields.Integer()),
                             metadata={"description": "indicator -> its value at the end of each month"})
    targets = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True))


class ActivityQuery(Schema):
    scope = fields.String(load_default="nation", validate=validate.OneOf(SCOPES))
    code = Text(load_default=None, validate=max_length(8))
    month = fields.String(load_default=None, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$"),
                          metadata={"description": "YYYY-MM (C.E.); default this month"})


class ActivityCenter(Schema):
    code = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "`<register>.<change>` -> events in the month"})


class Activity(Schema):
    month = fields.String()
    scope = fields.String()
    code = fields.String()
    changes = fields.List(fields.String())
    centers = fields.List(fields.Nested(ActivityCenter))
    totals = fields.Dict(keys=fields.String(), values=fields.Integer())


class TargetRow(Schema):
    indicator = fields.String()
    center = fields.String()
    target = fields.Integer()
    set_by = fields.String()
    set_at = fields.String()


class TargetListing(Schema):
    national = fields.Dict(keys=fields.String(), values=fields.Integer())
    centers = fields.List(fields.Nested(TargetRow), metadata={"description": "the targets centers have of their own"})
    defaults = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()),
                           metadata={"description": "indicator -> center -> its default target"})


class TargetBody(Schema):
    indicator = fields.String(required=True, validate=validate.OneOf([i.key for i in INDICATORS]))
    center = Text(required=True, validate=max_length(8), metadata={"description": "a center code, or TH: the national target"})
    target = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10_000_000))


class TargetSet(Schema):
    indicator = fields.String()
    center = fields.String()
    target = fields.Integer()
    seq = fields.Integer()


def _as_of(query) -> str | None:
    return query["as_of"].isoformat() if query["as_of"] else None


@blp.route("")
class Indicators(MethodView):
    @blp.arguments(IndicatorQuery, location="query")
    @blp.response(200, IndicatorReport)
    def get(self, query):
        """Indicator values with their targets, always current (or as of a date)"""
        as_of = query["as_of"].isoformat() if query["as_of"] else None
        with rpc() as cluster:
            return cluster.reporting.indicators(query["scope"], query["code"], as_of)


@blp.route("/breakdowns")
class Breakdowns(MethodView):
    @blp.arguments(IndicatorQuery, location="query")
    @blp.response(200, BreakdownReport)
    def get(self, query):
        """Breakdowns: organizations by type, strength and verification age, people by skill, knowledge by
        category, kind and status, campaigns by status and channel"""
        with rpc() as cluster:
            return cluster.reporting.breakdowns(query["scope"], query["code"], _as_of(query))


@blp.route("/series")
class MonthlySeries(MethodView):
    @blp.arguments(IndicatorQuery, location="query")
    @blp.response(200, Series)
    def get(self, query):
        """Each indicator at the end of every month of one place (the nation when no code)"""
        with rpc() as cluster:
            return cluster.reporting.series(query["scope"], query["code"], _as_of(query))


@blp.route("/activity")
class MonthActivity(MethodView):
    @blp.arguments(ActivityQuery, location="query")
    @blp.response(200, Activity)
    def get(self, query):
        """What changed in a month, per center: registrations, amendments, verifications, merges, erasures..."""
        with rpc() as cluster:
            return cluster.reporting.activity(query["scope"], query["code"], query["month"])


@blp.route("/targets")
class Targets(MethodView):
    @blp.response(200, TargetListing)
    def get(self):
        """The targets: national, the centers' own, and each center's default split"""
        with rpc() as cluster:
            return cluster.reporting.targets()

    @blp.arguments(TargetBody)
    @blp.response(200, TargetSet)
    def put(self, body):
        """Set a center's (or, with TH, the national) target of one indicator: central admins; an event"""
        require(can.SET_TARGETS)  # the public's call would reach reporting unsigned: 401, not 503
        with rpc() as cluster:
            return cluster.reporting.set_target(body["indicator"], body["center"], body["target"], key=command_key())
