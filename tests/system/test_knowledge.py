"""The knowledge register as a real process over the real broker: indicators 2 and 7 current
within seconds of a publication or a campaign, the people it names checked with the people
service (asked over RPC, signed as itself), and `verify` telling a changed file from the one
its log recorded."""
from __future__ import annotations

import base64

import pytest

from services.chassis.errors import CommandRejected
from tests.knowledge import campaign_payload, item_payload
from tests.people import unique_people

from .api import nation_value, wait_for

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _caught_up(system) -> bool:
    with system.rpc() as rpc:
        return rpc.reporting.positions()["knowledge"] == rpc.knowledge.head()["seq"]


def test_published_items_and_campaigns_count_within_seconds(system):
    wait_for(lambda: _caught_up(system))
    items, campaigns = nation_value(system.url, "knowledge_items"), nation_value(system.url, "campaign_issues")
    with system.rpc() as rpc:
        drafted = rpc.knowledge.draft_batch([item_payload(n) for n in range(3)], submit=True)["ids"]
        rpc.knowledge.publish_batch([{"id": i, "version": 2} for i in drafted[:2]])
        rpc.knowledge.register_campaign(campaign_payload())
    _, waited = wait_for(lambda: nation_value(system.url, "knowledge_items") == items + 2
                         and nation_value(system.url, "campaign_issues") == campaigns + 1, timeout=20)
    assert waited < 10
    with system.rpc() as rpc:
        rpc.knowledge.archive(drafted[0], 3, "ซ้ำกับเรื่องอื่น")
    wait_for(lambda: nation_value(system.url, "knowledge_items") == items + 1, timeout=20)


def test_a_campaign_names_only_people_the_people_register_has(system):
    with system.rpc() as rpc:
        person = rpc.people.register({**unique_people(1, seed=97)[0], "roles": [{"role": "online_worker"}]})
        campaign = rpc.knowledge.register_campaign(campaign_payload(2, workers=[person["id"]]))
        assert campaign["workers"] == [person["id"]]
        head = rpc.knowledge.head()["seq"]
        stranger = "00000000-0000-4000-8000-000000000000"
        with pytest.raises(CommandRejected) as refused:
            rpc.knowledge.register_campaign(campaign_payload(3, workers=[person["id"], stranger]))
        assert refused.value.problems == [{"field": "workers.1", "code": "unknown_person", "row": None,
                                           "params": {"id": stranger}}]
        assert rpc.knowledge.head()["seq"] == head


def test_verify_names_a_file_changed_after_it_was_recorded(system):
    with system.rpc() as rpc:
        item = rpc.knowledge.draft(item_payload(9))
        item = rpc.knowledge.attach(item["id"], {"name": "รายงาน.pdf", "content": base64.b64encode(PDF).decode()},
                                    item["version"])
        (attachment,) = item["attachments"]
        assert rpc.knowledge.verify_chain()["ok"]
    kept = system.workdir / "var" / "knowledge-files" / attachment["sha256"][:2] / attachment["sha256"]
    kept.write_bytes(PDF + b"% changed\n")
    with system.rpc() as rpc:
        report = rpc.knowledge.verify_chain()
    assert not report["ok"] and report["broken_seq"] is None
    assert [f["sha256"] for f in report["files"]["changed"]] == [attachment["sha256"]]
    kept.write_bytes(PDF)  # the module's other tests share this system
