"""What every register must do as an event source, as one suite any register runs: its
commands are idempotent and optimistic, each record's history is its events, its log pages
out gap-free and chained, tampering is found, a rejected command and a rejected import write
nothing. Run against the register's own nameko service, in this process, on SQLite and on
PostgreSQL.

A register's test module subclasses `SourceContract` (as `Test<Register>Source`; one with
spreadsheet imports, `ImportContract`) and provides
one fixture, `case`, returning a `SourceCase` over a fresh store of the backend under test
(`database_url`); see tests/component/test_orgs_source.py."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest
from sqlalchemy import func, select, text

from services.chassis import tables
from services.chassis.errors import CommandRejected, Conflict
from services.chassis.store import EventStore
from tests.inprocess import InProcess
from tests.keys import ADMIN

ACTOR = ADMIN  # the suite's records lie in every center


@dataclass
class SourceCase:
    """One register under the suite. `create(service, n, key)`: the n-th new record (its
    command's answer, with `id` and `version`); `edit(service, record, version, key)`: a
    change to it, expecting `version`; `bad`: a registration its schema refuses; `rows(n)`:
    n import rows of distinct new records; `spoil(row)`: that row made invalid;
    `stream_of(record_id)`: the record's stream; `records()`: how many rows its read model has."""

    service: object  # the register's RPCs, each call signed for ACTOR (tests.keys.signed)
    store: EventStore
    create: Callable[[InProcess, int, str | None], dict]
    edit: Callable[[InProcess, dict, int, str | None], dict]
    bad: dict
    rows: Callable[[int], list[dict]]
    spoil: Callable[[dict], dict]
    stream_of: Callable[[str], str]
    records: Callable[[], int]
    refuse: Callable[[object, str], dict] | None = None  # a refused command; default: register `bad`

    def refused(self, key: str) -> dict:
        return self.refuse(self.service, key) if self.refuse else self.service.register(self.bad, key=key)


class SourceContract:
    @pytest.fixture
    def case(self) -> SourceCase:
        raise NotImplementedError("a register's test module provides the `case` fixture")

    def head(self, case: SourceCase) -> int:
        return case.service.head()["seq"]

    def keys(self, case: SourceCase) -> int:
        with case.store.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(tables.commands)).scalar()

    # -- commands ---------------------------------------------------------------------------

    def test_a_command_key_seen_before_returns_the_first_result_and_appends_nothing(self, case):
        first = case.create(case.service, 1, "key-1")
        head = self.head(case)
        assert case.create(case.service, 1, "key-1") == first
        assert self.head(case) == head and case.records() == 1
        edited = case.edit(case.service, first, first["version"], "key-2")
        assert case.edit(case.service, first, first["version"], "key-2") == edited
        assert self.head(case) > head and case.service.get(first["id"]) == edited

    def test_a_stale_version_is_a_conflict_naming_the_current_one_and_appends_nothing(self, case):
        record = case.create(case.service, 1, None)
        current = case.edit(case.service, record, record["version"], None)
        head = self.head(case)
        with pytest.raises(Conflict) as error:
            case.edit(case.service, record, record["version"], None)  # the version it had before the edit
        assert error.value.current_version == current["version"]
        assert self.head(case) == head and case.service.get(record["id"]) == current

    def test_a_rejected_command_leaves_no_event_no_row_and_no_key(self, case):
        case.create(case.service, 1, None)
        head, keys = self.head(case), self.keys(case)
        with pytest.raises(CommandRejected) as error:
            case.refused("key-refused")
        assert error.value.problems and all(p["field"] and p["code"] for p in error.value.problems)
        assert (self.head(case), self.keys(case), case.records()) == (head, keys, 1)

    # -- history and the log -----------------------------------------------------------------

    def test_the_history_is_the_records_events_in_order_with_who_made_them(self, case):
        record = case.create(case.service, 1, "key-h")
        case.edit(case.service, record, record["version"], None)
        case.create(case.service, 2, None)  # another record's events are not its history
        history = case.service.history(record["id"])
        assert [e["version"] for e in history] == [1, 2]
        assert {e["stream"] for e in history} == {case.stream_of(record["id"])}
        assert [e["actor"]["user"] for e in history] == [ACTOR.name] * 2
        assert history[0]["actor"]["request"] == "key-h" and history[0]["actor"]["signed_by"].startswith("gateway-")

    def test_events_since_pages_through_the_log_without_a_gap(self, case):
        for n in range(1, 8):
            case.create(case.service, n, None)
        seen, after = [], 0
        while page := case.service.events_since(after, 3):
            assert len(page) <= 3
            seen += page
            after = page[-1]["seq"]
        assert [e["seq"] for e in seen] == list(range(1, 8))
        head = case.service.head()
        assert (head["seq"], head["hash"]) == (7, seen[-1]["hash"])
        assert all(e["source"] == case.store.source for e in seen)

    def test_the_chain_verifies_and_a_tampered_event_is_named_by_its_seq(self, case):
        for n in range(1, 6):
            case.create(case.service, n, None)
        report = case.service.verify_chain()
        assert (report["ok"], report["events"], report["broken_seq"]) == (True, 5, None)
        with case.store.engine.begin() as conn:
            conn.execute(text("UPDATE events SET data = :d WHERE seq = 3"), {"d": '{"name":"ปลอม"}'})
        report = case.service.verify_chain()
        assert (report["ok"], report["broken_seq"], report["events"]) == (False, 3, 2)



class ImportContract(SourceContract):
    """The suite of a register that imports spreadsheets: all rows or none, staged imports."""

    # -- imports ------------------------------------------------------------------------------

    def test_an_import_with_one_bad_row_writes_nothing_and_names_the_row(self, case):
        rows = case.rows(5)
        rows[3] = case.spoil(rows[3])
        with pytest.raises(CommandRejected) as error:
            case.service.import_rows(rows, key="import-1", first_row=10)
        assert {p["row"] for p in error.value.problems} == {13}
        assert (self.head(case), case.records(), self.keys(case)) == (0, 0, 0)
        checked = case.service.check_rows(rows, 10, "stage-1")
        assert {p["row"] for p in checked["rejected"]} == {13} and self.head(case) == 0

    def test_a_staged_import_writes_what_was_checked_once(self, case):
        rows = case.rows(6)
        assert case.service.check_rows(rows, 1, "stage-2") == {"rejected": []}
        written = case.service.import_staged("stage-2", 1, 6, 6, key="import-2")
        assert written["created"] == 6 and case.records() == 6 and self.head(case) == 6
        assert case.service.import_staged("stage-2", 1, 6, 6, key="import-2") == written  # redelivered
        again = case.service.import_rows(rows, key="import-3", first_row=1)  # the same rows again change nothing
        assert (again["created"], again["unchanged"], self.head(case)) == (0, 6, 6)
