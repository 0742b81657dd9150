"""The demo knowledge items and campaigns (`sanphalang demo --knowledge N --campaigns M`): every
row loads through the register's own schemas, bodies are realistic Markdown of 2 to 20 KB that
name their place, every category, kind, region and province appears, statuses agree with dates,
the same seed makes the same rows; and the loader drives the service's RPCs in the right order,
with the right versions and keys (a fake service here)."""
from __future__ import annotations

import random
import time
from collections import Counter
from datetime import date

import pytest

from sanphalang import demo_knowledge
from sanphalang.demo_knowledge import BODY_MAX, BODY_MIN, campaign_rows, item_rows, result_rows
from services import reference
from services.chassis import richtext
from services.chassis.validation import load
from services.contracts.knowledge import schemas
from services.contracts.knowledge.vocabulary import CATEGORIES, KINDS

TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module")
def items():
    start = time.perf_counter()
    rows = item_rows(3000)
    assert time.perf_counter() - start < 10  # a few seconds on a slow shared machine; about one on a quiet one
    return rows


@pytest.fixture(scope="module")
def campaigns():
    return campaign_rows(400, today=TODAY)


def test_items_load_through_the_register_schema(items):
    schema = schemas.ItemDraft()
    for row in items[:300]:
        loaded = load(schema, row)
        assert loaded["center"] == reference.center_of(row)  # the place's own center
        assert 2019 - 10 <= loaded["year"] <= date.today().year  # B.E. years read as C.E.
        assert all(link["url"].startswith("https://") for link in loaded["sources"])
        assert richtext.render(row["body"]).count("<h2>") >= 2


def test_bodies_are_2_to_20_kb_of_markdown_naming_their_place(items):
    sizes = [len(row["body"].encode()) for row in items]
    assert BODY_MIN <= min(sizes) and max(sizes) <= BODY_MAX
    assert 5_000 < sum(sizes) / len(sizes) < 12_000  # mostly mid-sized, some long, some short
    for row in items[:500]:
        province, district = reference.province(row["province"]), reference.district(row["district"])
        assert province.name_th in row["body"] and district.name_th in row["body"]
        assert row["body"].count("\n## ") >= 3


def test_every_category_kind_region_and_province_appears(items):
    assert set(Counter(row["category"] for row in items[:300])) == set(CATEGORIES)
    assert set(Counter(row["kind"] for row in items[:300])) == set(KINDS)
    assert {reference.region_of(row["province"]) for row in items[:300]} == set(reference.REGIONS)
    assert {row["province"] for row in items[:77]} == {p.code for p in reference.provinces()}
    assert {row["center"] for row in items} == {c.code for c in reference.centers()}  # Bangkok's six zones too


def test_topics_use_their_own_words(items):
    """A search for a topic's word finds that topic's items, not all of them."""
    with_forest = [row for row in items if "ป่าชุมชน" in row["body"]]
    with_savings = [row for row in items if "สัจจะ" in row["body"]]
    assert 50 < len(with_forest) < len(items) / 5 and 50 < len(with_savings) < len(items) / 5
    assert len({row["title"] for row in items}) > 0.95 * len(items)


def test_the_same_seed_makes_the_same_rows():
    assert item_rows(40, seed=7) == item_rows(40, seed=7)
    assert item_rows(40, seed=7) != item_rows(40, seed=8)
    assert campaign_rows(40, seed=7, today=TODAY) == campaign_rows(40, seed=7, today=TODAY)


def test_campaigns_load_and_their_status_agrees_with_their_dates(campaigns):
    schema = schemas.CampaignRegistration()
    for row in campaigns:
        loaded = load(schema, row)
        starts, ends = loaded["starts_on"], loaded["ends_on"]
        if loaded["status"] == "planned":
            assert starts > TODAY
        elif loaded["status"] == "active":
            assert starts <= TODAY and (ends is None or ends >= TODAY)
        else:
            assert ends < TODAY
        assert reference.center(loaded["center"]).province_code == loaded["province"]
        assert all((c["url"] is None) == (c["channel"] == "offline") for c in loaded["channels"])
        assert loaded["workers"] == []
    assert {row["province"] for row in campaigns[:77]} == {p.code for p in reference.provinces()}
    assert Counter(row["status"] for row in campaigns).keys() == {"planned", "active", "concluded"}
    assert {row["center"] for row in campaigns if row["province"] == reference.BANGKOK} <= {
        f"BKK{n}" for n in range(1, 7)}


def test_workers_given_are_assigned_one_to_three_a_campaign():
    workers = [f"00000000-0000-4000-8000-{n:012d}" for n in range(10)]
    for row in campaign_rows(30, workers=workers, today=TODAY):
        assert 1 <= len(row["workers"]) <= 3 and set(row["workers"]) <= set(workers)


def test_results_are_over_time_for_running_and_concluded_campaigns(campaigns):
    schema, rnd, recorded = schemas.CampaignResult(), random.Random(1), 0
    for row in campaigns:
        results = result_rows(rnd, row, TODAY)
        if row["status"] == "planned":
            assert results == []
            continue
        assert 1 <= len(results) <= 4
        days = [load(schema, result)["on"] for result in results]
        assert days == sorted(days) and date.fromisoformat(row["starts_on"]) <= days[0] and days[-1] <= TODAY
        reaches = [result["reach"] for result in results]
        assert reaches == sorted(reaches)
        recorded += len(results)
    assert recorded > len(campaigns) / 2


class FakeKnowledge:
    """The RPCs the loader calls, as the signed proxy offers them (the assertion is the proxy's)."""

    def __init__(self):
        self.calls, self.items = [], {}

    def draft_batch(self, payloads, submit=False, key=None):
        self.calls.append(("draft_batch", len(payloads), submit, key))
        ids = [f"item-{len(self.items) + n}" for n in range(len(payloads))]
        self.items.update({item: 2 if submit else 1 for item in ids})
        return {"drafted": len(ids), "ids": ids}

    def publish_batch(self, items, key=None):
        self.calls.append(("publish_batch", len(items), key))
        for item in items:
            assert self.items[item["id"]] == item["version"]
            self.items[item["id"]] += 1
        return {"published": len(items), "ids": [item["id"] for item in items]}

    def archive(self, item_id, expected_version, reason=None, key=None):
        assert self.items[item_id] == expected_version
        self.items[item_id] += 1
        self.calls.append(("archive", item_id, key))

    def register_campaigns(self, payloads, key=None):
        self.calls.append(("register_campaigns", len(payloads), key))
        return {"registered": len(payloads), "ids": [f"campaign-{key}-{n}" for n in range(len(payloads))]}

    def record_result(self, campaign_id, result, expected_version, key=None):
        self.calls.append(("record_result", campaign_id, expected_version, key))


def test_the_loader_drafts_publishes_archives_and_records_results(capsys):
    knowledge = FakeKnowledge()
    demo_knowledge.load_knowledge(knowledge, 450, 120, seed=5)
    calls = Counter(call[0] for call in knowledge.calls)
    assert calls["draft_batch"] >= 3 and calls["publish_batch"] >= 2 and calls["register_campaigns"] == 1
    versions = Counter(knowledge.items.values())  # 1 draft, 2 in review, 3 published, 4 archived
    assert versions[1] + versions[2] + versions[3] + versions[4] == 450
    assert versions[3] > 0.75 * 450 and versions[1] and versions[2] and versions[4]
    keys = [call[-1] for call in knowledge.calls]
    assert len(keys) == len(set(keys))  # each command its own key: a rerun repeats nothing
    results = [call for call in knowledge.calls if call[0] == "record_result"]
    by_campaign: dict[str, list[int]] = {}
    for _, campaign, version, _ in results:
        by_campaign.setdefault(campaign, []).append(version)
    assert by_campaign and all(versions == list(range(1, len(versions) + 1)) for versions in by_campaign.values())
    out = capsys.readouterr().out
    assert "450 demo knowledge items" in out and "120 demo campaigns" in out
