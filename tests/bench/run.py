"""`make bench`: every benchmark, each figure beside its baseline measured in the same run.

    python -m tests.bench.run [--orgs N] [--only import|file|search|pages]
"""
from __future__ import annotations

import os

import eventlet

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
eventlet.monkey_patch()

import argparse  # noqa: E402

from . import import_file, import_orgs, load_pages, search_orgs  # noqa: E402

BENCHMARKS = {"import": import_orgs, "file": import_file, "search": search_orgs, "pages": load_pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orgs", type=int, default=200_000, help="organizations per benchmark (default 200,000)")
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append", help="run only these")
    args = parser.parse_args()
    for name in args.only or BENCHMARKS:
        module = BENCHMARKS[name]
        print(module.report(module.run(args.orgs)), flush=True)
        print(flush=True)


if __name__ == "__main__":
    main()
