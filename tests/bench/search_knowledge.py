"""Searching the knowledge base (issue 14: p95 <= 100 ms over 3,000 items with bodies of 2-20 KB,
both databases): a fresh SQLite file and a fresh PostgreSQL database filled through the
register's own commands (`handlers.draft_batch`, then `publish_batch`: the segmentation, the
Markdown and the index as the service does them) with the demo's items, then ~200 queries:
words and phrases typed as users type them (Thai without spaces), from the items' own
vocabulary (common and rare), alone or with a category, kind, province or year filter, some
on the public portal's published-only view; beside each, the same query as a plain `LIKE`
scan over title, summary, tags and body in the same run.

Also measured: the segmentation alone (pythainlp's `newmm` in Python, and nlpO3's, which the
index uses) per MB of text, how many of the LIKE scan's matches the word search finds (a
substring inside a word is not a word), and whether both databases find the same items."""
from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from pythainlp.tokenize import word_tokenize
from sqlalchemy import text

from services.chassis import richtext
from services.chassis.database import make_engine
from services.chassis.permissions import Actor, User
from services.chassis.store import EventStore
from services.chassis.words import words
from services.contracts.knowledge.vocabulary import CATEGORIES, KINDS
from services.knowledge import handlers, readmodel

from .search_orgs import _percentiles

QUERIES = 200
TARGET_P95_MS = 100.0
PER_PAGE = 20
BATCH = 200
ADMIN = Actor(User("bench", "admin"))


def _items(count: int) -> list[dict]:
    from sanphalang.demo_knowledge import item_rows

    return item_rows(count)


def fill(url: str, rows: list[dict]) -> tuple[EventStore, float]:
    """A fresh database of the register, `rows` drafted, submitted and published through its
    commands; the seconds it took."""
    engine = make_engine(url)
    store = EventStore(engine, "knowledge")
    store.create_schema()
    readmodel.create_schema(engine)
    nobody = lambda ids: set(ids)  # noqa: E731 (the demo items name no people)
    start = time.perf_counter()
    for first in range(0, len(rows), BATCH):
        ids = handlers.draft_batch(store, ADMIN, rows[first:first + BATCH], nobody, submit=True)["ids"]
        handlers.publish_batch(store, ADMIN, [{"id": i, "version": 2} for i in ids])
    elapsed = time.perf_counter() - start
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE items"))
            conn.execute(text("VACUUM ANALYZE items_words"))
    return store, elapsed


def queries(rows: list[dict], count: int = QUERIES, seed: int = 14) -> list[tuple[str, dict, bool]]:
    """(kind, filters, public): one or two words, or a phrase of two words run together as Thai
    is typed, cut from the items' titles and bodies (common words and rare ones alike), alone
    or with a filter; a third on the public view."""
    rnd = random.Random(seed)
    vocabulary = [w for row in rnd.sample(rows, min(60, len(rows))) for w in words(row["title"] + " " + row["body"][:3000])
                  if len(w) >= 2 and not w.isdigit()]
    plan = []
    for n in range(count):
        shape = rnd.choice(("word", "word", "two words", "phrase"))
        if shape == "word":
            q = rnd.choice(vocabulary)
        elif shape == "two words":
            q = f"{rnd.choice(vocabulary)} {rnd.choice(vocabulary)}"
        else:
            start = rnd.randrange(len(vocabulary) - 1)
            q = vocabulary[start] + vocabulary[start + 1]
        filters = {"q": q}
        extra = rnd.choice((None, None, "category", "kind", "province", "year"))
        if extra == "category":
            filters["category"] = rnd.choice(list(CATEGORIES))
        elif extra == "kind":
            filters["kind"] = rnd.choice(list(KINDS))
        elif extra == "province":
            filters["province"] = rnd.choice(rows)["province"]
        elif extra == "year":
            filters["year"] = rnd.choice(rows)["year"]
        plan.append((shape + (f" + {extra}" if extra else ""), filters, n % 3 == 0))
    return plan


def like_scan(engine, filters: dict, public: bool) -> dict:
    """The baseline: the query as typed, a substring of title, summary, tags or body (LIKE),
    newest first, and an exact count."""
    pattern = "%" + str(filters["q"]).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    where = ["(title LIKE :p ESCAPE '\\' OR summary LIKE :p ESCAPE '\\' OR tags LIKE :p ESCAPE '\\' "
             "OR body LIKE :p ESCAPE '\\')"]
    params = {"p": pattern, "limit": PER_PAGE}
    for name in ("category", "kind", "province", "year"):
        if name in filters:
            where.append(f"{name} = :{name}")
            params[name] = filters[name]
    if public:
        where.append("status = 'published'")
    sql = " AND ".join(where)
    with engine.connect() as conn:
        ids = list(conn.execute(text(f"SELECT id FROM items WHERE {sql} ORDER BY updated_at DESC, id LIMIT :limit"),
                                params).scalars())
        total = conn.execute(text(f"SELECT count(*) FROM items WHERE {sql}"), params).scalar()
        every = set(conn.execute(text(f"SELECT id FROM items WHERE {sql}"), params).scalars())
    return {"ids": ids, "total": total, "every": every}


def _search(engine, filters: dict, public: bool, page_size: int = PER_PAGE) -> dict:
    fixed = {"status": ["published"]} if public else None
    return readmodel.ITEM_SEARCH.query(engine, filters, 1, page_size, fixed=fixed)


def _measure(engine, plan) -> dict:
    ours, base, kinds, found = [], [], {}, []
    for kind, filters, public in plan:
        start = time.perf_counter()
        got = _search(engine, filters, public)
        mid = time.perf_counter()
        expected = like_scan(engine, filters, public)
        end = time.perf_counter()
        ours.append((mid - start) * 1000)
        base.append((end - mid) * 1000)
        kinds.setdefault(kind, []).append(ours[-1])
        missed = len(expected["every"] - _every(engine, filters, public))
        found.append((got["total"], expected["total"], missed))
    return {"ours": _percentiles(ours), "baseline": _percentiles(base),
            "by_kind": {k: _percentiles(v) for k, v in sorted(kinds.items())}, "found": found}


def _every(engine, filters: dict, public: bool, key: str = "id") -> set:
    """`key` of every item a query matches, page after page."""
    fixed = {"status": ["published"]} if public else None
    found, page = set(), 1
    while True:
        result = readmodel.ITEM_SEARCH.query(engine, filters, page, 200, fixed=fixed)
        found |= {r[key] for r in result["items"]}
        if page * 200 >= result["total"]:
            return found
        page += 1


def _matches(engine, plan) -> list[set]:
    """Every item each query matches, by its title (unique in the demo; the ids differ between
    the two databases), to compare them."""
    return [_every(engine, filters, public, "title") for _, filters, public in plan]


def segmentation(rows: list[dict]) -> dict:
    """Seconds per MB of plain text by each segmentation engine (after a warm-up)."""
    sample = "\n".join(richtext.plain(r["body"]) for r in rows[:300])
    size = len(sample.encode()) / 1e6
    out = {"mb": size}
    for engine in ("newmm", "nlpo3"):
        word_tokenize("อุ่นเครื่อง", engine=engine)
        start = time.perf_counter()
        word_tokenize(sample, engine=engine, keep_whitespace=False)
        out[engine] = (time.perf_counter() - start) / size
    return out


def run(count: int = 3_000) -> dict:
    from tests.support import pg_database

    rows = _items(count)
    plan = queries(rows)
    sizes = sorted(len(r["body"].encode()) for r in rows)
    figures = {"count": count, "queries": len(plan), "body_kb": (sizes[0] / 1024, sizes[len(sizes) // 2] / 1024,
                                                                 sizes[-1] / 1024),
               "segmentation": segmentation(rows)}
    ids = {}
    with tempfile.TemporaryDirectory(prefix="sanphalang-knowledge-") as tmp:
        store, figures["sqlite_fill_s"] = fill(f"sqlite:///{Path(tmp) / 'knowledge.sqlite'}", rows)
        figures["sqlite"] = _measure(store.engine, plan)
        ids["sqlite"] = _matches(store.engine, plan)
        store.engine.dispose()
    with pg_database("bench_knowledge_search") as url:
        store, figures["postgres_fill_s"] = fill(url, rows)
        figures["postgres"] = _measure(store.engine, plan)
        ids["postgres"] = _matches(store.engine, plan)
        store.engine.dispose()
    figures["same_matches"] = sum(1 for a, b in zip(ids["sqlite"], ids["postgres"]) if a == b)
    return figures


def report(figures: dict) -> str:
    s = figures["segmentation"]
    low, mid, high = figures["body_kb"]
    lines = [f"search over {figures['count']:,} knowledge items (bodies {low:.1f} / {mid:.1f} / {high:.1f} KB "
             f"min / median / max), {figures['queries']} queries (p50 / p95 / max ms; baseline: LIKE over title, "
             f"summary, tags and body, same run)",
             f"  segmentation: newmm (Python) {s['newmm']:.2f} s/MB, nlpO3 (the index's) {s['nlpo3']:.2f} s/MB "
             f"over {s['mb']:.1f} MB",
             f"  the same items matched on SQLite and PostgreSQL for {figures['same_matches']} of {figures['queries']} "
             f"queries"]
    for db in ("sqlite", "postgres"):
        f = figures[db]
        o, b = f["ours"], f["baseline"]
        verdict = "meets" if o["p95"] <= TARGET_P95_MS else "MISSES"
        words_found = sum(ours for ours, _, _ in f["found"])
        like_found = sum(like for _, like, _ in f["found"])
        missed = sum(m for _, _, m in f["found"])
        short = sum(1 for _, _, m in f["found"] if m)
        lines.append(f"  {db:9} filled through the commands in {figures[db + '_fill_s']:.0f} s")
        lines.append(f"    search    {o['p50']:7.1f} / {o['p95']:7.1f} / {o['max']:7.1f}   "
                     f"baseline {b['p50']:7.1f} / {b['p95']:7.1f} / {b['max']:7.1f}   ({verdict} p95 <= "
                     f"{TARGET_P95_MS:.0f} ms)")
        lines.append(f"    matches: words {words_found:,}, LIKE substrings {like_found:,} (summed over the queries); "
                     f"of the LIKE matches the words miss {missed:,}, in {short} queries")
        for kind, p in f["by_kind"].items():
            lines.append(f"      {kind:22} n={p['n']:3}  {p['p50']:7.1f} / {p['p95']:7.1f} / {p['max']:7.1f}")
    return "\n".join(lines)
