"""`sanphalang demo --national --scale F` against the shared running system on PostgreSQL: the
national dataset's shape (every role, knowledge items and a campaign) through the import path,
each register's stages timed, reporting caught up when it returns; run again, nothing twice."""
from __future__ import annotations

import re
import uuid

import pytest

from services.registry import BUILT_SOURCES

from sanphalang.demo_national import sizes

SCALE = 0.001  # 200 organizations, 561 people, 3 knowledge items, a campaign
STAGES = re.compile(r"(\w+): ([\d,]+) rows; validated [\d.]+ s, appended [\d.]+ s; published ([\d.?]+) s and "
                    r"projected \(reporting caught up\) [\d.]+ s after the last append; [\d.]+ s in all")


@pytest.fixture(scope="module")
def system(shared_system):
    return shared_system("postgres")


def _heads(system) -> dict[str, int]:
    with system.rpc() as rpc:
        return {source: getattr(rpc, source).head()["seq"] for source in BUILT_SOURCES}


def _national(system, seed: str):
    return system.cli("demo", "--national", "--scale", str(SCALE), "--seed", seed, "--trainings", "0.02",
                      timeout=240)


def test_the_national_demo_imports_every_register_and_times_its_stages(system):
    seed, size = str(uuid.uuid4().int % 10_000), sizes(SCALE)
    people = size["facilitator"] + size["leader"] + size["volunteer"] + size["online_worker"]
    before = _heads(system)
    result = _national(system, seed)
    assert result.returncode == 0, result.stderr
    stages = {register: (int(rows.replace(",", "")), published) for register, rows, published in
              STAGES.findall(result.stdout)}
    assert stages.keys() == {"orgs", "people", "knowledge"}, result.stdout
    assert stages["orgs"][0] == size["orgs"] and stages["people"][0] == people
    assert all(published != "?" for _, published in stages.values()), result.stdout  # every relay heard done
    found = re.findall(r"(orgs|people): .* / created (\d+), updated \d+, unchanged \d+, rejected 0", result.stdout)
    created = {register: int(count) for register, count in found}
    assert created["orgs"] == size["orgs"] and created["people"] > 0.95 * people, result.stdout  # the demo's duplicates
    assert "The national dataset loaded in" in result.stdout and "The samples assessed" in result.stdout
    assert system.caught_up()  # it returned once reporting had applied everything
    after = _heads(system)
    assert all(after[source] > before[source] for source in BUILT_SOURCES)

    again = _national(system, seed)  # the same run again: rows found on their keys, commands keyed
    assert again.returncode == 0, again.stderr
    assert f"/ created 0, updated 0, unchanged {size['orgs']}, rejected 0" in again.stdout
    assert re.search(r"people: .* / created 0,", again.stdout), again.stdout
    heads = _heads(system)  # a person entered twice may be amended again: a later row amends an earlier one
    assert (heads["orgs"], heads["knowledge"]) == (after["orgs"], after["knowledge"])


def test_national_sets_its_own_sizes(system):
    refused = system.cli("demo", "--national", "--orgs", "5")
    assert refused.returncode == 2 and "--national sets the sizes itself" in refused.stderr
