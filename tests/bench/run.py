"""`make bench`: every benchmark, each figure beside its baseline measured in the same run.

    python -m tests.bench.run [--orgs N] [--people N] [--knowledge N]
        [--only import|file|search|pages|people-import|people-search|people-erase|knowledge-search
                |replay|lag|dashboards|national-load]

`--people N` sizes the people benchmarks: N imported (default 500,000), N x 1.12 searched
(560,000), a register of N / 5 for the erasures (100,000). `--knowledge N`: the knowledge items
searched (default 3,000). `replay` and `dashboards` load the national dataset of --orgs
organizations (200,000: 560,000 people, 3,000 knowledge items and 100 campaigns with them,
`tests/bench/national.py`); `lag` sends edits at a fixed rate instead (SANPHALANG_BENCH_EDITS).
`national-load` loads that dataset (--orgs N scales it) through the running system's imports, as
`sanphalang demo --national` does (`tests/bench/national_load.py`)."""
from __future__ import annotations

import os

import eventlet

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
eventlet.monkey_patch()

import argparse  # noqa: E402

from . import (  # noqa: E402
    dashboards, erase_people, import_file, import_orgs, import_people, lag, load_pages, national_load, replay,
    search_knowledge, search_orgs, search_people,
)

BENCHMARKS = {"import": import_orgs, "file": import_file, "search": search_orgs, "pages": load_pages,
              "people-import": import_people, "people-search": search_people, "people-erase": erase_people,
              "knowledge-search": search_knowledge, "replay": replay, "lag": lag,
              "dashboards": dashboards, "national-load": national_load}
PEOPLE = {"people-import": 1.0, "people-search": 1.12, "people-erase": 0.2}  # of --people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=200_000, help="organizations per benchmark (default 200,000)")
    parser.add_argument("--people", type=int, default=500_000,
                        help="people imported (default 500,000); x 1.12 searched, / 5 for the erasures")
    parser.add_argument("--knowledge", type=int, default=3_000, help="knowledge items searched (default 3,000)")
    parser.add_argument("--only", choices=list(BENCHMARKS), action="append", help="run only these")
    args = parser.parse_args()
    for name in args.only or BENCHMARKS:
        module = BENCHMARKS[name]
        size = round(args.people * PEOPLE[name]) if name in PEOPLE else \
            args.knowledge if name == "knowledge-search" else args.orgs
        print(module.report(module.run(size)), flush=True)
        print(flush=True)


if __name__ == "__main__":
    main()
