"""The people register's key store, master key and spreadsheets through the running system:
the people process alone is given its key store (a database of this run apart from its event
database) and the master key of this run; the CLI registers demo people, imports a people file
(all or nothing, naming the bad row's column; a dry run; the valid rows) and exports them."""
from __future__ import annotations

import base64
import uuid
from pathlib import Path

from sqlalchemy import select, text

from services.chassis.database import make_engine
from services.chassis.privacy.keystore import subject_keys
from services.chassis.privacy.sealing import Master
from services.contracts.people.sheet import SHEET
from services.settings import MASTER_KEY, PRIVATE, key_store_var
from tests.people import people_workbook, unique_people

TH = {c.field: c.th for c in SHEET.export_columns}


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(entry.split("=", 1) for entry in raw.decode(errors="replace").split("\0") if "=" in entry)


def _head(system) -> int:
    with system.rpc() as rpc:
        return rpc.people.head()["seq"]


def test_only_the_people_process_holds_its_key_store_and_the_master_key(system):
    private = {name for names in PRIVATE.values() for name in names}
    for name, process in system.processes.items():
        environ = _environ(process.pid)
        service = name.split("-")[0]
        given = {k: v for k, v in environ.items() if k in private}
        assert given == {k: v for k, v in system.private_env.get(service, {}).items() if k in private}, name
    with system.rpc() as rpc:
        person = rpc.people.register(unique_people(1, seed=97)[0])
    keys_url = system.private_env["people"][key_store_var("people")]
    assert keys_url != system.database_urls["people"]
    engine = make_engine(keys_url)
    try:
        with engine.connect() as conn:
            masters = dict(conn.execute(select(subject_keys.c.subject, subject_keys.c.master)).all())
    finally:
        engine.dispose()
    master = Master(base64.b64decode(system.private_env["people"][MASTER_KEY]))
    assert masters[person["id"]] == master.id  # wrapped by this run's master key
    assert not (system.workdir / "var" / "master.key").exists()  # none made on disk
    events = make_engine(system.database_urls["people"])
    try:
        with events.connect() as conn:
            tables = {r[0] for r in conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type='table'" if events.dialect.name == "sqlite" else
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))}
    finally:
        events.dispose()
    assert "subject_keys" not in tables and "erasures" not in tables  # no key in the event database


def test_the_cli_registers_demo_people_imports_a_file_and_exports_it(system, tmp_path):
    before = _head(system)
    seed = str(uuid.uuid4().int % 10_000)
    demo = system.cli("demo", "--people", "20", "--role", "leader", "--trainings", "0.5", "--seed", seed)
    assert demo.returncode == 0, demo.stderr
    assert "Registered 20 demo people" in demo.stdout
    trained = int(demo.stdout.split("Recorded ")[1].split()[0])
    assert trained > 0 and _head(system) == before + 20 + trained

    tag = uuid.uuid4().hex[:6]
    rows = [{"given_name": f"นำเข้า{tag}{n}", "family_name": "ทดสอบ", "phone": f"08{n}-555-01{n}{n}",
             "province": "50", "district": "5001", "subdistrict": "500101", "roles": "พลเมืองจิตอาสา",
             "legal_basis": "ความยินยอม (มาตรา 19)", "consent_purposes": "ทะเบียนเครือข่ายและการประสานงาน",
             "consent_notice": "2568-1", "consent_on": "15/03/2568", "consent_channel": "แบบฟอร์มกระดาษ"}
            for n in range(1, 5)]
    rows[2]["consent_on"] = "31/02/2568"  # spreadsheet row 4
    path = tmp_path / "people.xlsx"
    path.write_bytes(people_workbook(rows))
    start = _head(system)
    refused = system.cli("import", "people", str(path))
    assert refused.returncode == 1, refused.stderr
    assert f"row 4, column {TH['consent_on']}: " in refused.stdout and _head(system) == start
    dry = system.cli("import", "people", str(path), "--dry-run")
    assert dry.returncode == 1 and "created 3" in dry.stdout and _head(system) == start
    accepted = system.cli("import", "people", str(path), "--accept-valid-rows")
    assert "created 3, updated 0, unchanged 0, rejected 1" in accepted.stdout, accepted.stdout
    assert _head(system) == start + 3

    exported = tmp_path / "out.csv"
    result = system.cli("export", "people", str(exported), "--center", "P50", "--q", f"นำเข้า{tag}")
    assert result.returncode == 0, result.stderr
    assert "Exported 3 people" in result.stdout
    text_ = exported.read_text(encoding="utf-8-sig")
    assert text_.count(tag) == 3 and "+66815550111" in text_  # the operator sees them in full
    events = make_engine(system.database_urls["people"])
    try:
        with events.connect() as conn:
            recorded = conn.execute(text("SELECT count(*) FROM full_reads WHERE what = 'export'")).scalar()
    finally:
        events.dispose()
    assert recorded >= 3
