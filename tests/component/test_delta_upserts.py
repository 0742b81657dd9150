"""The projection's delta rows as `deltas.add` writes them, on SQLite and PostgreSQL: keys of any
text (PostgreSQL's are sent as array literals made by hand), added up whatever their order, the
same keys again in a later call adding to the rows already there."""
from __future__ import annotations

from collections import Counter

from services.chassis.database import make_engine
from services.reporting import deltas, projections

ODD = ['a "quoted" code', "back\\slash", "comma,brace{}", "", "NULL", "ไทย ๑๒", "trailing\\"]


def test_any_text_is_a_key_and_the_same_keys_add_up(database_url):
    engine = make_engine(database_url)
    projections.create_schema(engine)
    first = Counter({("volunteers", "skill", value, "center", "P50", "2026-01-0" + str(n % 9 + 1)): n + 1
                     for n, value in enumerate(ODD)})
    second = Counter({key: 10 for key in list(first)[::2]})
    second[("volunteers", "skill", "new", "nation", "TH", "2026-02-01")] = -3
    second[("volunteers", "skill", "zero", "nation", "TH", "2026-02-01")] = 0  # written by nobody
    with engine.begin() as conn:
        deltas.add(conn, first, deltas.breakdown_deltas)
    with engine.begin() as conn:
        deltas.add(conn, second, deltas.breakdown_deltas)
    with engine.connect() as conn:
        found = deltas.totals(conn, deltas.breakdown_deltas)
    expected = {key: n for key, n in (first + Counter()).items()}
    for key, n in second.items():
        expected[key] = expected.get(key, 0) + n
    assert found == {key: n for key, n in expected.items() if n}
    assert {key[2] for key in found} == {*ODD, "new"}
    engine.dispose()


def test_spread_puts_a_center_s_counts_in_every_scope_that_holds_it():
    moves = Counter({("volunteers", "BKK1", "10", "2026-01-01"): 2, ("volunteers", "P50", "50", "2026-01-01"): 1,
                     ("volunteers", "skill", "health", "P50", "50", "2026-01-02"): -1})
    assert deltas.spread(moves) == Counter({
        ("volunteers", "nation", "TH", "2026-01-01"): 3, ("volunteers", "region", "bangkok", "2026-01-01"): 2,
        ("volunteers", "province", "10", "2026-01-01"): 2, ("volunteers", "center", "BKK1", "2026-01-01"): 2,
        ("volunteers", "region", "north", "2026-01-01"): 1, ("volunteers", "province", "50", "2026-01-01"): 1,
        ("volunteers", "center", "P50", "2026-01-01"): 1,
        ("volunteers", "skill", "health", "nation", "TH", "2026-01-02"): -1,
        ("volunteers", "skill", "health", "region", "north", "2026-01-02"): -1,
        ("volunteers", "skill", "health", "province", "50", "2026-01-02"): -1,
        ("volunteers", "skill", "health", "center", "P50", "2026-01-02"): -1,
    })
