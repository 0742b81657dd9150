"""Searching the register at scale: a fresh SQLite file and a fresh PostgreSQL database filled
with `count` realistic organizations, ~200 varied queries through the register's search, and beside
each figure the same queries as a plain `name LIKE '%q%'` scan without the trigram index.

    python -c "import eventlet; eventlet.monkey_patch(); from tests.bench import search_orgs as s; print(s.report(s.run()))"
"""
from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
import unicodedata
from pathlib import Path

from sqlalchemy import text

from services import reference
from services.chassis.database import bulk_insert, make_engine
from services.chassis.envelope import new_ids
from services.chassis.registers import search as kit
from services.orgs import readmodel, search
from services.orgs.names import normalize

from .data import org_rows

QUERIES = 200
TARGET_P95_MS = 100.0
CHUNK = 20_000
STRENGTHS = ("strong", "moderate", "developing")
CRITERIA = ("regular_meetings", "own_fund", "member_participation", "clear_rules")


def table_rows(count: int, seed: int = 2559) -> list[dict]:
    """`count` read-model rows as the projection would write them: the demo payloads, a few
    archived or merged, some assessed and verified, and 1% near-duplicates of another row in
    the same subdistrict (spacing, digits or a prefix changed), for `duplicates` to find."""
    rnd = random.Random(seed)
    payloads = org_rows(count, seed)
    ids = new_ids(count)
    at = "2025-01-01T00:00:00.000000Z"
    rows = []
    for n, (org_id, p) in enumerate(zip(ids, payloads)):
        name = p["name"]
        if n and rnd.random() < 0.01:  # a near-duplicate of an earlier row, in its subdistrict
            other = rows[rnd.randrange(len(rows))]
            p = {**p, **{k: other[k] for k in ("province", "district", "subdistrict")}}
            name = _variant(rnd, other["name"])
        status = rnd.choices(("active", "archived", "merged"), (92, 5, 3))[0]
        assessed = rnd.random() < 0.4
        verified = rnd.random() < 0.3
        rows.append({
            "id": org_id, "version": 1, "status": status, "name": name, "name_en": p.get("name_en"),
            "name_key": normalize(name), "type": p["type"], "province": p["province"],
            "district": p["district"], "subdistrict": p["subdistrict"], "village_no": p["village_no"],
            "address": p["address"], "founded_year": p["founded_year"] - 543, "members": p["members"],
            "areas": json.dumps(p["areas"]), "contact_person": None, "source": p["source"],
            "center": reference.center_for(p["province"], p["district"]).code,
            "strength_level": rnd.choice(STRENGTHS) if assessed else None,
            "strength_criteria": json.dumps(rnd.sample(CRITERIA, 2)) if assessed else None,
            "strength_assessed_on": "2025-03-01" if assessed else None,
            "strength_assessor": "bench" if assessed else None,
            "verified_on": f"202{rnd.randint(3, 5)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            if verified else None,
            "verified_by": "bench" if verified else None,
            "merged_into": ids[0] if status == "merged" else None,
            "created_at": at, "updated_at": at,
        })
    return rows


def _variant(rnd: random.Random, name: str) -> str:
    kind = rnd.randrange(3)
    if kind == 0:
        return name.replace(" ", "  ") + " "
    if kind == 1:
        return name.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    return "กลุ่ม" + name if not name.startswith("กลุ่ม") else name.removeprefix("กลุ่ม")


def fill(url: str, rows: list[dict], table=readmodel.organizations, create_schema=readmodel.create_schema):
    """A fresh database of a register's read model (`table`, made by `create_schema`) holding `rows`."""
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            bulk_insert(conn, table, rows[start:start + CHUNK])
    if engine.dialect.name == "postgresql":  # as autovacuum leaves it soon after a bulk load
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM ANALYZE {table.name}"))
    # SQLite: no ANALYZE, as the service never runs one; the search's plans must not need it
    return engine


def index_sizes(engine) -> dict:
    """Megabytes taken by the search's own structures."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.execute(text(
                "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid "
                "WHERE i.indrelid = 'organizations'::regclass")).all()
            table = conn.execute(text("SELECT pg_relation_size('organizations')")).scalar()
        else:
            rows = conn.execute(text("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")).all()
            table = dict(rows).get("organizations", 0)
    sizes = {name: size / 1e6 for name, size in rows}
    trigram = sum(v for k, v in sizes.items() if "trgm" in k or k.startswith(search.SEARCH.fts) or k.startswith(search.SEARCH.key_table)
                  or k == f"sqlite_autoindex_{search.SEARCH.key_table}_1")
    ordered = sum(v for k, v in sizes.items() if k.endswith(("_name", "_name_walk")))
    return {"table": table / 1e6, "trigram": trigram, "ordered": ordered}


def queries(rows: list[dict], count: int = QUERIES, seed: int = 7) -> list[tuple[str, dict, int]]:
    """(kind, filters, page) triples: Thai substrings of 3-6 characters cut from real names,
    English ones in any case, with and without filters, filters alone, and deep pages."""
    rnd = random.Random(seed)
    english = [r for r in rows if r["name_en"]]
    verified = sorted(r["verified_on"] for r in rows if r["verified_on"])

    def thai():
        return _substring(rnd, rnd.choice(rows)["name"].rsplit(" ", 1)[0])

    def eng():
        word = _substring(rnd, rnd.choice(english)["name_en"].rsplit(" ", 1)[0], 3, 8)
        return rnd.choice((word, word.lower(), word.upper()))

    def place():
        row = rnd.choice(rows)
        key = rnd.choice(("center", "province", "district"))
        return {key: row[key]}

    def other():
        key = rnd.choice(("type", "status", "strength", "verified_since"))
        column = {"strength": "strength_level", "verified_since": "verified_on"}.get(key, key)
        row = rnd.choice([r for r in rows[:2000] if r[column]])
        if key == "verified_since":
            return {key: verified[int(len(verified) * rnd.uniform(0.5, 0.98))]}
        return {key: row["strength_level"] if key == "strength" else row[key]}

    makers = (
        (0.30, lambda: ("thai", {"q": thai()}, 1)),
        (0.10, lambda: ("english", {"q": eng()}, 1)),
        (0.15, lambda: ("thai+place", {"q": thai(), **place()}, 1)),
        (0.15, lambda: ("thai+other", {"q": thai(), **other()}, 1)),
        (0.10, lambda: ("filters", rnd.choice((place, other))(), 1)),
        (0.10, lambda: ("thai, page 20", {"q": thai()}, 20)),
        (0.05, lambda: ("english+other", {"q": eng(), **other()}, 1)),
        (0.05, lambda: ("filters, page 40", other(), 40)),
    )
    out = []
    for share, make in makers:
        out += [make() for _ in range(round(share * count))]
    return out


def _substring(rnd: random.Random, name: str, shortest: int = 3, longest: int = 6) -> str:
    """A piece of `name` a person might type: it neither starts on a combining mark nor
    leaves one behind."""
    while True:
        size = rnd.randint(shortest, min(longest, len(name)))
        start = rnd.randint(0, len(name) - size)
        piece = name[start:start + size]
        after = name[start + size:start + size + 1]
        if piece.strip() == piece and not _mark(piece[0]) and not (after and _mark(after)):
            return piece


def _mark(ch: str) -> bool:
    return unicodedata.category(ch) == "Mn"


def baseline(engine, filters: dict, page: int, per_page: int = 50, spec: kit.TextSearch = search.SEARCH) -> dict:
    """The same query without a trigram index: `LIKE '%q%'` over the rows of the register's
    table (`spec`'s; ILIKE on PostgreSQL for a query with Latin letters, as the search does;
    the B-tree indexes stay), the page in (name, id) order and an exact count."""
    q, table = str(filters.get("q") or ""), spec.table.name
    with engine.connect() as conn:
        query = kit.PostgresQuery if conn.dialect.name == "postgresql" else kit.SqliteQuery
        plain = query(spec, conn, filters, q, per_page, (page - 1) * per_page)
        where = plain.where("o", *([plain.match()] if q else []))
        if plain.postgres:  # the trigram indexes dropped inside this transaction, rolled back after
            conn.execute(text(f"DROP INDEX ix_{table}_{spec.name}_trgm, ix_{table}_{spec.other_name}_trgm"))
        items = [dict(r) for r in conn.execute(text(
            f"SELECT o.* FROM {table} o{where} ORDER BY o.{spec.name}, o.id LIMIT :limit OFFSET :offset"),
            plain.params).mappings()]
        total = conn.execute(text(f"SELECT count(*) FROM {table} o{where}"), plain.params).scalar()
        conn.rollback()
    return {"items": items, "total": total}


def _measure(engine, plan: list[tuple[str, dict, int]], query=None, plain=None, count_cap=None) -> dict:
    """Each query of `plan` by the register's search (`query(engine, filters, page, per_page)`,
    default the organizations') and by its baseline (`plain`, the same), in turn; times in ms,
    and the queries whose answers differ (ids of the page, or the count below the cap)."""
    query, plain = query or search.SEARCH.query, plain or baseline
    count_cap = count_cap or search.SEARCH.count_cap
    ours, base, kinds, wrong = [], [], {}, []
    for kind, filters, page in plan:
        start = time.perf_counter()
        got = query(engine, filters, page, 50)
        mid = time.perf_counter()
        expected = plain(engine, filters, page, 50)
        end = time.perf_counter()
        ours.append((mid - start) * 1000)
        base.append((end - mid) * 1000)
        kinds.setdefault(kind, []).append(ours[-1])
        same_total = got["total"] == expected["total"] or (got.get("total_capped") and expected["total"] > count_cap)
        if [r["id"] for r in got["items"]] != [r["id"] for r in expected["items"]] or not same_total:
            wrong.append((kind, filters, page))
    return {"ours": _percentiles(ours), "baseline": _percentiles(base), "wrong": wrong, "times": ours,
            "by_kind": {k: _percentiles(v) for k, v in kinds.items()}}


def _duplicates(engine, rows: list[dict], seed: int = 11) -> dict:
    rnd = random.Random(seed)
    by_province = {}
    for r in rows:
        by_province[r["province"]] = by_province.get(r["province"], 0) + 1
    largest = max(by_province, key=by_province.get)
    scopes = [{"center": c.code} for c in rnd.sample(reference.centers(), 10)] + [{"province": largest}]
    times, groups = [], 0
    for filters in scopes:
        start = time.perf_counter()
        found = search.DUPLICATES.groups(engine, filters, 1, 50)
        times.append((time.perf_counter() - start) * 1000)
        groups += found["total"]
    return {"p50": statistics.median(times), "max": max(times), "largest_province": largest,
            "largest_rows": by_province[largest], "groups": groups, "scopes": len(scopes)}


def _percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"p50": statistics.median(ordered), "p95": ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)],
            "max": ordered[-1], "n": len(ordered)}


def run(count: int = 200_000) -> dict:
    from tests.support import pg_database

    rows = table_rows(count)
    plan = queries(rows)
    figures = {"count": count, "queries": len(plan)}
    with tempfile.TemporaryDirectory(prefix="sanphalang-search-") as tmp:
        start = time.perf_counter()
        engine = fill(f"sqlite:///{Path(tmp) / 'orgs.sqlite'}", rows)
        figures["sqlite_fill_s"] = time.perf_counter() - start
        figures["sqlite"] = _measure(engine, plan)
        figures["sqlite"]["sizes"] = index_sizes(engine)
        figures["sqlite"]["duplicates"] = _duplicates(engine, rows)
        engine.dispose()
    with pg_database("bench_search") as url:
        start = time.perf_counter()
        engine = fill(url, rows)
        figures["postgres_fill_s"] = time.perf_counter() - start
        figures["postgres"] = _measure(engine, plan)
        figures["postgres"]["sizes"] = index_sizes(engine)
        figures["postgres"]["duplicates"] = _duplicates(engine, rows)
        engine.dispose()
    return figures


def report(figures: dict) -> str:
    lines = [f"search over {figures['count']:,} organizations, {figures['queries']} queries "
             f"(p50 / p95 / max ms; baseline: LIKE '%q%' without a trigram index, same run)"]
    for db in ("sqlite", "postgres"):
        f = figures[db]
        o, b = f["ours"], f["baseline"]
        verdict = "meets" if o["p95"] <= TARGET_P95_MS else "MISSES"
        z = f["sizes"]
        lines.append(f"  {db:9} filled in {figures[db + '_fill_s']:.0f} s; table {z['table']:.0f} MB, trigram index "
                     f"{z['trigram']:.0f} MB, name-ordered B-trees {z['ordered']:.0f} MB")
        lines.append(f"    search    {o['p50']:7.1f} / {o['p95']:7.1f} / {o['max']:7.1f}   "
                     f"baseline {b['p50']:7.1f} / {b['p95']:7.1f} / {b['max']:7.1f}   "
                     f"({verdict} p95 <= {TARGET_P95_MS:.0f} ms; {len(f['wrong'])} answers differ from the baseline)")
        for kind, p in f["by_kind"].items():
            lines.append(f"      {kind:17} n={p['n']:3}  {p['p50']:7.1f} / {p['p95']:7.1f} / {p['max']:7.1f}")
        d = f["duplicates"]
        lines.append(f"    duplicates per center or province: p50 {d['p50']:.1f} ms, max {d['max']:.1f} ms over "
                     f"{d['scopes']} scopes (largest province {d['largest_province']}: {d['largest_rows']:,} rows); "
                     f"{d['groups']} groups")
    return "\n".join(lines)
