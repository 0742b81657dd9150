"""The people register's spreadsheets through the kit's pipeline, with the people service in
this process on SQLite and PostgreSQL (its key store in a database of its own, on the same
backend): a file with one bad row writes nothing and names the row and the column, the valid
rows when asked for, a dry run's counts, and nothing personal in any error; then the CLI's
export as another center sees it (masked), as the people's own center sees it (in full, each
recorded as a read) and never with a restricted person."""
from __future__ import annotations

from contextlib import nullcontext

import openpyxl
import pytest
from sqlalchemy import func, select

from sanphalang.spreadsheets import export_command
from services.chassis.permissions import User
from services.chassis.registers.pipeline import FileImport, import_digest, problem_line, summary
from services.contracts.people.sheet import SHEET, written_day
from services.contracts.people.vocabulary import CONSENT_CHANNELS, LEGAL_BASES, ROLES
from services.people import readmodel
from tests.keys import ADMIN, STAFF_P50
from tests.people import people_service, people_workbook, unique_people
from tests.support import pg_database

FILES = FileImport(SHEET)
TH = {c.field: c.th for c in SHEET.export_columns}
STAFF_P10 = User("somchai", "center_staff", "P10")
# six people of Chiang Mai (center P50), one a subdistrict
PEOPLE = [{**row, "province": "50", "district": "5001", "subdistrict": f"5001{n:02d}"}
          for n, row in enumerate(unique_people(6, seed=71), start=1)]
BAD_ROW = 5  # the spreadsheet's row of PEOPLE[3], whose consent date does not exist


def cells_of(row: dict) -> dict:
    """A person's row as a center types it: labels for codes, the consent in its columns."""
    consent = row.get("consent") or {}
    return {
        **{k: row.get(k) for k in ("given_name", "family_name", "phone", "national_id", "email", "province",
                                   "district", "subdistrict", "address")},
        "roles": ", ".join(ROLES[r["role"]][0] for r in row["roles"]),
        "legal_basis": LEGAL_BASES[row["legal_basis"]][0],
        "consent_purposes": ", ".join(consent.get("purposes", [])) or None,
        "consent_notice": consent.get("notice_version"), "consent_on": written_day(consent.get("given_on")),
        "consent_channel": CONSENT_CHANNELS[consent["channel"]][0] if consent else None,
        "consent_witness": consent.get("witness"),
    }


def a_file(bad: dict | None = None) -> bytes:
    rows = [cells_of(row) for row in PEOPLE]
    rows[BAD_ROW - 2] = {**rows[BAD_ROW - 2], "legal_basis": LEGAL_BASES["consent"][0], "consent_purposes": "contact",
                         "consent_notice": "2568-1", "consent_channel": "paper", "consent_on": "31/02/2568",
                         **(bad or {})}
    return people_workbook(rows)


@pytest.fixture
def people(backend, database_url, tmp_path):
    keys = pg_database() if backend == "postgres" else nullcontext(f"sqlite:///{tmp_path / 'keys.sqlite'}")
    with keys as keys_url:
        service = people_service(database_url, keys_url)
        yield service
        service.close()


def listed(people) -> int:
    with people.store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(readmodel.people)).scalar()


def imported(people, content: bytes, **options):
    service = people.as_(ADMIN)
    if options.get("dry_run"):
        read, checked = SHEET.read_rows("people.xlsx", content), None
    else:
        read, checked = FILES.read_checked(service, "people.xlsx", content)
    digest = import_digest(content, None, options.get("accept_valid", False), service.head()["seq"])  # as the CLI
    report = FILES.import_rows(service, read, digest, checked=checked, **options)
    return read, report


def test_one_bad_row_writes_nothing_and_is_named_by_its_row_and_column(people):
    _, report = imported(people, a_file())
    assert [(p["row"], p["field"], p["code"]) for p in report.problems] == [(BAD_ROW, "consent.given_on", "invalid_date")]
    assert report.problems[0]["column"] == TH["consent_on"]  # the column it was read from
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 0, "rejected": 1}
    assert (people.store.head()["seq"], listed(people), people.keys.ledger()) == (0, 0, [])


def test_the_valid_rows_when_asked_then_the_same_file_changes_nothing(people):
    _, report = imported(people, a_file(), accept_valid=True)
    assert report.counts() == {"created": 5, "updated": 0, "unchanged": 0, "rejected": 1}
    assert people.store.head()["seq"] == 5 and listed(people) == 5
    _, again = imported(people, a_file(), accept_valid=True)
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 5, "rejected": 1}
    assert people.store.head()["seq"] == 5


def test_a_dry_run_counts_what_the_good_rows_would_do_and_writes_nothing(people):
    _, report = imported(people, a_file(), dry_run=True)
    assert report.counts() == {"created": 5, "updated": 0, "unchanged": 0, "rejected": 1}
    lines = [line["en"] for line in summary(report.counts(), bool(report.problems), True, False)]
    assert any("created 5" in line for line in lines)
    assert people.store.head()["seq"] == 0 and listed(people) == 0


def test_no_value_of_a_rejected_row_is_in_its_errors(people):
    bad = {"given_name": "ประดิษฐ์ลับ", "family_name": "นามสกุลลับ", "phone": "02-999-99", "national_id": "3100700123456",
           "email": "pradit.lap@", "consent_witness": "พยานลับ", "consent_channel": "verbal", "consent_on": "๓๑/๐๒/๒๕๖๘",
           "address": "99/9 ซอยลับ"}
    _, report = imported(people, a_file(bad))
    assert {p["row"] for p in report.problems} == {BAD_ROW}
    assert {p["field"] for p in report.problems} >= {"phone", "national_id", "email", "consent.given_on"}
    text = "\n".join(problem_line(p) + repr(p) for p in report.problems)
    for value in ("ประดิษฐ์ลับ", "นามสกุลลับ", "99999", "999-99", "3100700123456", "pradit", "พยานลับ", "ซอยลับ",
                  "๓๑/๐๒"):
        assert value not in text, value
    assert people.store.head()["seq"] == 0


# -- the CLI's export ------------------------------------------------------------------------


@pytest.fixture
def registered(tmp_path):
    """The six people registered on a SQLite file; the last of them restricted."""
    people = people_service(f"sqlite:///{tmp_path / 'people.sqlite'}", f"sqlite:///{tmp_path / 'keys.sqlite'}")
    admin = people.as_(ADMIN)
    ids = admin.register_batch(PEOPLE)["ids"]
    admin.restrict(ids[-1], {"ground": "objection"}, 1)
    yield people, ids
    people.close()


def exported(people, user, path) -> list[dict]:
    """What `sanphalang export people` writes for `user`: the rows of the .xlsx, by field."""
    assert export_command(SHEET, people.as_(user), path, {"center": "P50"}) == len(PEOPLE) - 1
    assert SHEET.read_rows(path.name, path.read_bytes()).problems == []  # it imports back
    header, *rows = openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True)
    assert list(header) == [c.th for c in SHEET.export_columns]
    return [dict(zip([c.field for c in SHEET.export_columns], row)) for row in rows]


def reads(people) -> list[tuple]:
    with people.store.engine.connect() as conn:
        table = readmodel.full_reads
        return [tuple(r) for r in conn.execute(select(table.c.person, table.c.user, table.c.what))]


def test_the_cli_export_masks_another_centers_people_and_records_its_own_centers(registered, tmp_path):
    people, ids = registered
    phones = [row["phone"].replace("-", "")[1:] for row in PEOPLE[:-1] if row.get("phone")]
    assert phones, "some of the people have a phone"
    other = exported(people, STAFF_P10, tmp_path / "p10.xlsx")
    assert {row["id"] for row in other} == set(ids[:-1])  # the restricted person: never exported
    shown = "\n".join(str(row) for row in other)
    for digits in phones:
        assert digits not in shown and digits[-4:] in shown  # the last four digits only
    assert all(row["address"] is None and row["national_id"] is None for row in other)
    assert {row["given_name"] for row in other} == {row["given_name"] for row in PEOPLE[:-1]}  # names: shown
    assert reads(people) == []  # nobody's full record was shown
    own = exported(people, STAFF_P50, tmp_path / "p50.xlsx")
    assert {row["phone"] for row in own if row["phone"]} == {f"+66{d}" for d in phones}
    assert sorted(reads(people)) == sorted((row["id"], STAFF_P50.name, "export") for row in own)
    csv = tmp_path / "p50.csv"
    export_command(SHEET, people.as_(STAFF_P50), csv, {"center": "P50"})
    assert csv.read_text(encoding="utf-8-sig").splitlines()[0].startswith(TH["given_name"])
