"""The knowledge register passes the suite every register must (source_contract.py), on
SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.contracts.knowledge import events as ev
from services.knowledge import readmodel
from tests.knowledge import item_payload, knowledge_service

from .source_contract import ACTOR, SourceCase, SourceContract


class TestKnowledgeSource(SourceContract):
    @pytest.fixture
    def case(self, database_url, tmp_path):
        knowledge = knowledge_service(database_url, tmp_path / "files")
        store = knowledge.store

        def records() -> int:
            with store.engine.connect() as conn:
                return conn.execute(select(func.count()).select_from(readmodel.items)).scalar()

        yield SourceCase(
            service=knowledge.as_(ACTOR), store=store,
            create=lambda service, n, key: service.draft(item_payload(n), key=key),
            edit=lambda service, item, version, key: service.revise(
                item["id"], {"summary": f"{item['summary']} (แก้ไข)"}, version, key=key),
            bad=item_payload(1, title="<script>alert(1)</script>", body="<img src=x onerror=alert(1)>"),
            rows=lambda count: [item_payload(n) for n in range(count)],
            spoil=lambda row: {**row, "category": "gossip"},
            stream_of=ev.stream_of, records=records,
            refuse=lambda service, key: service.draft(
                item_payload(1, title="<script>alert(1)</script>", body="[x](javascript:alert(1))"), key=key),
        )
        knowledge.close()
