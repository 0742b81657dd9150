"""What reporting answers: indicator values per scope as of any date, with targets."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from services import reference

from services.contracts.reporting import INDICATORS, NATION, SCOPES
from .projections import indicator_deltas


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
