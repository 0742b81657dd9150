"""Ranked full-text search over a register's documents (knowledge items, campaigns): the words
of a few weighted parts of each record (a title weighs more than a body) in an index beside
its table, on SQLite an FTS5 table, on PostgreSQL a `tsvector` with a GIN index.

Both backends are given the same words: the text is segmented in Python (`chassis.words`)
and each word stored as it is, never parsed again by the database (FTS5's `unicode61` sees
only words it keeps whole; the `tsvector` is built as a literal). So a query matches the same
records on both: those that hold every word of the query (or a word it begins: กล้วย finds
กล้วยตาก, which the segmentation keeps whole), in any part. Matches are ranked by
the backend's own measure with the parts' weights (FTS5's BM25, PostgreSQL's `ts_rank`):
the same records, ranked alike where one is clearly better (a title over a body), not always
in the same order where they are close. Without words, records come newest first.

The index is written by the register's projection in the command's transaction, like its
row. On SQLite the FTS5 rows are keyed by a narrow key table (the filter columns), which SQL
triggers on the register's table keep; matches are filtered, counted and ranked there, never
reading the wide rows but the page's. On PostgreSQL the match is always the GIN index's.
Column names come from the register's spec; every value is a bound parameter."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Integer, Table, bindparam, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection, Engine

from services.chassis.database import exclusive, is_postgres
from services.chassis.errors import rejected
from services.chassis.registers.search import fts_phrase, like_pattern, rows_by_ids
from services.chassis.thai import common_era, to_arabic_digits
from services.chassis.words import query_words, words

WEIGHTS = "ABCD"  # the parts of a document, weightiest first
BM25 = (10.0, 4.0, 2.0, 1.0)  # SQLite: the parts' weights in BM25
TS_RANK = "{0.1, 0.2, 0.4, 1.0}"  # PostgreSQL: the weights of D, C, B and A in ts_rank
POSITION_MAX = 16_383  # a tsvector's highest position
POSITIONS_PER_WORD = 255  # a tsvector keeps at most this many positions of one word
PREFIX_MIN = 2  # characters: a query's word this long also finds the longer words it begins
FTS5_WORDS = "unicode61 categories 'L* N* Co M*' remove_diacritics 0"  # keeps our words whole


@dataclass(frozen=True)
class FullTextSearch:
    """The search of `table` (with `id`) over `parts` (names of a document's parts, weightiest
    first, at most four). `filters`: filter name -> (column, operator), the operator being
    `=`, `in` (a list of values), `tag` (a JSON list column holding the value) or `year` (a
    C.E. or B.E. year, Thai or Arabic digits, compared as C.E.); `fixed`: the columns the
    service itself restricts (a query's `fixed`, e.g. the public's `status`); `newest`: the
    column listings without words are ordered by, newest first."""

    table: Table
    parts: tuple[str, ...]
    filters: dict[str, tuple[str, str]]
    fixed: tuple[str, ...] = ()
    newest: str = "updated_at"

    @property
    def words_table(self) -> str:
        return f"{self.table.name}_words"

    @property
    def key_table(self) -> str:
        return f"{self.table.name}_keys"

    @property
    def key_columns(self) -> tuple[str, ...]:
        """What SQLite's narrow key table carries: every filter's column, and the newest."""
        return tuple(dict.fromkeys([*(column for column, _ in self.filters.values()), *self.fixed, self.newest]))

    def create_schema(self, engine: Engine) -> None:
        with engine.begin() as conn:
            exclusive(conn, f"schema:{self.words_table}")
            for statement in self._pg_schema() if is_postgres(conn) else self._sqlite_schema():
                conn.execute(text(statement))

    def _pg_schema(self) -> list[str]:
        name = self.words_table
        return [f"CREATE TABLE IF NOT EXISTS {name} (id VARCHAR(36) PRIMARY KEY, words TSVECTOR NOT NULL)",
                f"CREATE INDEX IF NOT EXISTS ix_{name} ON {name} USING gin (words)"]

    def _sqlite_schema(self) -> list[str]:
        """The FTS5 table, keyed by the integer `n` of a narrow key table that SQL triggers on
        the register's table keep (as the names' search does): matches are filtered, counted
        and ranked on it without reading the wide rows, whose bodies fill pages of their own."""
        table, keys, columns = self.table.name, self.key_table, self.key_columns
        parts = ", ".join(f"part_{weight.lower()}" for weight in WEIGHTS[:len(self.parts)])
        declared = ", ".join(f"{c} {self.table.c[c].type.compile(dialect=sqlite.dialect())}" for c in columns)
        listed, new = ", ".join(columns), ", ".join(f"new.{c}" for c in columns)
        changed = " OR ".join(f"new.{c} IS NOT old.{c}" for c in columns)
        return [
            f"CREATE TABLE IF NOT EXISTS {keys} (n INTEGER PRIMARY KEY, id VARCHAR(36) NOT NULL UNIQUE, {declared})",
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.words_table} USING fts5({parts}, tokenize=\"{FTS5_WORDS}\")",
            f"""CREATE TRIGGER IF NOT EXISTS {keys}_insert AFTER INSERT ON {table} BEGIN
                INSERT INTO {keys} (id, {listed}) VALUES (new.id, {new});
            END""",
            f"""CREATE TRIGGER IF NOT EXISTS {keys}_update AFTER UPDATE ON {table} WHEN {changed} BEGIN
                UPDATE {keys} SET {", ".join(f"{c} = new.{c}" for c in columns)} WHERE id = old.id;
            END""",
            f"""CREATE TRIGGER IF NOT EXISTS {keys}_delete AFTER DELETE ON {table} BEGIN
                DELETE FROM {self.words_table} WHERE rowid = (SELECT n FROM {keys} WHERE id = old.id);
                DELETE FROM {keys} WHERE id = old.id;
            END""",
        ]

    # -- writing ----------------------------------------------------------------------------

    def index(self, conn: Connection, documents: dict[str, dict[str, str | None]]) -> None:
        """Index (or index again) documents: record id -> {part: text}. The records' rows are
        written already (SQLite keys the index by their key table's `n`)."""
        if not documents:
            return
        segmented = {record: [words(parts.get(name)) for name in self.parts] for record, parts in documents.items()}
        if is_postgres(conn):
            conn.execute(text(f"INSERT INTO {self.words_table} (id, words) VALUES (:id, CAST(:words AS tsvector)) "
                              "ON CONFLICT (id) DO UPDATE SET words = EXCLUDED.words"),
                         [{"id": record, "words": tsvector(found)} for record, found in segmented.items()])
            return
        numbers = dict(conn.execute(_sql(f"SELECT id, n FROM {self.key_table} WHERE id IN :ids", ["ids"]),
                                    {"ids": list(segmented)}).all())
        conn.execute(_sql(f"DELETE FROM {self.words_table} WHERE rowid IN :ns", ["ns"]), {"ns": list(numbers.values())})
        names = [f"part_{weight.lower()}" for weight in WEIGHTS[:len(self.parts)]]
        conn.execute(text(f"INSERT INTO {self.words_table} (rowid, {', '.join(names)}) "
                          f"VALUES (:n, {', '.join(':' + n for n in names)})"),
                     [{"n": numbers[record], **{n: " ".join(w) for n, w in zip(names, found)}}
                      for record, found in segmented.items()])

    # -- queries ----------------------------------------------------------------------------

    def query(self, engine: Engine, filters: dict, page: int = 1, per_page: int = 20,
              fixed: dict[str, list] | None = None) -> dict:
        """A page of whole rows matching `filters` (`q`: the words to look for; the others as
        the spec's `filters`) and `fixed` (column -> allowed values, set by the service, e.g.
        only published items), best first; and how many match."""
        if not isinstance(filters, dict):
            raise rejected("filters", "invalid")
        page, per_page = _whole("page", page or 1), min(_whole("per_page", per_page or 20), 200)
        found = query_words(str(filters.get("q") or "").strip())
        params: dict = {"limit": per_page, "offset": (page - 1) * per_page}
        postgres = is_postgres(engine)
        conditions, lists = self._conditions(filters, fixed or {}, params, postgres)
        with engine.connect() as conn:
            if found:
                source, rank = self._matching(conn, found, postgres, params, conditions)
            else:
                source, rank = f"{self.table.name} t", f"t.{self.newest} DESC, t.id"
            where = " WHERE " + " AND ".join(conditions) if conditions else ""
            total = conn.execute(_sql(f"SELECT count(*) FROM {source}{where}", lists), params).scalar()
            ids = list(conn.execute(_sql(f"SELECT t.id FROM {source}{where} ORDER BY {rank} "
                                         "LIMIT :limit OFFSET :offset", lists), params).scalars())
            rows = rows_by_ids(conn, self.table.name, ids)
        return {"items": rows, "total": total, "page": page, "per_page": per_page, "words": list(found)}

    def _matching(self, conn: Connection, found: tuple[str, ...], postgres: bool, params: dict,
                  conditions: list) -> tuple[str, str]:
        """The FROM of the matching records (aliased `t`: their key rows on SQLite) and their order."""
        table, index = self.table.name, self.words_table
        if postgres:
            # Through the GIN index always: a common word matches most records, and the planner
            # then reads every tsvector instead (ten times slower); the index answers the match
            # alone, and only the ranking reads the matches' vectors.
            conn.execute(text("SELECT set_config('enable_seqscan', 'off', true)"))
            params["words"] = " & ".join(_quoted(w) + (":*" if _prefix(w) else "") for w in found)
            conditions.insert(0, "w.words @@ CAST(:words AS tsquery)")
            return (f"{index} w JOIN {table} t ON t.id = w.id",
                    f"ts_rank('{TS_RANK}', w.words, CAST(:words AS tsquery)) DESC, t.id")
        params["words"] = " ".join(fts_phrase(w) + ("*" if _prefix(w) else "") for w in found)
        conditions.insert(0, f"{index} MATCH :words")
        weights = ", ".join(str(w) for w in BM25[:len(self.parts)])
        return f"{index} JOIN {self.key_table} t ON t.n = {index}.rowid", f"bm25({index}, {weights}), t.id"

    def _conditions(self, filters: dict, fixed: dict[str, list], params: dict,
                    postgres: bool) -> tuple[list[str], list[str]]:
        """The conditions of the filters given, and the names of the parameters that are lists."""
        conditions, lists = [], []
        for n, (column, values) in enumerate(fixed.items()):
            conditions.append(f"t.{column} IN :fixed_{n}")
            params[f"fixed_{n}"] = list(values)
            lists.append(f"fixed_{n}")
        for name, (column, op) in self.filters.items():
            value = filters.get(name)
            if value is None or value == "" or value == []:
                continue
            if op == "tag":  # ILIKE on PostgreSQL: SQLite's LIKE ignores case too
                conditions.append(f"t.{column} {'ILIKE' if postgres else 'LIKE'} :f_{name} ESCAPE '\\'")
                params[f"f_{name}"] = like_pattern(json.dumps(str(value), ensure_ascii=False))
            elif op == "in":
                conditions.append(f"t.{column} IN :f_{name}")
                params[f"f_{name}"] = [str(v) for v in (value if isinstance(value, list) else [value])]
                lists.append(f"f_{name}")
            else:
                conditions.append(f"t.{column} = :f_{name}")
                params[f"f_{name}"] = self._typed(name, column, value)
                if op == "year":
                    params[f"f_{name}"] = common_era(params[f"f_{name}"])
        return conditions, lists

    def _typed(self, name: str, column: str, value):
        if isinstance(self.table.c[column].type, Integer):
            try:
                return int(to_arabic_digits(str(value)))
            except ValueError:
                raise rejected(name, "not_integer") from None
        return str(value)


def _sql(sql: str, lists: list[str]):
    return text(sql).bindparams(*(bindparam(name, expanding=True) for name in lists))


def _prefix(word: str) -> bool:
    """Whether a query's word also finds the words it begins (กล้วย finds กล้วยตาก, which the
    segmentation keeps whole); a word of one letter would find too much."""
    return len(word) >= PREFIX_MIN


def _quoted(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _whole(name: str, value) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        raise rejected(name, "not_integer") from None


def tsvector(parts: list[list[str]]) -> str:
    """A tsvector literal of a document's parts' words, each with its positions and its
    part's weight (A for the first part...), exactly these words and no parsing."""
    positions: dict[str, list[str]] = {}
    position = 0
    for weight, found in zip(WEIGHTS, parts):
        for word in found:
            position = min(position + 1, POSITION_MAX)
            at = positions.setdefault(word, [])
            if len(at) < POSITIONS_PER_WORD:
                at.append(f"{position}{weight}")
    return " ".join(f"{_quoted(word)}:{','.join(at)}" for word, at in positions.items())
