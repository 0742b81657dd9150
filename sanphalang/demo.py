"""Realistic demo organizations: Thai names, every province, real district and subdistrict
codes, varied types, years in B.E., English names for some, addresses, areas of work and
sources; seeded, so two runs (and benchmark baselines) compare."""
from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache

from services import reference
from services.contracts.orgs.vocabulary import DATA_SOURCES, ORG_TYPES, STRENGTH_CRITERIA, WORK_AREAS

PREFIXES = {
    "savings_group": "กลุ่มออมทรัพย์เพื่อการผลิต", "community_enterprise": "วิสาหกิจชุมชน",
    "community_council": "สภาองค์กรชุมชนตำบล", "occupational_group": "กลุ่มอาชีพ",
    "elderly_group": "ชมรมผู้สูงอายุ", "youth_group": "กลุ่มเยาวชน", "women_group": "กลุ่มสตรี",
    "welfare_fund": "กองทุนสวัสดิการชุมชน", "environment_group": "กลุ่มอนุรักษ์ป่าชุมชน",
    "cooperative": "สหกรณ์", "other": "กลุ่ม",
}
SUFFIXES_EN = {
    "savings_group": "Savings Group", "community_enterprise": "Community Enterprise",
    "community_council": "Community Council", "occupational_group": "Occupational Group",
    "elderly_group": "Elderly Club", "youth_group": "Youth Group", "women_group": "Women's Group",
    "welfare_fund": "Community Welfare Fund", "environment_group": "Community Forest Group",
    "cooperative": "Cooperative", "other": "Group",
}
CRAFTS = ("ทอผ้า", "จักสาน", "แปรรูปข้าว", "เลี้ยงปลา", "ปลูกผักปลอดสาร", "ทำขนม", "สมุนไพร", "เกษตรอินทรีย์")
# The areas each type usually works in; a few rows get one more at random.
TYPE_AREAS = {
    "savings_group": ("economy",), "community_enterprise": ("economy", "agriculture"),
    "community_council": ("governance",), "occupational_group": ("economy",), "elderly_group": ("health", "welfare"),
    "youth_group": ("education", "culture"), "women_group": ("welfare", "economy"), "welfare_fund": ("welfare",),
    "environment_group": ("environment",), "cooperative": ("economy", "agriculture"), "other": ("other",),
}
SOURCE_WEIGHTS = {"survey": 50, "ldidb": 25, "agency": 10, "forum": 10, "self_registered": 4, "other": 1}
assert set(SOURCE_WEIGHTS) == set(DATA_SOURCES) and set(TYPE_AREAS) == set(ORG_TYPES)
assert {a for areas in TYPE_AREAS.values() for a in areas} <= set(WORK_AREAS)
STREETS = ("ถนนสายหลัก", "ซอยวัด", "ถนนเลียบคลอง", "ซอยโรงเรียน", "ถนนประชาร่วมใจ")


@cache
def _subdistricts():
    return [s for p in reference.provinces() for d in reference.districts(p.code) for s in reference.subdistricts(d.code)]


def org_rows(count: int, seed: int = 2559) -> list[dict]:
    """`count` registration payloads; names are unique (numbered), so none is a duplicate."""
    rnd = random.Random(seed)
    places, types = _subdistricts(), list(ORG_TYPES)
    sources, weights = list(SOURCE_WEIGHTS), list(SOURCE_WEIGHTS.values())
    areas_all = list(WORK_AREAS)
    rows = []
    for n in range(count):
        place, kind = rnd.choice(places), rnd.choice(types)
        craft = rnd.choice(CRAFTS) if kind in ("occupational_group", "community_enterprise") else ""
        village = rnd.randint(1, 20)
        areas = list(TYPE_AREAS[kind])
        if rnd.random() < 0.2:
            extra = rnd.choice(areas_all)
            areas += [] if extra in areas else [extra]
        row = {
            "name": f"{PREFIXES[kind]}{craft}{place.name_th} {n + 1}",
            "type": kind, "province": place.province_code, "district": place.district_code,
            "subdistrict": place.code, "village_no": village,
            "founded_year": rnd.randint(2520, 2568), "members": rnd.randint(7, 400),
            "address": f"{rnd.randint(1, 250)} หมู่ {village} {rnd.choice(STREETS)}",
            "areas": areas, "source": rnd.choices(sources, weights)[0],
        }
        if rnd.random() < 0.3:
            row["name_en"] = f"{place.name_en} {SUFFIXES_EN[kind]} {n + 1}"
        rows.append(row)
    return rows


def chunks(rows: list[dict], size: int):
    """(first row number, rows) pieces of at most `size` rows."""
    for start in range(0, len(rows), size):
        yield start + 1, rows[start:start + size]


DEMO_CHUNK = 5000


ASSESSED_AT_MOST = 3000  # one RPC each: a national demo assesses and verifies a sample
LEVELS = {"strong": 0.55, "moderate": 0.3, "developing": 0.15}  # of the organizations assessed


def register_command(orgs, count: int, seed: int) -> tuple[int, float]:
    """`sanphalang demo --orgs N`: register the rows through `orgs.register_batch`, then assess
    the strength of some and confirm some current (`assess_sample`), so the dashboards'
    breakdowns have something to show."""
    ids: list[str] = []
    done = register_rows(orgs, org_rows(count, seed), f"demo-{seed}-{count}", "demo_done",
                         each=lambda result: ids.extend(result.get("ids") or []))
    assess_sample(orgs, ids, seed)
    return done


def assessments(ids: list[str], seed: int, today: date | None = None,
                at_most: int = ASSESSED_AT_MOST) -> list[tuple[str, dict | None, str | None]]:
    """(org id, assessment or None, day confirmed current or None) for a sample of `ids`: about
    70% assessed (mostly strong, as the network's goal is 60%), 60% confirmed current on a day
    of the last two years (so some are over a year old)."""
    rnd, today = random.Random(seed), today or date.today()
    sample = rnd.sample(ids, min(len(ids), at_most))
    criteria = list(STRENGTH_CRITERIA)
    out = []
    for org in sample:
        assessment = None
        if rnd.random() < 0.7:
            level = rnd.choices(list(LEVELS), list(LEVELS.values()))[0]
            assessment = {"level": level, "criteria": rnd.sample(criteria, rnd.randint(1, 5)),
                          "assessed_on": (today - timedelta(days=rnd.randint(0, 300))).isoformat()}
        verified = (today - timedelta(days=rnd.randint(0, 730))).isoformat() if rnd.random() < 0.6 else None
        out.append((org, assessment, verified))
    return out


def assess_sample(orgs, ids: list[str], seed: int, at_most: int = ASSESSED_AT_MOST) -> None:
    """Assess and confirm the sample through the service, one keyed RPC each (a run again
    appends nothing twice); an organization already past version 1 is left as it is."""
    import click

    from services.chassis.errors import Conflict

    plan = [(org, a, v) for org, a, v in assessments(ids, seed, at_most=at_most) if a or v]
    with click.progressbar(plan, label="assess / confirm", file=click.get_text_stream("stderr")) as bar:
        for org, assessment, verified in bar:
            version = 1
            try:
                if assessment:
                    version = orgs.assess(org, assessment, version, key=f"demo-assess-{org}")["version"]
                if verified:
                    orgs.confirm_current(org, {"on": verified}, version, key=f"demo-verify-{org}")
            except Conflict:  # changed since (a second run, or someone's edit): leave it
                continue


def register_rows(service, rows: list[dict], key: str, done: str, each=None) -> tuple[int, float]:
    """Register `rows` through `service.register_batch`, DEMO_CHUNK at a time, with a progress
    bar; `each(result)` after each chunk. Each chunk's idempotency key is `key` and its number,
    so running the same command again registers nothing twice. Says `done` (count, seconds)."""
    import time

    import click

    from services.chassis.messages import message

    from .spreadsheets import both

    registered, start = 0, time.perf_counter()
    text = message("demo_registering")
    with click.progressbar(length=len(rows), label=f"{text['th']} / {text['en']}",
                           file=click.get_text_stream("stderr")) as bar:
        for n, (first, chunk) in enumerate(chunks(rows, DEMO_CHUNK)):
            result = service.register_batch(chunk, key=f"{key}-{n}", first_row=first)
            registered += result["registered"]
            if each is not None:
                each(result)
            bar.update(len(chunk))
    seconds = time.perf_counter() - start
    click.echo(both(done, count=registered, seconds=f"{seconds:.1f}"))
    return registered, seconds
