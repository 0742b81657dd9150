"""Searching the register (a Thai or English substring of the name, filters, name order) and
finding duplicate candidates, over the `organizations` read model.

Substrings are indexed without word segmentation: on SQLite by an FTS5 `trigram` index, on
PostgreSQL by `pg_trgm` GIN indexes. Queries shorter than three characters cannot use
trigrams and scan with LIKE; so does any query within one place (center, province, district
or subdistrict), whose few thousand rows the place's own B-tree index hands over.

A query's matches are sorted by (name, id). When they are many (a common substring like
"กลุ่ม"), sorting all of them costs more than the page: SQLite first looks for the page by
reading the name order from the start, within a budget, since such matches often come early;
PostgreSQL sorts only the matches up to a name that some matches it has already read prove
to lie past the page (`_Search.trigram_pg`).

SQLite keeps two tables beside `organizations`, both written only by SQL triggers on it, so no
Python code has to remember them:
- `organizations_search`: one narrow row per organization (an integer key, the id, the name
  and the filter columns) on which matches are counted, filtered and sorted without touching
  the wide rows;
- `organizations_fts`: the contentless trigram index over name and name_en, keyed by that
  integer. (An external-content index keyed on `organizations`' own rowid would break when
  VACUUM renumbers the rowids of a table whose key is text.)
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import date

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection, Engine

from services.chassis.database import exclusive, is_postgres
from services.chassis.errors import rejected

FTS = "organizations_fts"
KEYS = "organizations_search"
_KEY_COLUMNS = ("name", "status", "type", "strength_level", "verified_on")
_NEW = ", ".join(f"new.{c}" for c in _KEY_COLUMNS)
_CHANGED = " OR ".join(f"new.{c} IS NOT old.{c}" for c in _KEY_COLUMNS)

_SQLITE_SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS {KEYS} (n INTEGER PRIMARY KEY, id VARCHAR(36) NOT NULL UNIQUE,
        name VARCHAR(200) NOT NULL, status VARCHAR(10), type VARCHAR(40), strength_level VARCHAR(20),
        verified_on VARCHAR(10))""",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(name, name_en, content='', tokenize='trigram')",
    f"""CREATE TRIGGER IF NOT EXISTS {KEYS}_insert AFTER INSERT ON organizations BEGIN
        INSERT INTO {KEYS} (id, {", ".join(_KEY_COLUMNS)}) VALUES (new.id, {_NEW});
        INSERT INTO {FTS} (rowid, name, name_en)
            VALUES ((SELECT n FROM {KEYS} WHERE id = new.id), new.name, new.name_en);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {KEYS}_update AFTER UPDATE ON organizations WHEN {_CHANGED} BEGIN
        UPDATE {KEYS} SET {", ".join(f"{c} = new.{c}" for c in _KEY_COLUMNS)} WHERE id = old.id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_update AFTER UPDATE ON organizations
    WHEN new.name IS NOT old.name OR new.name_en IS NOT old.name_en BEGIN
        INSERT INTO {FTS} ({FTS}, rowid, name, name_en)
            VALUES ('delete', (SELECT n FROM {KEYS} WHERE id = old.id), old.name, old.name_en);
        INSERT INTO {FTS} (rowid, name, name_en)
            VALUES ((SELECT n FROM {KEYS} WHERE id = new.id), new.name, new.name_en);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {KEYS}_delete AFTER DELETE ON organizations BEGIN
        INSERT INTO {FTS} ({FTS}, rowid, name, name_en)
            VALUES ('delete', (SELECT n FROM {KEYS} WHERE id = old.id), old.name, old.name_en);
        DELETE FROM {KEYS} WHERE id = old.id;
    END""",
)

_PG_SCHEMA = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # gin_trgm_ops serves LIKE and ILIKE alike (trigrams are extracted case-folded)
    "CREATE INDEX IF NOT EXISTS ix_organizations_name_trgm ON organizations USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_organizations_name_en_trgm ON organizations USING gin (name_en gin_trgm_ops)",
)

# The name-ordered listing reads these in order and stops after a page: the whole register
# (name_en along, so a common query is checked on the index alone), or one type (names follow
# the type, ชมรมผู้สูงอายุ... or สหกรณ์..., so a walk of the name order for one type would pass
# most of the register first). One place's few thousand rows need no such index: its own
# index hands them over to be sorted.
WALK_INDEX = "ix_organizations_name_walk"
_ORDER_INDEXES = (
    f"CREATE INDEX IF NOT EXISTS {WALK_INDEX} ON organizations (name, id, name_en)",
    "CREATE INDEX IF NOT EXISTS ix_organizations_type_name ON organizations (type, name, id)",
)


def create_schema(engine: Engine) -> None:
    """Create the search indexes (idempotent); on SQLite, rebuild the trigram index and its
    key table from the rows when they do not hold one row per organization."""
    with engine.begin() as conn:
        exclusive(conn, "schema:organizations-search")  # replicas starting together take turns
        if is_postgres(conn):
            for statement in _PG_SCHEMA:
                conn.execute(text(statement))
        else:
            for statement in _SQLITE_SCHEMA:
                conn.execute(text(statement))
            indexed = conn.execute(text(f"SELECT count(*) FROM {KEYS}")).scalar()
            if indexed != conn.execute(text("SELECT count(*) FROM organizations")).scalar():
                rebuild(conn)
        for statement in _ORDER_INDEXES:
            conn.execute(text(statement))


def rebuild(conn: Connection) -> None:
    """SQLite: fill the key table and the trigram index afresh from `organizations`."""
    conn.execute(text(f"INSERT INTO {FTS} ({FTS}) VALUES ('delete-all')"))
    conn.execute(text(f"DELETE FROM {KEYS}"))
    columns = ", ".join(_KEY_COLUMNS)
    conn.execute(text(f"INSERT INTO {KEYS} (id, {columns}) SELECT id, {columns} FROM organizations ORDER BY name, id"))
    conn.execute(text(f"INSERT INTO {FTS} (rowid, name, name_en) "
                      f"SELECT k.n, o.name, o.name_en FROM {KEYS} k JOIN organizations o ON o.id = k.id"))


# ---------------------------------------------------------------------------------- search

MIN_TRIGRAM = 3  # code points; a shorter query cannot use a trigram index and scans with LIKE
COUNT_CAP = 5_000  # PostgreSQL counts a query's matches up to this many (100 pages), then `total_capped`
SORT_MAX = 15_000  # SQLite sorts up to this many matches; more are first looked for in
WALK_BUDGET = 20_000  # this many rows of the name order, then sorted after all
LOCATION = ("center", "province", "district", "subdistrict")
# filter name -> (column, operator); values are always bound parameters
_FILTERS = {
    "center": ("center", "="), "province": ("province", "="), "district": ("district", "="),
    "subdistrict": ("subdistrict", "="), "type": ("type", "="), "status": ("status", "="),
    "strength": ("strength_level", "="), "verified_since": ("verified_on", ">="),
}


def query(engine: Engine, filters: dict, page: int = 1, per_page: int = 50) -> dict:
    """A page of organizations (whole rows) in (name, id) order that match `filters`, and how
    many match.

    `q` matches a substring of `name` or `name_en` literally (LIKE wildcards are plain
    characters) and case-insensitively. `total` is exact up to COUNT_CAP matches of a `q`;
    past that it is COUNT_CAP + 1 and the answer has `total_capped: true`, as checking every
    row of a very common substring would cost more than the page. SQLite counts a `q` of
    three or more characters outside a place exactly, on its narrow key table. Without `q`
    the count is always exact."""
    page, per_page = max(int(page or 1), 1), max(int(per_page or 50), 1)
    q = unicodedata.normalize("NFC", str(filters.get("q") or "")).strip()
    located = any(filters.get(k) for k in LOCATION)
    with engine.connect() as conn:
        search = _Search(conn, filters, q, per_page, (page - 1) * per_page)
        if not q:
            items, total, capped = search.listing(located)
        elif len(q) < MIN_TRIGRAM or located:
            items, total, capped = search.scan(located)
        elif search.postgres:
            items, total, capped = search.trigram_pg()
        else:
            items, total, capped = search.trigram_sqlite()
    out = {"items": items, "total": total, "page": page, "per_page": per_page}
    if capped:
        out["total_capped"] = True
    return out


def like_pattern(q: str) -> str:
    """`q` as a LIKE pattern that matches it literally anywhere (with ESCAPE '\\')."""
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def fts_phrase(q: str) -> str:
    """`q` as one FTS5 phrase: with the trigram tokenizer, a substring match."""
    return '"' + q.replace('"', '""') + '"'


class _Search:
    """One query's SQL. Column names come from the code, every value is a bound parameter."""

    def __init__(self, conn: Connection, filters: dict, q: str, limit: int, offset: int):
        self.conn, self.q, self.postgres = conn, q, is_postgres(conn)
        self.params = {"limit": limit, "offset": offset, "pattern": like_pattern(q), "phrase": fts_phrase(q),
                       "cap": COUNT_CAP + 1}
        self.filters = []  # (column, operator, parameter)
        for name, (column, op) in _FILTERS.items():
            value = filters.get(name)
            if value is None or value == "":
                continue
            self.filters.append((column, op, f"f_{name}"))
            self.params[f"f_{name}"] = _iso_date(value) if name == "verified_since" else str(value)

    def where(self, alias: str = "o", *more: str) -> str:
        terms = [f"{alias}.{column} {op} :{param}" for column, op, param in self.filters] + list(more)
        return " WHERE " + " AND ".join(terms) if terms else ""

    def like(self, column: str) -> str:
        # SQLite's LIKE ignores ASCII case. PostgreSQL's ILIKE lower-cases each row it checks,
        # several times slower than LIKE on Thai text, and a query without a cased letter
        # (Thai, digits) needs no case folding.
        op = "ILIKE" if self.postgres and self.q.lower() != self.q.upper() else "LIKE"
        return f"{column} {op} :pattern ESCAPE '\\'"

    def match(self, alias: str = "o") -> str:
        return f"({self.like(alias + '.name')} OR {self.like(alias + '.name_en')})"

    def plan(self, **settings: str) -> None:
        """PostgreSQL planner settings for this query's transaction only, in one round trip."""
        calls = ", ".join(f"set_config('{name}', :{name}, true)" for name in settings)
        self.conn.execute(text(f"SELECT {calls}"), settings)

    def scalar(self, sql: str):
        return self.conn.execute(text(sql), self.params).scalar()

    def by_ids(self, ids: list[str]) -> list[dict]:
        """Whole rows for a page of ids, in that order."""
        if not ids:
            return []
        found = self.conn.execute(text("SELECT * FROM organizations WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)), {"ids": ids}).mappings()
        rows = {r["id"]: dict(r) for r in found}
        return [rows[i] for i in ids if i in rows]

    def page_ids(self, sql: str) -> list[str]:
        return list(self.conn.execute(text(sql + " LIMIT :limit OFFSET :offset"), self.params).scalars())

    def page(self, where: str, source: str = "organizations o", order: str = "o.name, o.id") -> list[dict]:
        return self.by_ids(self.page_ids(f"SELECT o.id FROM {source}{where} ORDER BY {order}"))

    def listing(self, located: bool):
        """No `q`: filters alone, counted exactly through their B-tree indexes."""
        total = self.scalar(f"SELECT count(*) FROM organizations o{self.where()}")
        if self.postgres or located or not self.filters or any(c == "type" for c, _, _ in self.filters):
            return self.page(self.where()), total, False
        # SQLite has no statistics to choose with: a sparse filter (a recent verified_since)
        # is read through its own index and sorted, a dense one (status) off the name order
        if total > SORT_MAX:
            return self.page(self.where(), f"organizations o INDEXED BY {WALK_INDEX}"), total, False
        return self.page(self.where(), order="+o.name, +o.id"), total, False

    def scan(self, located: bool):
        """A short `q`, or one place: LIKE over the rows the filters' B-trees give, in order.
        PostgreSQL is kept off the name index within a place: expecting the place's matches to
        turn up early, it would walk the name order checking each row for the place."""
        if located and self.postgres:
            self.plan(enable_indexscan="off")
        return self.capped(lambda *more: f"SELECT o.id, o.name FROM organizations o{self.where('o', self.match(), *more)}")

    def capped(self, matches):
        """The page, the count and whether the count is capped, for `matches(*more)`: the SQL
        of the matching rows' (id, name) that also meet the conditions `more`.

        One pass reads up to COUNT_CAP + 1 matches, counts and sorts them: the answer when
        there are no more. When there are more, the ones read are some of the matches, so the
        page's last name among them bounds the true page (at least a page's worth of matches
        sort up to it) and a second pass sorts only the matches named up to it. A page past
        the matches read sorts all of them."""
        page = self.conn.execute(text(
            f"SELECT m.id, m.name, m.total FROM (SELECT c.id, c.name, count(*) OVER () AS total "
            f"FROM ({matches()} LIMIT :cap) c) m ORDER BY m.name, m.id LIMIT :limit OFFSET :offset"),
            self.params).all()
        if page:
            found = page[0].total
        else:  # past the last page: count alone
            found = self.scalar(f"SELECT count(*) FROM ({matches()} LIMIT :cap) c")
        if found <= COUNT_CAP:
            return self.by_ids([row.id for row in page]), found, False
        within = []
        if len(page) == self.params["limit"]:
            self.params["bound"] = page[-1].name
            within = ["o.name <= :bound"]
        return self.by_ids(self.page_ids(f"SELECT m.id FROM ({matches(*within)}) m ORDER BY m.name, m.id")), found, True

    def walk(self) -> list[dict] | None:
        """SQLite: a page of a common query's matches read off the name order, if the first
        WALK_BUDGET rows of that order hold it; else None. A common substring's matches
        cluster (every name that starts with สหกรณ์ sorts late), so they may all lie past the
        budget. The index on (name, id, name_en) answers the match alone."""
        self.params["budget"] = WALK_BUDGET
        bound = self.scalar("SELECT o.name FROM organizations o ORDER BY o.name, o.id LIMIT 1 OFFSET :budget")
        self.params["bound"] = bound
        ids = self.page_ids(f"SELECT o.id FROM organizations o INDEXED BY {WALK_INDEX}"
                            f"{self.where('o', self.match(), *(['o.name <= :bound'] if bound else []))} "
                            f"ORDER BY o.name, o.id")
        return self.by_ids(ids) if bound is None or len(ids) == self.params["limit"] else None

    def trigram_sqlite(self):
        # FTS first, then the narrow key rows: count, filter and sort without the wide rows
        hits = f"{FTS} CROSS JOIN {KEYS} k"
        where = self.where("k", f"{FTS} MATCH :phrase", f"k.n = {FTS}.rowid")
        if self.filters:
            total = self.scalar(f"SELECT count(*) FROM {hits}{where}")
        else:
            total = self.scalar(f"SELECT count(*) FROM {FTS} WHERE {FTS} MATCH :phrase")
        items = self.walk() if total > SORT_MAX else None
        if items is None:
            items = self.by_ids(self.page_ids(f"SELECT k.id FROM {hits}{where} ORDER BY k.name, k.id"))
        return items, total, False

    def trigram_pg(self):
        """Matches through the trigram indexes (bitmap scans), never the planner's walk down
        the name index checking row by row, slow when the matches lie far down that order.

        Two disjoint branches, name_en matches and the other name matches, so that each
        candidate one column's index hands over is checked against that column only (an
        English query never lower-cases the Thai names). Past COUNT_CAP matches, the ones
        named up to the bound (`capped`) come from the trigram bitmap intersected with the
        name index's range (a BitmapAnd), without reading the other matches' rows."""
        # The register's pages are in memory: at the default random_page_cost of 4 the
        # planner prices the name index's range too high to intersect it with the trigrams
        # and reads every match's row instead.
        self.plan(enable_seqscan="off", enable_indexscan="off", random_page_cost="1.1")
        return self.capped(self.pg_matches)

    def pg_matches(self, *more: str) -> str:
        en = self.where("o", self.like("o.name_en"), *more)
        th = self.where("o", self.like("o.name"), f"(o.name_en IS NULL OR NOT {self.like('o.name_en')})", *more)
        return (f"SELECT o.id, o.name FROM organizations o{en} "
                f"UNION ALL SELECT o.id, o.name FROM organizations o{th}")


def _iso_date(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise rejected("verified_since", "invalid_date") from None


# ------------------------------------------------------------------------------ duplicates

SIMILARITY = 0.9  # difflib-style ratio of two normalized names at or above which they are alike
MIN_CONTAINED = 4  # a normalized name inside another counts when it has at least this many characters
DUPLICATE_FILTERS = LOCATION
_SHOWN = ("id", "version", "name", "name_en", "type", "village_no", "address", "members", "founded_year",
          "source", "created_at")
_NUMBERS = re.compile(r"\d+")

try:  # rapidfuzz's C++ ratio (the same Indel similarity) when installed; difflib otherwise
    from rapidfuzz.fuzz import ratio as _rf_ratio

    def _ratio(a: str, b: str) -> float:
        return _rf_ratio(a, b, score_cutoff=SIMILARITY * 100) / 100
except ImportError:  # pragma: no cover - depends on the environment
    def _ratio(a: str, b: str) -> float:
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
            return 0.0
        return matcher.ratio()


def similar(a: str, b: str) -> bool:
    """Whether two normalized names (`names.normalize`) may name one organization: equal; or
    one inside the other; or nearly the same letters (ratio >= SIMILARITY). Names that carry
    different numbers (หมู่ 1 and หมู่ 2, or a numbered series) are different organizations
    unless their keys are equal."""
    return _alike(a, _NUMBERS.findall(a), b, _NUMBERS.findall(b))


def _alike(a: str, numbers_a: list, b: str, numbers_b: list) -> bool:
    if a == b:
        return True
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= MIN_CONTAINED and short in long_:
        return True
    if 2 * len(short) < SIMILARITY * (len(a) + len(b)):  # too different in length for the ratio
        return False
    return _ratio(a, b) >= SIMILARITY


def candidate_groups(rows: list[dict]) -> list[list[dict]]:
    """Rows of one subdistrict in groups of two or more whose names are `similar`, directly
    or through another member (union-find over the pairs)."""
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    keys = [r["name_key"] for r in rows]
    numbers = [_NUMBERS.findall(k) for k in keys]
    for i in range(len(rows)):
        a, numbers_a = keys[i], numbers[i]
        for j in range(i + 1, len(rows)):
            if _alike(a, numbers_a, keys[j], numbers[j]):
                parent[root(j)] = root(i)
    clusters: dict[int, list[dict]] = {}
    for i, row in enumerate(rows):
        clusters.setdefault(root(i), []).append(row)
    return [members for members in clusters.values() if len(members) > 1]


def duplicates(engine: Engine, filters: dict, page: int = 1, per_page: int = 50) -> dict:
    """Duplicate candidates among active organizations: groups within one subdistrict whose
    normalized names are `similar`, ordered by subdistrict and key, paged by group.
    Filterable by center, province, district and subdistrict; compared within each
    subdistrict only, so one center's or province's rows take a fraction of a second."""
    page, per_page = max(int(page or 1), 1), max(int(per_page or 50), 1)
    terms, params = [], {}
    for name in DUPLICATE_FILTERS:
        if filters.get(name):
            terms.append(f"{name} = :{name}")
            params[name] = str(filters[name])
    columns = ", ".join(dict.fromkeys(("subdistrict", "name_key", *_SHOWN)))
    with engine.connect() as conn:
        # through the place's index: SQLite, having no statistics, would take the status one
        plain = "+" if terms and not is_postgres(conn) else ""
        terms += [f"{plain}status = 'active'", f"{plain}subdistrict IS NOT NULL"]
        rows = conn.execute(text(f"SELECT {columns} FROM organizations WHERE {' AND '.join(terms)}"),
                            params).mappings().all()
    by_place: dict[str, list[dict]] = {}
    for row in rows:
        by_place.setdefault(row["subdistrict"], []).append(row)
    groups = []
    for subdistrict, members in by_place.items():
        for cluster in candidate_groups(members):
            cluster.sort(key=lambda r: (r["name"], r["id"]))
            groups.append({"subdistrict": subdistrict, "key": min(r["name_key"] for r in cluster),
                           "orgs": [{k: r[k] for k in _SHOWN} for r in cluster]})
    groups.sort(key=lambda g: (g["subdistrict"], g["key"], g["orgs"][0]["id"]))
    first = (page - 1) * per_page
    return {"groups": groups[first:first + per_page], "total": len(groups), "page": page, "per_page": per_page}
