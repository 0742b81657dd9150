"""What reporting answers: indicator values per scope as of any date, with targets, and the
breakdowns of their records by code (knowledge items by category, kind and status, campaigns
by status)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from services import reference

from services.contracts.reporting import INDICATORS, NATION, SCOPES
from .projections import breakdown_deltas, indicator_deltas


def scope_name(scope: str, code: str) -> tuple[str, str]:
    if scope == "nation":
        return "ประเทศไทย", "Thailand"
    if scope == "region":
        return reference.REGIONS.get(code, (code, code))
    if scope == "province":
        found = reference.province(code)
        return (found.name_th, found.name_en) if found else (code, code)
    found = reference.center(code)
    return (found.name_th, found.name_en) if found else (code, code)


def indicator_values(engine: Engine, scope: str = "nation", code: str | None = None, as_of: str | None = None) -> dict:
    """Every indicator for every place of `scope` (or just `code`), as of a Bangkok date."""
    if scope not in SCOPES:
        raise ValueError(scope)
    query = (
        select(indicator_deltas.c.indicator, indicator_deltas.c.code, func.sum(indicator_deltas.c.delta))
        .where(indicator_deltas.c.scope == scope)
        .group_by(indicator_deltas.c.indicator, indicator_deltas.c.code)
    )
    if code:
        query = query.where(indicator_deltas.c.code == code)
    if as_of:
        query = query.where(indicator_deltas.c.day <= as_of)
    with engine.connect() as conn:
        values = {(i, c): int(v) for i, c, v in conn.execute(query)}
    codes = sorted({c for _, c in values} | ({code} if code else {NATION} if scope == "nation" else set()))
    places = []
    for place in codes:
        name_th, name_en = scope_name(scope, place)
        places.append({
            "scope": scope, "code": place, "name_th": name_th, "name_en": name_en,
            "indicators": [
                {
                    "number": i.number, "key": i.key, "name_th": i.name_th, "name_en": i.name_en,
                    "value": values.get((i.key, place), 0),
                    "target": i.target if scope == "nation" else None,
                }
                for i in INDICATORS
            ],
        })
    return {"scope": scope, "as_of": as_of, "places": places}



def breakdown_values(engine: Engine, scope: str = "nation", code: str | None = None, as_of: str | None = None) -> dict:
    """The breakdowns of every place of `scope` (or just `code`) as of a Bangkok date:
    {"scope", "as_of", "places": [{scope, code, name_th, name_en, "breakdowns":
    {indicator: {dimension: {code: count}}}}]}, non-zero counts only. The codes are the
    register's (its contract's code lists label them); what each breakdown counts is its
    projector's (docs/decisions.md, Reporting)."""
    if scope not in SCOPES:
        raise ValueError(scope)
    t = breakdown_deltas
    query = (
        select(t.c.code, t.c.indicator, t.c.dimension, t.c.value, func.sum(t.c.delta))
        .where(t.c.scope == scope)
        .group_by(t.c.code, t.c.indicator, t.c.dimension, t.c.value)
    )
    if code:
        query = query.where(t.c.code == code)
    if as_of:
        query = query.where(t.c.day <= as_of)
    found: dict[str, dict] = {}
    with engine.connect() as conn:
        for place, indicator, dimension, value, n in conn.execute(query):
            if n:
                found.setdefault(place, {}).setdefault(indicator, {}).setdefault(dimension, {})[value] = int(n)
    places = []
    for place in sorted(set(found) | ({code} if code else {NATION} if scope == "nation" else set())):
        name_th, name_en = scope_name(scope, place)
        places.append({"scope": scope, "code": place, "name_th": name_th, "name_en": name_en,
                       "breakdowns": found.get(place, {})})
    return {"scope": scope, "as_of": as_of, "places": places}
