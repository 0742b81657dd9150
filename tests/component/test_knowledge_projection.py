"""Indicators 7 (knowledge items) and 2 (campaign issues) from the knowledge register's events,
with their breakdowns, on SQLite and PostgreSQL: a published item counts at its authoring
center until it is archived, a campaign whatever its status until it is archived; as of any
day; one run of events, events one by one and a replay from scratch agree."""
from __future__ import annotations

import itertools


from services.chassis.database import make_engine
from services.reporting import projections, queries

SEQ = itertools.count(1)
DAY = "2026-{:02d}-01T03:00:00.000000Z".format


def event(stream: str, type_: str, month: int, version: int, at: str | None = None, **data) -> dict:
    return {"source": "knowledge", "seq": next(SEQ), "stream": stream, "version": version, "type": type_,
            "at": at or DAY(month), "data": data}


def drafted(item: str, month: int = 1, center: str = "P50", category: str = "grassroots_economy",
            kind: str = "case_study") -> dict:
    return event(f"item-{item}", "ItemDrafted", month, 1, title="t", body="b", category=category, kind=kind,
                 tags=[], language="th", center=center)


def step(item: str, type_: str, month: int, version: int, center: str = "P50", category: str = "grassroots_economy",
         kind: str = "case_study", at: str | None = None) -> dict:
    return event(f"item-{item}", type_, month, version, at, center=center, category=category, kind=kind, revision=1,
                 note=None)


def published(item: str, month: int = 1, center: str = "P50", **fields) -> list[dict]:
    """An item drafted, submitted and published in `month`."""
    return [drafted(item, month, center, **fields), step(item, "ItemSubmitted", month, 2, center, **fields),
            step(item, "ItemPublished", month, 3, center, **fields)]


def campaign(name: str, type_: str, month: int, version: int, **data) -> dict:
    return event(f"campaign-{name}", type_, month, version, **data)


def registered(name: str, month: int = 1, status: str = "planned", center: str = "P50") -> dict:
    return campaign(name, "CampaignRegistered", month, 1, title="t", problem="p", province=center[1:], status=status,
                    center=center)


def project(engine, *events: dict) -> None:
    with engine.begin() as conn:
        projections.apply(conn, "knowledge", list(events))


def value(engine, key: str, scope: str = "nation", code: str | None = None, as_of: str | None = None) -> int:
    places = {p["code"]: p for p in queries.indicator_values(engine, scope, code, as_of)["places"]}
    return next(i["value"] for i in places[code or "TH"]["indicators"] if i["key"] == key)


def breakdown(engine, indicator: str, dimension: str, scope: str = "nation", code: str | None = None,
              as_of: str | None = None) -> dict:
    places = {p["code"]: p for p in queries.breakdown_values(engine, scope, code, as_of)["places"]}
    return places[code or "TH"]["breakdowns"].get(indicator, {}).get(dimension, {})


def test_an_item_counts_at_its_center_while_published(engine):
    project(engine, drafted("a"), step("a", "ItemSubmitted", 2, 2))
    project(engine, step("a", "ItemReturned", 2, 3), step("a", "ItemSubmitted", 2, 4),
            step("a", "ItemPublished", 3, 5))
    project(engine, step("a", "ItemArchived", 5, 6))
    project(engine, step("a", "ItemRestored", 7, 7))
    counts = [value(engine, "knowledge_items", as_of=f"2026-{m:02d}-15") for m in range(1, 8)]
    assert counts == [0, 0, 1, 1, 0, 0, 1]
    for scope, code in (("center", "P50"), ("province", "50"), ("region", "north")):
        assert value(engine, "knowledge_items", scope, code) == 1
        assert value(engine, "knowledge_items", scope, code, as_of="2026-06-30") == 0
    assert value(engine, "knowledge_items", "center", "P51") == 0
    assert breakdown(engine, "knowledge_items", "status", as_of="2026-01-31") == {"draft": 1}
    assert breakdown(engine, "knowledge_items", "status", as_of="2026-02-28") == {"in_review": 1}
    assert breakdown(engine, "knowledge_items", "status", as_of="2026-05-31") == {"archived": 1}
    assert breakdown(engine, "knowledge_items", "status") == {"published": 1}
    assert breakdown(engine, "knowledge_items", "category", as_of="2026-05-31") == {}
    assert breakdown(engine, "knowledge_items", "category") == {"grassroots_economy": 1}


def test_drafts_and_items_in_review_never_count(engine):
    project(engine, drafted("a"), drafted("b", center="BKK2"), step("b", "ItemSubmitted", 2, 2, "BKK2"),
            *published("c", 3, "BKK2"))
    assert value(engine, "knowledge_items") == 1
    assert value(engine, "knowledge_items", "region", "bangkok") == 1
    assert value(engine, "knowledge_items", "center", "BKK2") == 1
    assert breakdown(engine, "knowledge_items", "status") == {"draft": 1, "in_review": 1, "published": 1}
    assert breakdown(engine, "knowledge_items", "status", "center", "BKK2") == {"in_review": 1, "published": 1}
    assert breakdown(engine, "knowledge_items", "status", "province", "10") == {"in_review": 1, "published": 1}


def test_revising_a_published_items_category_or_kind_moves_it_between_breakdowns(engine):
    project(engine, *published("a", 1), *published("b", 1))
    project(engine, event("item-a", "ItemRevised", 3, 4, category="healthy_community", revision=2),
            event("item-a", "ItemRevised", 3, 5, kind="manual", title="อีกชื่อ", revision=2),
            event("item-b", "ItemRevised", 3, 4, title="title only", revision=2))
    assert breakdown(engine, "knowledge_items", "category") == {"grassroots_economy": 1, "healthy_community": 1}
    assert breakdown(engine, "knowledge_items", "kind") == {"case_study": 1, "manual": 1}
    assert breakdown(engine, "knowledge_items", "category", as_of="2026-02-28") == {"grassroots_economy": 2}
    assert value(engine, "knowledge_items") == 2 and value(engine, "knowledge_items", as_of="2026-02-28") == 2
    # archived with the new category, restored: the category it left with comes back
    project(engine, step("a", "ItemArchived", 4, 6, category="healthy_community", kind="manual"))
    assert breakdown(engine, "knowledge_items", "category") == {"grassroots_economy": 1}
    project(engine, step("a", "ItemRestored", 5, 7, category="healthy_community", kind="manual"))
    assert breakdown(engine, "knowledge_items", "category") == {"grassroots_economy": 1, "healthy_community": 1}


def test_a_draft_revised_before_publication_counts_in_its_last_category(engine):
    project(engine, drafted("a"), event("item-a", "ItemRevised", 1, 2, category="other", revision=1),
            step("a", "ItemSubmitted", 2, 3, category="other"))
    project(engine, step("a", "ItemPublished", 3, 4, category="other"))
    assert breakdown(engine, "knowledge_items", "category") == {"other": 1}


def test_attachments_and_unknown_records_change_nothing(engine):
    project(engine, *published("a"))
    project(engine, event("item-a", "AttachmentAdded", 2, 4, sha256="0" * 64, name="x.pdf", type="application/pdf",
                          size=3),
            event("item-a", "AttachmentRemoved", 2, 5, sha256="0" * 64),
            step("unknown", "ItemArchived", 2, 2), campaign("unknown", "CampaignArchived", 2, 2, center="P50",
                                                            status="active", reason=None))
    assert value(engine, "knowledge_items") == 1 and value(engine, "campaign_issues") == 0
    with engine.connect() as conn:
        snapshot = projections.snapshot(conn)
    assert items(snapshot) == {"a": ("P50", "grassroots_economy", "case_study", "published")}
    assert "campaign" not in snapshot["records"]


def test_a_campaign_counts_whatever_its_status_until_archived(engine):
    project(engine, registered("x", 1), registered("y", 1, "active", "P51"))
    project(engine, campaign("x", "CampaignStatusChanged", 2, 2, status="active", previous="planned", center="P50"),
            campaign("x", "CampaignAmended", 2, 3, title="ใหม่"),
            campaign("x", "CampaignResultRecorded", 3, 4, on="2026-03-01", reach=10, participants=None,
                     outcome_count=None, outcome=None, channel=None))
    project(engine, campaign("x", "CampaignStatusChanged", 4, 5, status="concluded", previous="active", center="P50"),
            campaign("y", "CampaignArchived", 4, 2, center="P51", status="active", reason="ซ้ำ"))
    assert [value(engine, "campaign_issues", as_of=f"2026-{m:02d}-15") for m in range(1, 5)] == [2, 2, 2, 1]
    assert breakdown(engine, "campaign_issues", "status", as_of="2026-01-31") == {"planned": 1, "active": 1}
    assert breakdown(engine, "campaign_issues", "status", as_of="2026-02-28") == {"active": 2}
    assert breakdown(engine, "campaign_issues", "status") == {"concluded": 1}
    assert value(engine, "campaign_issues", "center", "P51") == 0
    assert value(engine, "campaign_issues", "center", "P51", as_of="2026-03-31") == 1
    project(engine, campaign("y", "CampaignRestored", 6, 3, center="P51", status="active", reason=None))
    assert value(engine, "campaign_issues") == 2 and value(engine, "campaign_issues", "province", "51") == 1
    assert breakdown(engine, "campaign_issues", "status") == {"concluded": 1, "active": 1}
    assert value(engine, "knowledge_items") == 0


def test_a_day_is_bangkoks(engine):
    project(engine, registered("x", 1), *published("a", 1),
            step("a", "ItemArchived", 1, 4, at="2026-01-31T18:30:00.000000Z"),  # 1 February in Bangkok
            campaign("x", "CampaignArchived", 1, 2, at="2026-01-31T16:59:00.000000Z", center="P50", status="planned",
                     reason=None))  # 31 January, 23:59 in Bangkok
    assert value(engine, "knowledge_items", as_of="2026-01-31") == 1
    assert value(engine, "knowledge_items", as_of="2026-02-01") == 0
    assert value(engine, "campaign_issues", as_of="2026-01-31") == 0


HISTORY = [
    *published("a", 1), *published("b", 1, "BKK3", category="social_innovation", kind="manual"),
    registered("x", 1), registered("y", 2, "active", "P84"), drafted("c", 2, "P84"),
    event("item-a", "ItemRevised", 2, 4, category="other", revision=2),
    step("a", "ItemArchived", 3, 5, category="other"),
    campaign("x", "CampaignStatusChanged", 3, 2, status="active", previous="planned", center="P50"),
    campaign("x", "CampaignArchived", 3, 3, center="P50", status="active", reason=None),
    step("a", "ItemRestored", 4, 6, category="other"),
    step("c", "ItemSubmitted", 4, 2, "P84"),
    campaign("x", "CampaignRestored", 4, 4, center="P50", status="active", reason=None),
    step("b", "ItemArchived", 5, 4, "BKK3", "social_innovation", "manual"),
    event("item-a", "ItemRevised", 5, 7, kind="knowledge", revision=3),
    campaign("y", "CampaignStatusChanged", 5, 2, status="concluded", previous="active", center="P84"),
]


def test_one_run_equals_events_one_by_one_in_any_runs_and_a_replay(engine):
    project(engine, *HISTORY)
    with engine.connect() as conn:
        whole = projections.snapshot(conn)
    for size in (1, 2, 5):
        other = make_engine("sqlite://")
        projections.create_schema(other)
        for first in range(0, len(HISTORY), size):
            project(other, *HISTORY[first:first + size])
        with other.connect() as conn:
            assert projections.snapshot(conn) == whole, size
        other.dispose()
    with engine.begin() as conn:
        projections.clear(conn)
    project(engine, *HISTORY[:7])
    project(engine, *HISTORY[7:])
    with engine.connect() as conn:
        assert projections.snapshot(conn) == whole
    assert items(whole) == {"a": ("P50", "other", "knowledge", "published"),
                                    "b": ("BKK3", "social_innovation", "manual", "archived"),
                                    "c": ("P84", "grassroots_economy", "case_study", "in_review")}
    assert campaigns(whole) == {"x": ("P50", "active", False), "y": ("P84", "concluded", False)}
    assert (value(engine, "knowledge_items"), value(engine, "campaign_issues")) == (1, 2)
    assert value(engine, "knowledge_items", as_of="2026-02-15") == 2
    assert breakdown(engine, "knowledge_items", "kind") == {"knowledge": 1}
    assert breakdown(engine, "knowledge_items", "status") == {"published": 1, "archived": 1, "in_review": 1}
    assert breakdown(engine, "campaign_issues", "status", "region", "south") == {"concluded": 1}


def test_a_large_run_and_the_runs_after_it(engine):
    """Batches as draft_batch and publish_batch make them (PostgreSQL writes the states by COPY)."""
    centers = ("P50", "P51", "BKK1")
    project(engine, *(e for n in range(150) for e in published(f"i{n}", 1, centers[n % 3])),
            *(registered(f"c{n}", 1, "active", centers[n % 3]) for n in range(90)))
    project(engine, *(step(f"i{n}", "ItemArchived", 2, 4, centers[n % 3]) for n in range(0, 150, 2)),
            *(campaign(f"c{n}", "CampaignArchived", 2, 2, center=centers[n % 3], status="active", reason=None)
              for n in range(0, 90, 3)))
    assert (value(engine, "knowledge_items"), value(engine, "campaign_issues")) == (75, 60)
    assert value(engine, "knowledge_items", as_of="2026-01-31") == 150
    assert value(engine, "campaign_issues", as_of="2026-01-31") == 90
    assert value(engine, "knowledge_items", "center", "BKK1") == 25
    assert value(engine, "campaign_issues", "center", "P50") == 0
    assert breakdown(engine, "knowledge_items", "status") == {"published": 75, "archived": 75}
    with engine.connect() as conn:
        assert sum(archived for _, _, archived in campaigns(projections.snapshot(conn)).values()) == 30


def items(snapshot: dict) -> dict:
    return {item: (s["center"], s["category"], s["kind"], s["status"])
            for item, s in snapshot["records"].get("item", {}).items()}


def campaigns(snapshot: dict) -> dict:
    return {campaign: (s["center"], s["status"], s["archived"])
            for campaign, s in snapshot["records"].get("campaign", {}).items()}
