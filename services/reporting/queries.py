"""What reporting answers: indicator values per scope as of any date, with targets, the
breakdowns of their records by code, the monthly series, and what changed in a month. Every
answer is "as of" a Bangkok day (today when not given): deltas dated later (a verification's
anniversary) are not yet counted."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from services import reference

from services.chassis import tables
from services.chassis.thai import bangkok_day
from services.chassis.envelope import utc_timestamp
from services.contracts.reporting import CHANGES, INDICATORS, NATION, SCOPES

from . import targets as goals
from .deltas import activity_deltas, breakdown_deltas, indicator_deltas


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


def today() -> str:
    return bangkok_day(utc_timestamp())


def every_place(scope: str) -> list[str]:
    """The codes of every place of a scope (a place with no data yet has its target all the same)."""
    if scope == "nation":
        return [NATION]
    if scope == "region":
        return sorted(reference.REGIONS)
    if scope == "province":
        return sorted(p.code for p in reference.provinces())
    return sorted(c.code for c in reference.centers())


def indicator_values(engine: Engine, scope: str = "nation", code: str | None = None, as_of: str | None = None) -> dict:
    """Every indicator for every place of `scope` (or just `code`), as of a Bangkok date, with
    each place's target (national, set for a center, or the default split: `target_kind`) and
    the share reached; `data_at` is when the newest event projected was appended."""
    if scope not in SCOPES:
        raise ValueError(scope)
    as_of = as_of or today()
    query = (
        select(indicator_deltas.c.indicator, indicator_deltas.c.code, func.sum(indicator_deltas.c.delta))
        .where(indicator_deltas.c.scope == scope)
        .group_by(indicator_deltas.c.indicator, indicator_deltas.c.code)
    )
    if code:
        query = query.where(indicator_deltas.c.code == code)
    query = query.where(indicator_deltas.c.day <= as_of)
    with engine.connect() as conn:
        values = {(i, c): int(v) for i, c, v in conn.execute(query)}
        chosen = goals.Targets(conn)
        data_at = conn.execute(select(func.max(tables.freshness.c.event_at))).scalar()
    codes = [code] if code else every_place(scope)
    places = []
    for place in codes:
        name_th, name_en = scope_name(scope, place)
        indicators = []
        for i in INDICATORS:
            value, (target, kind) = values.get((i.key, place), 0), chosen.of(i.key, scope, place)
            indicators.append({
                "number": i.number, "key": i.key, "name_th": i.name_th, "name_en": i.name_en,
                "value": value, "target": target, "target_kind": kind, "share": share(value, target),
            })
        places.append({"scope": scope, "code": place, "name_th": name_th, "name_en": name_en,
                       "indicators": indicators})
    return {"scope": scope, "as_of": as_of, "data_at": data_at, "places": places}


def share(value: int, target: int | None) -> float | None:
    """The share of the target reached, in percent (None without a target)."""
    return round(100 * value / target, 1) if target else None



def breakdown_values(engine: Engine, scope: str = "nation", code: str | None = None, as_of: str | None = None) -> dict:
    """The breakdowns of every place of `scope` (or just `code`) as of a Bangkok date:
    {"scope", "as_of", "places": [{scope, code, name_th, name_en, "breakdowns":
    {indicator: {dimension: {code: count}}}}]}, non-zero counts only. The codes are the
    register's (its contract's code lists label them); what each breakdown counts is its
    projector's (docs/decisions.md, Reporting)."""
    if scope not in SCOPES:
        raise ValueError(scope)
    as_of = as_of or today()
    t = breakdown_deltas
    query = (
        select(t.c.code, t.c.indicator, t.c.dimension, t.c.value, func.sum(t.c.delta))
        .where(t.c.scope == scope)
        .group_by(t.c.code, t.c.indicator, t.c.dimension, t.c.value)
    )
    if code:
        query = query.where(t.c.code == code)
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


def series(engine: Engine, scope: str = "nation", code: str | None = None, as_of: str | None = None) -> dict:
    """Each indicator's value at the end of every month, from the first month with a delta
    anywhere to `as_of`'s month (whose value is the one of `as_of` itself)."""
    if scope not in SCOPES:
        raise ValueError(scope)
    as_of, code = as_of or today(), code or NATION
    t = indicator_deltas
    month = func.substr(t.c.day, 1, 7)
    query = (select(t.c.indicator, month, func.sum(t.c.delta))
             .where(t.c.scope == scope, t.c.code == code, t.c.day <= as_of)
             .group_by(t.c.indicator, month))
    with engine.connect() as conn:
        moves = {(indicator, m): int(n) for indicator, m, n in conn.execute(query)}
        first = conn.execute(select(func.min(t.c.day)).where(t.c.scope == "nation")).scalar()
        chosen = goals.Targets(conn)
    months = _months(first[:7] if first and first <= as_of else as_of[:7], as_of[:7])
    values = {}
    for i in INDICATORS:
        running, column = 0, []
        for m in months:
            running += moves.get((i.key, m), 0)
            column.append(running)
        values[i.key] = column
    name_th, name_en = scope_name(scope, code)
    return {"scope": scope, "code": code, "name_th": name_th, "name_en": name_en, "as_of": as_of,
            "months": months, "indicators": values,
            "targets": {i.key: chosen.of(i.key, scope, code)[0] for i in INDICATORS}}


def _months(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def activity(engine: Engine, scope: str = "nation", code: str | None = None, month: str | None = None) -> dict:
    """What changed in a month (`YYYY-MM`, this month when not given) in a place, per center:
    how many events of each register's kind of change ("orgs.registered", "people.erased"...)."""
    if scope not in SCOPES:
        raise ValueError(scope)
    month, code = month or today()[:7], code or NATION
    centers = set(goals.centers_of(scope, code))
    t = activity_deltas
    query = (select(t.c.code, t.c.source, t.c.change, func.sum(t.c.delta))
             .where(t.c.scope == "center", t.c.day >= f"{month}-01", t.c.day <= f"{month}-31")
             .group_by(t.c.code, t.c.source, t.c.change))
    found: dict[str, dict] = {}
    totals: dict[str, int] = {}
    with engine.connect() as conn:
        for center, source, change, n in conn.execute(query):
            if center in centers and n:
                key = f"{source}.{change}"
                found.setdefault(center, {})[key] = int(n)
                totals[key] = totals.get(key, 0) + int(n)
    rows = []
    for center in sorted(found):
        name_th, name_en = scope_name("center", center)
        rows.append({"code": center, "name_th": name_th, "name_en": name_en, "counts": found[center]})
    return {"month": month, "scope": scope, "code": code, "changes": list(CHANGES), "centers": rows,
            "totals": totals}
