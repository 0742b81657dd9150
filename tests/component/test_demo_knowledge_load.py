"""`sanphalang demo --knowledge N --campaigns M` against the knowledge service in this process
(SQLite): every demo row is taken, the items end in the states the loader meant (published,
archived, in review, drafts), active and concluded campaigns have results, and running it again
adds nothing."""
from __future__ import annotations

from collections import Counter

import pytest

from sanphalang import demo_knowledge
from tests.knowledge import knowledge_service


@pytest.fixture
def knowledge(tmp_path):
    service = knowledge_service(f"sqlite:///{tmp_path / 'knowledge.sqlite'}", tmp_path / "files")
    yield service
    service.close()


def _statuses(knowledge) -> Counter:
    found = Counter()
    for status in ("published", "archived", "in_review", "draft"):
        found[status] = knowledge.admin.list({"status": status}, 1, 1)["total"]
    return found


def test_the_demo_loads_through_the_service_once(knowledge, capsys):
    demo_knowledge.load_knowledge(knowledge.admin, 150, 40, seed=3)
    states = Counter(demo_knowledge.item_states(150, 3))
    expected = Counter(published=states["published"], archived=states["archived"], in_review=states["in_review"],
                       draft=states["draft"])
    assert _statuses(knowledge) == expected
    campaigns = knowledge.admin.list_campaigns({}, 1, 100)
    assert campaigns["total"] == 40
    with_results = [c for c in campaigns["items"] if c["status"] != "planned"]
    assert with_results and all(knowledge.admin.get_campaign(c["id"])["results"] for c in with_results)
    head = knowledge.store.head()
    demo_knowledge.load_knowledge(knowledge.admin, 150, 40, seed=3)  # the same run again
    assert knowledge.store.head() == head and _statuses(knowledge) == expected
    assert "150 demo knowledge items" in capsys.readouterr().out
