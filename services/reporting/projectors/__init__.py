"""One projector per source, by source name: each module has `apply(conn, events)` (a run of
that source's events, in the checkpoint's transaction) over its kinds of record
(`services/reporting/records.py`)."""
from __future__ import annotations

from . import knowledge, orgs, people

PROJECTORS = {"orgs": orgs, "people": people, "knowledge": knowledge}
