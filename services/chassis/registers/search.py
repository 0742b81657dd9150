"""Searching a register's read model: a Thai or English substring of its names, filters, and
name order; one query interface (`TextSearch.query`), one class per backend.

Substrings are indexed without word segmentation: on SQLite by an FTS5 `trigram` index, on
PostgreSQL by `pg_trgm` GIN indexes. Queries shorter than three characters cannot use
trigrams and scan with LIKE; so does any query within one place (center, province, district
or subdistrict), whose few thousand rows the place's own B-tree index hands over.

A query's matches are sorted by (name, id). When they are many (a common substring like
"กลุ่ม"), sorting all of them costs more than the page: SQLite first looks for the page by
reading the name order from the start, within a budget, since such matches often come early;
PostgreSQL sorts only the matches up to a name that some matches it has already read prove
to lie past the page (`PostgresQuery.trigram`).

SQLite keeps two tables beside the register's table, both written only by SQL triggers on it,
so no Python code has to remember them:
- `<table>_search`: one narrow row per record (an integer key, the id, the name and the
  filter columns) on which matches are counted, filtered and sorted without the wide rows;
- `<table>_fts`: the contentless trigram index over the two names, keyed by that integer. (An
  external-content index keyed on the table's own rowid would break when VACUUM renumbers the
  rowids of a table whose key is text.)

Column names come from the register's spec, never from a caller; every value is a bound
parameter."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Table, bindparam, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection, Engine

from services.chassis.database import exclusive, is_postgres
from services.chassis.errors import rejected

MIN_TRIGRAM = 3  # code points; a shorter query cannot use a trigram index and scans with LIKE
SORT_MAX = 15_000  # SQLite sorts up to this many matches; more are first looked for in
WALK_BUDGET = 20_000  # this many rows of the name order, then sorted after all


@dataclass(frozen=True)
class TextSearch:
    """The search of one register's read model `table` (with `id`, `status`, the name it is
    ordered by and a second name, e.g. English). `filters`: filter name -> (column, operator);
    `places`: the filters that name a place; `dates`: those whose value is a date; `keys`: the
    filter columns SQLite's narrow key table carries; `ordered`: filter columns with an index
    of their own in name order (names that follow the column, like an organization's type);
    `count_cap`: matches of a `q` are counted exactly up to this many."""

    table: Table
    filters: dict[str, tuple[str, str]]
    places: tuple[str, ...]
    keys: tuple[str, ...]
    count_cap: int
    dates: tuple[str, ...] = ()
    ordered: tuple[str, ...] = ()
    name: str = "name"
    other_name: str = "name_en"

    @property
    def fts(self) -> str:
        return f"{self.table.name}_fts"

    @property
    def key_table(self) -> str:
        return f"{self.table.name}_search"

    @property
    def walk_index(self) -> str:
        return f"ix_{self.table.name}_{self.name}_walk"

    # -- schema -----------------------------------------------------------------------------

    def create_schema(self, engine: Engine) -> None:
        """Create the search indexes (idempotent); on SQLite, rebuild the trigram index and its
        key table from the rows when they do not hold one row per record."""
        with engine.begin() as conn:
            exclusive(conn, f"schema:{self.table.name}-search")  # replicas starting together take turns
            if is_postgres(conn):
                for statement in self._pg_schema():
                    conn.execute(text(statement))
            else:
                for statement in self._sqlite_schema():
                    conn.execute(text(statement))
                indexed = conn.execute(text(f"SELECT count(*) FROM {self.key_table}")).scalar()
                if indexed != conn.execute(text(f"SELECT count(*) FROM {self.table.name}")).scalar():
                    self.rebuild(conn)
            for statement in self._order_indexes():
                conn.execute(text(statement))

    def _pg_schema(self) -> list[str]:
        # gin_trgm_ops serves LIKE and ILIKE alike (trigrams are extracted case-folded)
        return ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
            f"CREATE INDEX IF NOT EXISTS ix_{self.table.name}_{name}_trgm ON {self.table.name} "
            f"USING gin ({name} gin_trgm_ops)" for name in (self.name, self.other_name)]

    def _order_indexes(self) -> list[str]:
        """The name-ordered listing reads these in order and stops after a page: the whole
        register (the second name along, so a common query is checked on the index alone), or
        one value of an `ordered` column (names that follow the column would make a walk of
        the whole name order pass most of the register first). One place's few thousand rows
        need no such index: its own index hands them over to be sorted."""
        table, name = self.table.name, self.name
        return [f"CREATE INDEX IF NOT EXISTS {self.walk_index} ON {table} ({name}, id, {self.other_name})"] + [
            f"CREATE INDEX IF NOT EXISTS ix_{table}_{column}_{name} ON {table} ({column}, {name}, id)"
            for column in self.ordered]

    def _sqlite_schema(self) -> list[str]:
        table, keys, fts = self.table.name, self.key_table, self.fts
        columns = (self.name, *self.keys)
        new = ", ".join(f"new.{c}" for c in columns)
        changed = " OR ".join(f"new.{c} IS NOT old.{c}" for c in columns)
        names = f"{self.name}, {self.other_name}"
        old_names = f"old.{self.name}, old.{self.other_name}"
        new_names = f"new.{self.name}, new.{self.other_name}"
        declared = ", ".join(f"{c} {self._type(c)}{' NOT NULL' if c == self.name else ''}" for c in columns)
        return [
            f"CREATE TABLE IF NOT EXISTS {keys} (n INTEGER PRIMARY KEY, id VARCHAR(36) NOT NULL UNIQUE, {declared})",
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({names}, content='', tokenize='trigram')",
            f"""CREATE TRIGGER IF NOT EXISTS {keys}_insert AFTER INSERT ON {table} BEGIN
                INSERT INTO {keys} (id, {", ".join(columns)}) VALUES (new.id, {new});
                INSERT INTO {fts} (rowid, {names}) VALUES ((SELECT n FROM {keys} WHERE id = new.id), {new_names});
            END""",
            f"""CREATE TRIGGER IF NOT EXISTS {keys}_update AFTER UPDATE ON {table} WHEN {changed} BEGIN
                UPDATE {keys} SET {", ".join(f"{c} = new.{c}" for c in columns)} WHERE id = old.id;
            END""",
            f"""CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE ON {table}
            WHEN new.{self.name} IS NOT old.{self.name} OR new.{self.other_name} IS NOT old.{self.other_name} BEGIN
                INSERT INTO {fts} ({fts}, rowid, {names})
                    VALUES ('delete', (SELECT n FROM {keys} WHERE id = old.id), {old_names});
                INSERT INTO {fts} (rowid, {names}) VALUES ((SELECT n FROM {keys} WHERE id = new.id), {new_names});
            END""",
            f"""CREATE TRIGGER IF NOT EXISTS {keys}_delete AFTER DELETE ON {table} BEGIN
                INSERT INTO {fts} ({fts}, rowid, {names})
                    VALUES ('delete', (SELECT n FROM {keys} WHERE id = old.id), {old_names});
                DELETE FROM {keys} WHERE id = old.id;
            END""",
        ]

    def _type(self, column: str) -> str:
        return str(self.table.c[column].type.compile(dialect=sqlite.dialect()))

    def rebuild(self, conn: Connection) -> None:
        """SQLite: fill the key table and the trigram index afresh from the register's table."""
        keys, fts, table = self.key_table, self.fts, self.table.name
        columns = ", ".join((self.name, *self.keys))
        conn.execute(text(f"INSERT INTO {fts} ({fts}) VALUES ('delete-all')"))
        conn.execute(text(f"DELETE FROM {keys}"))
        conn.execute(text(f"INSERT INTO {keys} (id, {columns}) SELECT id, {columns} FROM {table} "
                          f"ORDER BY {self.name}, id"))
        conn.execute(text(f"INSERT INTO {fts} (rowid, {self.name}, {self.other_name}) "
                          f"SELECT k.n, o.{self.name}, o.{self.other_name} FROM {keys} k JOIN {table} o ON o.id = k.id"))

    # -- queries ----------------------------------------------------------------------------

    def query(self, engine: Engine, filters: dict, page: int = 1, per_page: int = 50) -> dict:
        """A page of records (whole rows) in (name, id) order that match `filters`, and how
        many match.

        `q` matches a substring of either name literally (LIKE wildcards are plain
        characters) and case-insensitively. `total` is exact up to `count_cap` matches of a
        `q`; past that it is `count_cap` + 1 and the answer has `total_capped: true`, as
        checking every row of a very common substring would cost more than the page. SQLite
        counts a `q` of three or more characters outside a place exactly, on its narrow key
        table. Without `q` the count is always exact."""
        page, per_page = max(int(page or 1), 1), max(int(per_page or 50), 1)
        q = unicodedata.normalize("NFC", str(filters.get("q") or "")).strip()
        located = any(filters.get(k) for k in self.places)
        with engine.connect() as conn:
            kind = PostgresQuery if is_postgres(conn) else SqliteQuery
            items, total, capped = kind(self, conn, filters, q, per_page, (page - 1) * per_page).run(located)
        out = {"items": items, "total": total, "page": page, "per_page": per_page}
        if capped:
            out["total_capped"] = True
        return out


def rows_by_ids(conn: Connection, table: str, ids: list[str]) -> list[dict]:
    """Whole rows of `table` for a page of ids, in that order."""
    if not ids:
        return []
    found = conn.execute(text(f"SELECT * FROM {table} WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)), {"ids": ids}).mappings()
    rows = {r["id"]: dict(r) for r in found}
    return [rows[i] for i in ids if i in rows]


def like_pattern(q: str) -> str:
    """`q` as a LIKE pattern that matches it literally anywhere (with ESCAPE '\\')."""
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def fts_phrase(q: str) -> str:
    """`q` as one FTS5 phrase: with the trigram tokenizer, a substring match."""
    return '"' + q.replace('"', '""') + '"'


class _Query:
    """One query's SQL, the parts both backends share."""

    postgres = False

    def __init__(self, spec: TextSearch, conn: Connection, filters: dict, q: str, limit: int, offset: int):
        self.spec, self.conn, self.q = spec, conn, q
        self.table, self.name, self.other = spec.table.name, spec.name, spec.other_name
        self.params = {"limit": limit, "offset": offset, "pattern": like_pattern(q), "phrase": fts_phrase(q),
                       "cap": spec.count_cap + 1}
        self.filters = []  # (column, operator, parameter)
        for name, (column, op) in spec.filters.items():
            value = filters.get(name)
            if value is None or value == "":
                continue
            self.filters.append((column, op, f"f_{name}"))
            self.params[f"f_{name}"] = _iso_date(name, value) if name in spec.dates else str(value)

    def run(self, located: bool):
        if not self.q:
            return self.listing(located)
        if len(self.q) < MIN_TRIGRAM or located:
            return self.scan(located)
        return self.trigram()

    def where(self, alias: str = "o", *more: str) -> str:
        terms = [_term(f"{alias}.{column}", op, f":{param}") for column, op, param in self.filters] + list(more)
        return " WHERE " + " AND ".join(terms) if terms else ""

    def like(self, column: str) -> str:
        return f"{column} LIKE :pattern ESCAPE '\\'"  # SQLite's LIKE ignores ASCII case

    def match(self, alias: str = "o") -> str:
        return f"({self.like(f'{alias}.{self.name}')} OR {self.like(f'{alias}.{self.other}')})"

    def scalar(self, sql: str):
        return self.conn.execute(text(sql), self.params).scalar()

    def by_ids(self, ids: list[str]) -> list[dict]:
        return rows_by_ids(self.conn, self.table, ids)

    def page_ids(self, sql: str) -> list[str]:
        return list(self.conn.execute(text(sql + " LIMIT :limit OFFSET :offset"), self.params).scalars())

    def page(self, where: str, source: str | None = None, order: str | None = None) -> list[dict]:
        source, order = source or f"{self.table} o", order or f"o.{self.name}, o.id"
        return self.by_ids(self.page_ids(f"SELECT o.id FROM {source}{where} ORDER BY {order}"))

    def count(self) -> int:
        return self.scalar(f"SELECT count(*) FROM {self.table} o{self.where()}")

    def listing(self, located: bool):
        """No `q`: filters alone, counted exactly through their B-tree indexes."""
        total = self.count()
        return self.page(self.where()), total, False

    def scan(self, located: bool):
        """A short `q`, or one place: LIKE over the rows the filters' B-trees give, in order."""
        return self.capped(lambda *more: f"SELECT o.id, o.{self.name} FROM {self.table} o"
                                         f"{self.where('o', self.match(), *more)}")

    def capped(self, matches):
        """The page, the count and whether the count is capped, for `matches(*more)`: the SQL
        of the matching rows' (id, name) that also meet the conditions `more`.

        One pass reads up to count_cap + 1 matches, counts and sorts them: the answer when
        there are no more. When there are more, the ones read are some of the matches, so the
        page's last name among them bounds the true page (at least a page's worth of matches
        sort up to it) and a second pass sorts only the matches named up to it. A page past
        the matches read sorts all of them."""
        name = self.name
        page = self.conn.execute(text(
            f"SELECT m.id, m.{name}, m.total FROM (SELECT c.id, c.{name}, count(*) OVER () AS total "
            f"FROM ({matches()} LIMIT :cap) c) m ORDER BY m.{name}, m.id LIMIT :limit OFFSET :offset"),
            self.params).all()
        if page:
            found = page[0].total
        else:  # past the last page: count alone
            found = self.scalar(f"SELECT count(*) FROM ({matches()} LIMIT :cap) c")
        if found <= self.spec.count_cap:
            return self.by_ids([row.id for row in page]), found, False
        within = []
        if len(page) == self.params["limit"]:
            self.params["bound"] = page[-1][1]
            within = [f"o.{name} <= :bound"]
        ids = self.page_ids(f"SELECT m.id FROM ({matches(*within)}) m ORDER BY m.{name}, m.id")
        return self.by_ids(ids), found, True

    def trigram(self):
        raise NotImplementedError


class SqliteQuery(_Query):
    def listing(self, located: bool):
        total = self.count()
        if located or not self.filters or any(c in self.spec.ordered for c, _, _ in self.filters):
            return self.page(self.where()), total, False
        # SQLite has no statistics to choose with: a sparse filter (a recent date) is read
        # through its own index and sorted, a dense one (status) off the name order
        if total > SORT_MAX:
            return self.page(self.where(), f"{self.table} o INDEXED BY {self.spec.walk_index}"), total, False
        return self.page(self.where(), order=f"+o.{self.name}, +o.id"), total, False

    def walk(self) -> list[dict] | None:
        """A page of a common query's matches read off the name order, if the first
        WALK_BUDGET rows of that order hold it; else None. A common substring's matches
        cluster (every name that starts with สหกรณ์ sorts late), so they may all lie past the
        budget. The walk index on (name, id, other name) answers the match alone."""
        self.params["budget"] = WALK_BUDGET
        name = self.name
        bound = self.scalar(f"SELECT o.{name} FROM {self.table} o ORDER BY o.{name}, o.id LIMIT 1 OFFSET :budget")
        self.params["bound"] = bound
        ids = self.page_ids(f"SELECT o.id FROM {self.table} o INDEXED BY {self.spec.walk_index}"
                            f"{self.where('o', self.match(), *([f'o.{name} <= :bound'] if bound else []))} "
                            f"ORDER BY o.{name}, o.id")
        return self.by_ids(ids) if bound is None or len(ids) == self.params["limit"] else None

    def trigram(self):
        # FTS first, then the narrow key rows: count, filter and sort without the wide rows
        fts = self.spec.fts
        hits = f"{fts} CROSS JOIN {self.spec.key_table} k"
        where = self.where("k", f"{fts} MATCH :phrase", f"k.n = {fts}.rowid")
        if self.filters:
            total = self.scalar(f"SELECT count(*) FROM {hits}{where}")
        else:
            total = self.scalar(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH :phrase")
        items = self.walk() if total > SORT_MAX else None
        if items is None:
            items = self.by_ids(self.page_ids(f"SELECT k.id FROM {hits}{where} ORDER BY k.{self.name}, k.id"))
        return items, total, False


class PostgresQuery(_Query):
    postgres = True

    def like(self, column: str) -> str:
        # PostgreSQL's ILIKE lower-cases each row it checks, several times slower than LIKE on
        # Thai text, and a query without a cased letter (Thai, digits) needs no case folding.
        op = "ILIKE" if self.q.lower() != self.q.upper() else "LIKE"
        return f"{column} {op} :pattern ESCAPE '\\'"

    def plan(self, **settings: str) -> None:
        """Planner settings for this query's transaction only, in one round trip."""
        calls = ", ".join(f"set_config('{name}', :{name}, true)" for name in settings)
        self.conn.execute(text(f"SELECT {calls}"), settings)

    def scan(self, located: bool):
        """Kept off the name index within a place: expecting the place's matches to turn up
        early, the planner would walk the name order checking each row for the place."""
        if located:
            self.plan(enable_indexscan="off")
        return super().scan(located)

    def trigram(self):
        """Matches through the trigram indexes (bitmap scans), never the planner's walk down
        the name index checking row by row, slow when the matches lie far down that order.

        Two disjoint branches, matches of the second name and the other matches of the first,
        so that each candidate one column's index hands over is checked against that column
        only (an English query never lower-cases the Thai names). Past count_cap matches, the
        ones named up to the bound (`capped`) come from the trigram bitmap intersected with
        the name index's range (a BitmapAnd), without reading the other matches' rows."""
        # The register's pages are in memory: at the default random_page_cost of 4 the
        # planner prices the name index's range too high to intersect it with the trigrams
        # and reads every match's row instead.
        self.plan(enable_seqscan="off", enable_indexscan="off", random_page_cost="1.1")
        return self.capped(self.matches)

    def matches(self, *more: str) -> str:
        name, other, table = self.name, self.other, self.table
        second = self.where("o", self.like(f"o.{other}"), *more)
        first = self.where("o", self.like(f"o.{name}"), f"(o.{other} IS NULL OR NOT {self.like(f'o.{other}')})", *more)
        return (f"SELECT o.id, o.{name} FROM {table} o{second} "
                f"UNION ALL SELECT o.id, o.{name} FROM {table} o{first}")


def _term(column: str, op: str, param: str) -> str:
    """One filter's condition: `column op param`, or an operator written as a template of
    both (`{c}` and `{p}`), for a condition a plain operator cannot say (NULL included)."""
    return op.format(c=column, p=param) if "{" in op else f"{column} {op} {param}"


def _iso_date(name: str, value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise rejected(name, "invalid_date") from None
