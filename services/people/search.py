"""How the people register is searched (the kit's Thai text search over names, among the
people who may be listed) and where its duplicate candidates are looked for: a similar name
in one subdistrict (the kit's), or one national ID or phone number (their blind indexes)."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine

from services.chassis.registers.duplicates import DuplicateSearch
from services.chassis.registers.search import TextSearch, like_pattern
from services.contracts.people.limits import COUNT_CAP, DUPLICATE_FILTERS, PLACE_FILTERS

from .readmodel import people

SEARCH = TextSearch(
    table=people,
    filters={
        "listed": ("listed", "="), "center": ("center", "="), "province": ("province", "="),
        "district": ("district", "="), "subdistrict": ("subdistrict", "="),
        # multi-valued columns hold " code code ": a code is matched with its spaces
        "role": ("roles", "LIKE"), "skill": ("skills", "LIKE"), "language": ("languages", "LIKE"),
        "training": ("training_names", "LIKE"),
    },
    places=PLACE_FILTERS,
    keys=("listed", "roles", "skills", "languages"),
    count_cap=COUNT_CAP,
)
_WORDS = ("role", "skill", "language")


def filters_for(filters: dict) -> dict:
    """A caller's filters as the search's: only people who may be listed; a code of a
    multi-valued column as a LIKE pattern of the word, a training as a part of its name."""
    out = {k: v for k, v in filters.items() if k not in (*_WORDS, "training", "listed")}
    out["listed"] = "y"
    for name in _WORDS:
        if filters.get(name):
            out[name] = f"% {filters[name]} %"
    if filters.get("training"):
        out["training"] = like_pattern(str(filters["training"]))
    return out


SHOWN = ("id", "version", "name", "name_en", "center", "province", "district", "subdistrict", "roles", "created_at",
         "listed")
NAMES = DuplicateSearch(table=people, shown=SHOWN, filters=DUPLICATE_FILTERS, members="people")


def duplicate_groups(engine: Engine, filters: dict, page: int, per_page: int) -> dict:
    """Groups of people who may be one: the same national ID or phone (blind index), or a
    similar name in one subdistrict; each group says why."""
    groups = []
    for column, why in (("national_id_index", "national_id"), ("phone_index", "phone")):
        groups += [{**g, "why": why} for g in _same_index(engine, column, filters)]
    seen = {frozenset(m["id"] for m in g["people"]) for g in groups}
    named = [_listed(g) for g in NAMES.groups(engine, filters, 1, 10_000_000)["groups"]]
    groups += [{**g, "why": "name"} for g in named
               if len(g["people"]) > 1 and frozenset(m["id"] for m in g["people"]) not in seen]
    page, per_page = max(int(page or 1), 1), max(int(per_page or 50), 1)
    first = (page - 1) * per_page
    return {"groups": groups[first:first + per_page], "total": len(groups), "page": page, "per_page": per_page}


def _listed(group: dict) -> dict:
    """A group without its restricted members (stored only: not processed as duplicates)."""
    return {**group, "people": [{k: v for k, v in m.items() if k != "listed"} for m in group["people"]
                                if m["listed"] == "y"]}


def _same_index(engine: Engine, column: str, filters: dict) -> list[dict]:
    terms, params = [f"{column} IS NOT NULL", "listed = 'y'"], {}
    for name in DUPLICATE_FILTERS:
        if filters.get(name):
            terms.append(f"{name} = :{name}")
            params[name] = str(filters[name])
    where = " AND ".join(terms)
    columns = ", ".join(SHOWN)
    sql = (f"SELECT {column} AS k, {columns} FROM people WHERE {where} AND {column} IN "
           f"(SELECT {column} FROM people WHERE {where} GROUP BY {column} HAVING count(*) > 1) ORDER BY {column}, name, id")
    found: dict[str, list[dict]] = {}
    with engine.connect() as conn:
        for row in conn.execute(text(sql), params).mappings():
            found.setdefault(row["k"], []).append({k: row[k] for k in SHOWN if k != "listed"})
    return [{"subdistrict": members[0].get("subdistrict"), "key": key[:8], "people": members}
            for key, members in found.items()]
