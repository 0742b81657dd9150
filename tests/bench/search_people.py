"""Searching the people register at scale (issue 13: p95 <= 100 ms over 560,000 people, both
databases): a fresh SQLite file and a fresh PostgreSQL database filled with `count` people as
the register's projection writes them (the demo's people, their other personal values sealed,
one in ten with an English name), ~200 queries by name substrings of two or more characters,
Thai and English, with and without role, center and skill filters, through the register's
search (`services.people.search`); beside each, the same query as a plain `LIKE '%q%'` scan
without the trigram index, and every answer checked against it."""
from __future__ import annotations

import os
import random
import tempfile
import time
from dataclasses import replace
from functools import cache
from pathlib import Path

from services.chassis.envelope import new_ids
from services.chassis.privacy.sealing import Master, Sealer
from services.chassis.registers import search as kit
from services.contracts.people.vocabulary import SKILLS
from services.people import domain, readmodel, search
from services.people.sealed import seal

from .data import person_rows
from .search_orgs import _measure as measure, _percentiles, _substring, baseline as plain_scan, fill as fill_table

QUERIES = 200
TARGET_P95_MS = 100.0
ENGLISH_SHARE = 0.10  # people with a name in English (the demo gives none)


@cache
def _roman(word: str) -> str:
    from pythainlp.transliterate import romanize

    return romanize(word, engine="royin").capitalize()


def table_rows(count: int, seed: int = 2563) -> list[dict]:
    """`count` read-model rows as the projection writes them: each demo person registered
    (`domain.register`), their personal values sealed (one key for all: only the tokens' size
    matters here), the names in plaintext; one in ten with a romanized English name, 2% restricted
    and 1% merged (neither listed)."""
    rnd = random.Random(seed)
    sealer = Sealer("bench", os.urandom(32))
    blind = Master(os.urandom(32)).blind
    at = "2025-01-01T00:00:00.000000Z"
    out = []
    for person_id, row in zip(new_ids(count), person_rows(count)):
        pending = domain.register(row, person_id, "bench")
        plain = dict(pending.data)
        if rnd.random() < ENGLISH_SHARE:
            plain["name_en"] = " ".join(_roman(part) for part in (row["given_name"], row.get("family_name")) if part)
        sealed = seal(pending, sealer)
        person = domain.apply(domain.Person(id=person_id), {"type": sealed.type, "version": 1, "data": sealed.data})
        status = rnd.choices(("active", "restricted", "merged"), (97, 2, 1))[0]
        if status == "restricted":
            person = replace(person, restricted="objection")
        elif status == "merged":
            person = replace(person, status=domain.MERGED)
        out.append(readmodel.row_of(person, plain, blind, at))
    return out


def queries(rows: list[dict], count: int = QUERIES, seed: int = 13) -> list[tuple[str, dict, int]]:
    """(kind, filters as a caller gives them, page): Thai substrings of 2-6 characters cut from
    real names, English ones of 2-8 in any case, alone or with a role, a center or a skill,
    filters alone, and deep pages."""
    rnd = random.Random(seed)
    listed = [r for r in rows if r["listed"] == "y"]
    english = [r for r in listed if r["name_en"]]

    def thai(shortest=2, longest=6):
        return _substring(rnd, rnd.choice(listed)["name"], shortest, longest)

    def eng():
        word = _substring(rnd, rnd.choice(english)["name_en"], 2, 8)
        return rnd.choice((word, word.lower(), word.upper()))

    def role():
        return {"role": rnd.choices(("volunteer", "leader", "facilitator", "online_worker"), (50, 25, 20, 5))[0]}

    def center():
        return {"center": rnd.choice(listed)["center"]}

    def skill():
        return {"skill": rnd.choice(list(SKILLS))}

    def some_filter():
        return rnd.choice((role, center, skill))()

    makers = (
        (0.25, lambda: ("thai", {"q": thai(3)}, 1)),
        (0.10, lambda: ("thai, 2 characters", {"q": thai(2, 2)}, 1)),
        (0.10, lambda: ("english", {"q": eng()}, 1)),
        (0.10, lambda: ("thai+role", {"q": thai(), **role()}, 1)),
        (0.10, lambda: ("thai+center", {"q": thai(), **center()}, 1)),
        (0.10, lambda: ("thai+skill", {"q": thai(), **skill()}, 1)),
        (0.05, lambda: ("english+filter", {"q": eng(), **some_filter()}, 1)),
        (0.10, lambda: ("filters", {**role(), **rnd.choice((center, skill))()}, 1)),
        (0.10, lambda: ("thai, page 20", {"q": thai(3)}, 20)),
    )
    out = []
    for share, make in makers:
        out += [make() for _ in range(round(share * count))]
    return out


def baseline(engine, filters: dict, page: int, per_page: int = 50) -> dict:
    """The same query (as the `list` RPC gives it to the search) as a plain LIKE scan: the
    organizations' baseline, over the people table."""
    return plain_scan(engine, search.filters_for(filters), page, per_page, search.SEARCH)


def _query(engine, filters: dict, page: int, per_page: int) -> dict:
    """The register's search as its `list` RPC asks it (`queries.search`), the page's whole rows."""
    return search.SEARCH.query(engine, search.filters_for(filters), page, per_page)


def _measure(engine, plan: list[tuple[str, dict, int]]) -> dict:
    figures = measure(engine, plan, _query, baseline, search.SEARCH.count_cap)
    by_length: dict[str, list[float]] = {}
    for (_, filters, _), ms in zip(plan, figures["times"]):
        by_length.setdefault(_length(filters), []).append(ms)
    figures["by_length"] = {k: _percentiles(v) for k, v in sorted(by_length.items())}
    return figures


def _length(filters: dict) -> str:
    """What the search can do with a query: no name (filters alone), two characters (no
    trigram: a scan), three or more (the trigram index); a multi-valued filter (role, skill) or not."""
    q = filters.get("q") or ""
    name = "no name" if not q else "2 characters" if len(q) < kit.MIN_TRIGRAM else "3+ characters"
    return name + (", role or skill" if filters.get("role") or filters.get("skill") else "")


def fill(url: str, rows: list[dict]):
    return fill_table(url, rows, readmodel.people, readmodel.create_schema)


def run(count: int = 560_000) -> dict:
    from tests.support import pg_database

    start = time.perf_counter()
    rows = table_rows(count)
    plan = queries(rows)
    figures = {"count": count, "queries": len(plan), "rows_s": time.perf_counter() - start,
               "english": sum(1 for r in rows if r["name_en"])}
    with tempfile.TemporaryDirectory(prefix="sanphalang-search-") as tmp:
        start = time.perf_counter()
        engine = fill(f"sqlite:///{Path(tmp) / 'people.sqlite'}", rows)
        figures["sqlite_fill_s"] = time.perf_counter() - start
        figures["sqlite"] = _measure(engine, plan)
        engine.dispose()
    with pg_database("bench_people_search") as url:
        start = time.perf_counter()
        engine = fill(url, rows)
        figures["postgres_fill_s"] = time.perf_counter() - start
        figures["postgres"] = _measure(engine, plan)
        engine.dispose()
    return figures


def report(figures: dict) -> str:
    lines = [f"search over {figures['count']:,} people ({figures['english']:,} with an English name), "
             f"{figures['queries']} queries (p50 / p95 / max ms; baseline: LIKE '%q%' without a trigram index, "
             f"same run)"]
    for db in ("sqlite", "postgres"):
        f = figures[db]
        o, b = f["ours"], f["baseline"]
        verdict = "meets" if o["p95"] <= TARGET_P95_MS else "MISSES"
        lines.append(f"  {db:9} filled in {figures[db + '_fill_s']:.0f} s")
        lines.append(f"    search    {o['p50']:7.1f} / {o['p95']:7.1f} / {o['max']:7.1f}   "
                     f"baseline {b['p50']:7.1f} / {b['p95']:7.1f} / {b['max']:7.1f}   "
                     f"({verdict} p95 <= {TARGET_P95_MS:.0f} ms; {len(f['wrong'])} answers differ from the baseline)")
        for kind, p in f["by_kind"].items():
            lines.append(f"      {kind:19} n={p['n']:3}  {p['p50']:7.1f} / {p['p95']:7.1f} / {p['max']:7.1f}")
        for length, p in f["by_length"].items():
            lines.append(f"      q of {length:30} n={p['n']:3}  {p['p50']:7.1f} / {p['p95']:7.1f} / {p['max']:7.1f}")
        for kind, filters, page in f["wrong"][:3]:
            lines.append(f"      differs: {kind}, page {page}, filters {sorted(filters)}")
    return "\n".join(lines)
