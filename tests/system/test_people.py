"""The people register as a real process over the real broker: its indicators current within
seconds of an edit, out again from the day of an erasure, and not one personal value in its
log lines or in reporting's database."""
from __future__ import annotations

from sqlalchemy import text

from services.chassis.database import make_engine
from tests.people import unique_people

from .api import nation_value, wait_for

ROWS = unique_people(12, seed=71)


def _caught_up(system) -> bool:
    with system.rpc() as rpc:
        return rpc.reporting.positions()["people"] == rpc.people.head()["seq"]


def _volunteers(system) -> int:
    return nation_value(system.url, "volunteers")


def test_people_count_within_seconds_and_leave_the_count_when_erased(system):
    rows = [{**row, "roles": [{"role": "volunteer"}]} for row in ROWS[:10]]
    wait_for(lambda: _caught_up(system))
    before, leaders = _volunteers(system), nation_value(system.url, "community_leaders")
    with system.rpc() as rpc:
        ids = rpc.people.register_batch(rows)["ids"]
        person = rpc.people.get(ids[0])
        rpc.people.start_role(ids[0], {"role": "leader"}, person["version"])
    _, waited = wait_for(lambda: _volunteers(system) == before + 10
                         and nation_value(system.url, "community_leaders") == leaders + 1, timeout=20)
    assert waited < 10
    with system.rpc() as rpc:
        assert rpc.people.erase(ids[:3]) == {"erased": 3}
        assert rpc.people.verify_chain()["ok"]
    wait_for(lambda: _volunteers(system) == before + 7
             and nation_value(system.url, "community_leaders") == leaders, timeout=20)


def test_no_personal_value_reaches_a_log_line_or_reporting(system):
    row = {**ROWS[11], "phone": "081-777-4321", "email": "log.scan@example.org", "roles": [{"role": "leader"}]}
    with system.rpc() as rpc:
        person = rpc.people.register(row)
        try:
            rpc.people.register({**row, "national_id": "1101700207031"})  # a wrong check digit: refused
        except Exception as refused:
            assert "1101700207031" not in str(refused)
        rpc.people.get(person["id"])
    wait_for(lambda: _caught_up(system))
    logs = "".join(p.read_text(errors="replace") for p in system.workdir.glob("*.log"))
    engine = make_engine(system.database_urls["reporting"])
    with engine.connect() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table'" if engine.dialect.name == "sqlite"
            else "SELECT tablename FROM pg_tables WHERE schemaname='public'"))]
        reporting = " ".join(str(r) for t in tables for r in conn.execute(text(f'SELECT * FROM "{t}"')))
    engine.dispose()
    for value in (row["given_name"], row["family_name"], "817774321", "log.scan@example.org", "1101700207031"):
        assert value not in logs and value not in reporting
