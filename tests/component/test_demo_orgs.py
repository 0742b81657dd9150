"""`sanphalang demo --orgs N` through the orgs service in this process: registrations, then a
sample assessed and confirmed current, each once however often the demo runs."""
from __future__ import annotations

from collections import Counter
from datetime import date

from sanphalang import demo
from tests import keys


def test_a_sample_is_assessed_and_confirmed_once(orgs, store):
    admin = keys.signed(orgs, keys.ADMIN)
    demo.register_command(admin, 60, seed=7)
    demo.register_command(admin, 60, seed=7)  # again: nothing twice
    kinds = Counter(e["type"] for e in store.events_since(0, 10_000))
    ids = [e["stream"].removeprefix("org-") for e in store.events_since(0, 10_000) if e["type"] == "OrgRegistered"]
    planned = demo.assessments(ids, 7)
    assert kinds["OrgRegistered"] == 60
    assert kinds["OrgStrengthAssessed"] == sum(1 for _, a, _ in planned if a) > 20
    assert kinds["OrgVerified"] == sum(1 for _, _, v in planned if v) > 15


def test_the_plan_has_every_level_and_verifications_older_than_a_year():
    planned = demo.assessments([f"o{n}" for n in range(2000)], 3, today=date(2026, 12, 3))
    levels = Counter(a["level"] for _, a, _ in planned if a)
    assert set(levels) == {"strong", "moderate", "developing"} and levels["strong"] > levels["moderate"]
    verified = [v for _, _, v in planned if v]
    assert min(verified) < "2025-12-03" < max(verified) <= "2026-12-03"
    assert planned == demo.assessments([f"o{n}" for n in range(2000)], 3, today=date(2026, 12, 3))
