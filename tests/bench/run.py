"""`make bench`: every benchmark, each figure beside its baseline measured in the same run.

    python -m tests.bench.run [--orgs N]
"""
from __future__ import annotations

import os

import eventlet

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
eventlet.monkey_patch()

import argparse  # noqa: E402

from . import import_orgs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orgs", type=int, default=200_000, help="organizations to import (default 200,000)")
    args = parser.parse_args()
    print(import_orgs.report(import_orgs.run(args.orgs)), flush=True)


if __name__ == "__main__":
    main()
