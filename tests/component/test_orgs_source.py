"""The organization register passes the suite every register must (source_contract.py), on
SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sanphalang.demo import org_rows
from services.contracts.orgs import events as ev
from services.orgs import readmodel
from services.orgs.service import OrgsService
from tests.component.conftest import orgs_store
from tests.inprocess import InProcess
from tests.keys import asker, signed

from .source_contract import ACTOR, ImportContract, SourceCase

ROWS = org_rows(50, seed=41)  # distinct names in distinct places: each a new organization


class TestOrgsSource(ImportContract):
    @pytest.fixture
    def case(self, database_url):
        store = orgs_store(database_url)

        def records() -> int:
            with store.engine.connect() as conn:
                return conn.execute(select(func.count()).select_from(readmodel.organizations)).scalar()

        yield SourceCase(
            service=signed(InProcess(OrgsService, log=store, asking=asker("orgs")), ACTOR), store=store,
            create=lambda orgs, n, key: orgs.register(ROWS[n], key=key),
            edit=lambda orgs, org, version, key: orgs.amend(org["id"], {"members": org["members"] + 1}, version,
                                                             key=key),
            bad={**ROWS[0], "members": "มาก", "type": "club"},
            rows=lambda count: [dict(row) for row in ROWS[:count]],
            spoil=lambda row: {**row, "members": "มาก"},
            stream_of=ev.stream_of, records=records,
        )
        store.engine.dispose()
