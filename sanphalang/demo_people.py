"""Realistic demo people: Thai given and family names from pythainlp's corpora, real places
in every province, the network's four roles in the mission's proportions, skills, languages,
trainings, contacts (valid Thai mobile numbers and national IDs, with 0-prefixed ones among
them), consent or another legal basis, and a share of genuine duplicates (the same person
entered twice, spelt a little differently or with the same phone) for the duplicate page to
find. Seeded: two runs (and benchmark baselines) compare."""
from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache

from stdnum.th import pin

from services.contracts.people.vocabulary import CONSENT_CHANNELS, SKILLS

from .demo import _subdistricts, register_rows

# Indicator targets 1, 4, 5, 6: 80 online workers, 10,000 facilitators, 50,000 leaders, 500,000 volunteers
ROLE_WEIGHTS = {"volunteer": 500_000, "leader": 50_000, "facilitator": 10_000, "online_worker": 80}
REGION_LANGUAGES = {"north": ("northern", "karen", "hmong", "akha", "lahu"), "northeast": ("isan", "khmer"),
                    "south": ("southern", "malay"), "central": ("en",), "east": ("khmer",), "west": ("karen", "my"),
                    "bangkok": ("en", "zh")}
TRAININGS = (("หลักสูตรวิทยากรกระบวนการ", "สถาบันพัฒนาองค์กรชุมชน"), ("การจัดทำแผนชุมชน", "ศูนย์ประสานงานจังหวัด"),
             ("การเงินชุมชนและกองทุนสวัสดิการ", "สถาบันพัฒนาองค์กรชุมชน"), ("สื่อออนไลน์เพื่อการรณรงค์", "เครือข่ายสื่อภาคพลเมือง"),
             ("การจัดการภัยพิบัติโดยชุมชน", "มูลนิธิชุมชนไท"), ("เกษตรอินทรีย์", "กรมส่งเสริมการเกษตร"))
DUPLICATE_SHARE = 0.02


@cache
def _names():
    from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names

    return sorted(thai_male_names() | thai_female_names()), sorted(thai_family_names())


def national_id(rnd: random.Random) -> str:
    """A valid 13-digit ID; one in twenty starts with 0 (issued to people without Thai nationality)."""
    first = "0" if rnd.random() < 0.05 else str(rnd.choice((1, 3, 5)))
    body = first + "".join(str(rnd.randint(0, 9)) for _ in range(11))
    return body + pin.calc_check_digit(body)


def phone(rnd: random.Random) -> str:
    """A Thai mobile number in a range that is allocated (phonenumbers says so), typed with dashes."""
    while True:
        typed = f"0{rnd.choice((6, 8, 9))}{rnd.randint(1, 9)}-{rnd.randint(0, 999):03d}-{rnd.randint(0, 9999):04d}"
        if _valid(typed):
            return typed


def _valid(typed: str) -> bool:
    import phonenumbers

    return phonenumbers.is_valid_number(phonenumbers.parse(typed, "TH"))


def person_rows(count: int, seed: int = 2562, roles: dict | None = None) -> list[dict]:
    """`count` registration payloads; about DUPLICATE_SHARE of them repeat an earlier person."""
    rnd = random.Random(seed)
    given, family = _names()
    places = _subdistricts()
    weights = roles or ROLE_WEIGHTS
    role_codes, role_weights = list(weights), list(weights.values())
    skills, channels = list(SKILLS), list(CONSENT_CHANNELS)
    rows: list[dict] = []
    for n in range(count):
        if rows and rnd.random() < DUPLICATE_SHARE:
            rows.append(_duplicate(rnd, rnd.choice(rows)))
            continue
        place = rnd.choice(places)
        role = rnd.choices(role_codes, role_weights)[0]
        extra = ["facilitator"] if role == "leader" and "facilitator" in weights and rnd.random() < 0.1 else []
        region = _region(place.province_code)
        row = {
            "given_name": rnd.choice(given), "family_name": rnd.choice(family),
            "province": place.province_code, "district": place.district_code, "subdistrict": place.code,
            "phone": phone(rnd) if rnd.random() < 0.8 else None,
            "national_id": national_id(rnd) if rnd.random() < 0.4 else None,
            "birth_year": rnd.randint(2490, 2550), "address": f"{rnd.randint(1, 300)} หมู่ {rnd.randint(1, 20)}",
            "skills": rnd.sample(skills, rnd.randint(1, 3)),
            "languages": ["th", *rnd.sample(REGION_LANGUAGES.get(region, ("en",)), 1)],
            "years_experience": rnd.randint(0, 30), "roles": [{"role": r} for r in [role, *extra]],
        }
        if rnd.random() < 0.9:
            given_on = date(2025, 1, 1) + timedelta(days=rnd.randint(0, 600))
            channel = rnd.choice(channels)
            row["legal_basis"] = "consent"
            row["consent"] = {"purposes": ["network_register", "capability"], "notice_version": "2568-1",
                              "given_on": given_on.isoformat(), "channel": channel,
                              "witness": rnd.choice(given) if channel == "verbal" else None}
        else:
            row["legal_basis"] = "legitimate_interest"
        if role == "online_worker" or rnd.random() < 0.1:
            row["email"] = f"user{seed}x{n}@example.org"
        rows.append({k: v for k, v in row.items() if v is not None})
    return rows


def register_people(people, count: int, seed: int, role: str | None = None, share: float = 0.1) -> tuple[int, int]:
    """`sanphalang demo --people N [--role R] [--trainings SHARE]`: register the rows through
    `people.register_batch`, then record one or two trainings for about `share` of them (one
    command each, as a center would; its key names the person, so a rerun records nothing
    twice). Returns (people registered, trainings recorded)."""
    rows = person_rows(count, seed, {role: 1} if role else None)
    ids: list[str] = []
    registered, _ = register_rows(people, rows, f"demo-people-{seed}-{count}-{role or 'all'}", "people_demo_done",
                                  each=lambda result: ids.extend(result["ids"]))
    return registered, record_trainings(people, ids, seed, share)


def record_trainings(people, ids: list[str], seed: int, share: float, at_most: int | None = None) -> int:
    """One or two trainings for about `share` of the people `ids` (at most `at_most` of them),
    one keyed command each; returns how many were recorded."""
    import click

    from services.chassis.messages import message

    from .spreadsheets import both

    rnd, recorded = random.Random(seed), 0
    chosen = [person for person in ids if rnd.random() < share][:at_most]
    text = message("people_demo_trainings")
    with click.progressbar(chosen, label=f"{text['th']} / {text['en']}", file=click.get_text_stream("stderr")) as bar:
        for person in bar:
            for version, training in enumerate(trainings(rnd, rnd.choice((1, 1, 2))), start=1):
                people.record_training(person, training, version, key=f"demo-training-{person}-{version}")
                recorded += 1
    if chosen:
        click.echo(both("people_demo_trained", count=recorded))
    return recorded


def trainings(rnd: random.Random, count: int) -> list[dict]:
    return [{"name": name, "organizer": organizer, "on": (date(2024, 1, 1) + timedelta(days=rnd.randint(0, 700))).isoformat()}
            for name, organizer in rnd.sample(TRAININGS, count)]


def _duplicate(rnd: random.Random, original: dict) -> dict:
    """The same person entered again: a title before the name, or the same phone."""
    copy = {k: v for k, v in original.items() if k != "national_id"}
    if rnd.random() < 0.5 or not original.get("phone"):
        copy["given_name"] = "นาย" + original["given_name"]  # the same name key: found as one person
    else:
        copy["family_name"] = original["family_name"] + "ย์"  # a typo; the same phone tells
    return copy


def _region(province: str) -> str:
    from services import reference

    return reference.region_of(province) or "central"
