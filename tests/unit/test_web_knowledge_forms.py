"""The knowledge and campaign forms as plain Python: lists typed as text, the fields an edit
changed, where the service's problems are shown, and an item's history folded."""
from __future__ import annotations

import pytest

from gateway.web import campaignform, knowledge_history, knowledgeform
from services.chassis.errors import CommandRejected


def test_sources_take_the_address_last_and_an_optional_title_before_it():
    typed = "รายงานประจำปี 2567 | https://example.org/a\n\n  https://example.org/b  \nคู่มือ - https://x.org/c"
    assert knowledgeform.sources(typed) == [
        {"title": "รายงานประจำปี 2567", "url": "https://example.org/a"},
        {"title": None, "url": "https://example.org/b"},
        {"title": "คู่มือ", "url": "https://x.org/c"},
    ]
    assert knowledgeform.ids("a, b\nc\n\n") == ["a", "b", "c"]


def test_an_edit_sends_only_what_changed_and_a_blank_clears_a_field():
    loaded = {"title": "เดิม", "summary": "สรุป", "body": "เนื้อหา", "category": "other", "kind": "manual",
              "tags": ["น้ำ"], "province": None, "district": None, "subdistrict": None, "orgs": [], "people": [],
              "sources": [{"title": None, "url": "https://example.org/a"}], "language": "th", "year": 2024}
    values = {**knowledgeform.shown(loaded, "th"), "summary": ""}
    assert values["year"] == "2567" and values["sources"] == "https://example.org/a"
    changed, _ = knowledgeform.changes(values, loaded)
    assert changed == {"summary": None}


def test_problems_are_shown_at_their_input_naming_the_line():
    error = CommandRejected([{"field": "sources.1.url", "code": "unsafe_link", "params": {}},
                             {"field": "center", "code": "item_other_center", "params": {"center": "P50"}},
                             {"field": "_schema", "code": "not_editable", "params": {}}])
    shown = knowledgeform.problems(error, "en")
    assert shown["sources"][0].startswith("Line 2: A link must start with http")
    assert "P50" in shown["center"][0] and shown["_schema"]
    assert campaignform.input_of("channels.2.url") == "channel_url_2"
    assert campaignform.input_of("channels.0.channel") == "channel_0"
    assert campaignform.input_of("workers.3") == "workers"


def test_a_blank_channel_row_is_left_out():
    form = {"channel_0": "facebook", "channel_url_0": "https://fb.com/x", "channel_1": "", "channel_2": "offline"}
    assert [r["channel"] for r in campaignform.posted(form)["channels"]] == ["facebook", "offline"]


def test_the_history_folds_steps_and_notes_as_the_register_keeps_them():
    def event(kind, version, **data):
        return {"stream": "item-1", "type": kind, "version": version, "data": data}

    events = [event("ItemDrafted", 1, title="ก", center="P50"), event("ItemSubmitted", 2, note="ขอตรวจ"),
              event("ItemReturned", 3, note="แก้ชื่อ"), event("ItemRevised", 4, title="ข", revision=1)]
    steps = knowledge_history.fold_item(events)
    assert [c.field for c in steps[2].changes] == ["status", "note"]
    assert steps[3].after == {"title": "ข", "center": "P50", "status": "draft", "revision": 1, "note": "แก้ชื่อ"}
    assert knowledge_history.item_at(events, "1", 2)["status"] == "in_review"


@pytest.mark.parametrize("lang, shown", [("th", "2569-01-15"), ("en", "2026-01-15")])
def test_a_campaigns_dates_are_shown_with_the_readers_year(lang, shown):
    assert campaignform.shown({"starts_on": "2026-01-15", "channels": []}, lang)["starts_on"] == shown
