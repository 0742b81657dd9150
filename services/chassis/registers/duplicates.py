"""Duplicate candidates: records of one place (a subdistrict) whose name keys (`names`) are
alike, grouped for a person to merge or dismiss."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sqlalchemy import Table, text
from sqlalchemy.engine import Engine

from services.chassis.database import is_postgres

SIMILARITY = 0.9  # difflib-style ratio of two name keys at or above which they are alike
MIN_CONTAINED = 4  # a key inside another counts when it has at least this many characters
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
    """Whether two name keys may name one record: equal; or one inside the other; or nearly
    the same letters (ratio >= SIMILARITY). Names that carry different numbers (หมู่ 1 and
    หมู่ 2, or a numbered series) are different records unless their keys are equal."""
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


def candidate_groups(rows: list[dict], key: str = "name_key") -> list[list[dict]]:
    """Rows of one place in groups of two or more whose `key`s are `similar`, directly or
    through another member (union-find over the pairs)."""
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    keys = [r[key] for r in rows]
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


@dataclass(frozen=True)
class DuplicateSearch:
    """A register's duplicate candidates: rows of `table` whose `status` is active, compared
    within each `place` (a column) on their `key`, filterable by `filters` (columns that name
    places); each record shown with `shown` columns, ordered by (`name`, id), in a list named
    `members`."""

    table: Table
    shown: tuple[str, ...]
    filters: tuple[str, ...]
    members: str = "records"  # what a group calls its records in the answer
    place: str = "subdistrict"
    key: str = "name_key"
    name: str = "name"
    status: str = "status"

    def groups(self, engine: Engine, filters: dict, page: int = 1, per_page: int = 50) -> dict:
        """Groups within one place whose keys are `similar`, ordered by place and key, paged
        by group; compared within each place only, so one center's or province's rows take a
        fraction of a second."""
        page, per_page = max(int(page or 1), 1), max(int(per_page or 50), 1)
        terms, params = [], {}
        for name in self.filters:
            if filters.get(name):
                terms.append(f"{name} = :{name}")
                params[name] = str(filters[name])
        columns = ", ".join(dict.fromkeys((self.place, self.key, self.name, "id", *self.shown)))
        with engine.connect() as conn:
            # through the place's index: SQLite, having no statistics, would take the status one
            plain = "+" if terms and not is_postgres(conn) else ""
            terms += [f"{plain}{self.status} = 'active'", f"{plain}{self.place} IS NOT NULL"]
            rows = conn.execute(text(f"SELECT {columns} FROM {self.table.name} WHERE {' AND '.join(terms)}"),
                                params).mappings().all()
        by_place: dict[str, list[dict]] = {}
        for row in rows:
            by_place.setdefault(row[self.place], []).append(row)
        groups = []
        for place, members in by_place.items():
            for cluster in candidate_groups(members, self.key):
                cluster.sort(key=lambda r: (r[self.name], r["id"]))
                groups.append({self.place: place, "key": min(r[self.key] for r in cluster),
                               self.members: [{k: r[k] for k in self.shown} for r in cluster]})
        groups.sort(key=lambda g: (g[self.place], g["key"], g[self.members][0]["id"]))
        first = (page - 1) * per_page
        return {"groups": groups[first:first + per_page], "total": len(groups), "page": page, "per_page": per_page}
