"""Realistic rows for benchmarks: the demo generators (`sanphalang.demo`, `sanphalang.demo_people`),
so the benchmarks and `sanphalang demo` register the same kind of data."""
from __future__ import annotations

from sanphalang.demo import org_rows

__all__ = ["org_rows", "person_rows"]

_PEOPLE: list[dict] = []  # the demo people made so far this run (seeded: each a prefix of the next)


def person_rows(count: int) -> list[dict]:
    """`count` demo people (`demo_people.person_rows`, its default seed), made once a run: the
    people benchmarks and their baselines share them. The generator is sequential, so the first
    `count` rows of a longer run are the rows of a shorter one."""
    from sanphalang.demo_people import person_rows as generate

    if len(_PEOPLE) < count:
        _PEOPLE[:] = generate(count)
    return _PEOPLE[:count]
