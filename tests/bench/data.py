"""Realistic organization rows for benchmarks and demos: Thai names, every province, real
district and subdistrict codes, varied types, years in B.E., seeded so runs compare."""
from __future__ import annotations

import random
from functools import cache

from services import reference
from services.orgs.vocabulary import ORG_TYPES

PREFIXES = {
    "savings_group": "กลุ่มออมทรัพย์เพื่อการผลิต", "community_enterprise": "วิสาหกิจชุมชน",
    "community_council": "สภาองค์กรชุมชนตำบล", "occupational_group": "กลุ่มอาชีพ",
    "elderly_group": "ชมรมผู้สูงอายุ", "youth_group": "กลุ่มเยาวชน", "women_group": "กลุ่มสตรี",
    "welfare_fund": "กองทุนสวัสดิการชุมชน", "environment_group": "กลุ่มอนุรักษ์ป่าชุมชน",
    "cooperative": "สหกรณ์", "other": "กลุ่ม",
}
CRAFTS = ("ทอผ้า", "จักสาน", "แปรรูปข้าว", "เลี้ยงปลา", "ปลูกผักปลอดสาร", "ทำขนม", "สมุนไพร", "เกษตรอินทรีย์")


@cache
def _subdistricts():
    return [s for p in reference.provinces() for d in reference.districts(p.code) for s in reference.subdistricts(d.code)]


def org_rows(count: int, seed: int = 2559) -> list[dict]:
    rnd = random.Random(seed)
    places, types = _subdistricts(), list(ORG_TYPES)
    rows = []
    for n in range(count):
        place, kind = rnd.choice(places), rnd.choice(types)
        craft = rnd.choice(CRAFTS) if kind in ("occupational_group", "community_enterprise") else ""
        rows.append({
            "name": f"{PREFIXES[kind]}{craft}{place.name_th} {n + 1}",
            "type": kind, "province": place.province_code, "district": place.district_code,
            "subdistrict": place.code, "village_no": rnd.randint(1, 20),
            "founded_year": rnd.randint(2520, 2568), "members": rnd.randint(7, 400),
        })
    return rows
