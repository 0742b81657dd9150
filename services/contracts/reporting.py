"""The network's seven indicators (ตัวชี้วัด) and their national targets (MISSION.md)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    number: int
    key: str
    source: str
    target: int
    name_th: str
    name_en: str


INDICATORS = (
    Indicator(1, "online_workers", "people", 80, "ผู้ปฏิบัติการชุมชนออนไลน์", "Online community workers"),
    Indicator(2, "campaign_issues", "knowledge", 100, "ประเด็นรณรงค์สาธารณะระดับจังหวัด", "Province-based public campaign issues"),
    Indicator(3, "community_orgs", "orgs", 200_000, "ข้อมูลองค์กรชุมชน", "Community organization records"),
    Indicator(4, "facilitators", "people", 10_000, "ข้อมูลวิทยากรกระบวนการ", "Process facilitator records"),
    Indicator(5, "community_leaders", "people", 50_000, "ข้อมูลผู้นำชุมชน", "Community leader records"),
    Indicator(6, "volunteers", "people", 500_000, "ข้อมูลพลเมืองจิตอาสา", "Volunteer citizen records"),
    Indicator(7, "knowledge_items", "knowledge", 3_000, "องค์ความรู้/กรณีศึกษา", "Knowledge and case study items"),
)
BY_KEY = {i.key: i for i in INDICATORS}

SCOPES = ("nation", "region", "province", "center")
NATION = "TH"

# Phase 1's national goal: at least 60% of community organizations are strong (MISSION.md)
STRONG_GOAL = 60
STRONG = "strong"

# Breakdown codes that are not in a register's code lists (labelled in the catalogue)
UNASSESSED = "unassessed"  # an organization whose strength was never assessed
RECENTLY_VERIFIED, STALE_VERIFIED, NEVER_VERIFIED = "recent", "stale", "never"  # within a year, older, never
NO_SKILL = "none"  # a person listing no skill
NO_CHANNEL = "none"  # a campaign without a channel

# Each indicator's breakdowns, by dimension, in the order pages show them
DIMENSIONS = {
    "community_orgs": ("type", "strength", "verification"),
    "online_workers": ("skill",), "facilitators": ("skill",), "community_leaders": ("skill",),
    "volunteers": ("skill",),
    "campaign_issues": ("status", "channel"),
    "knowledge_items": ("category", "kind", "status"),
}

# What the monthly report counts as changed, per register (`<source>.<change>`)
CHANGES = ("registered", "amended", "relocated", "assessed", "verified", "published", "role_started",
           "role_ended", "trained", "result_recorded", "merged", "unmerged", "archived", "restored",
           "restricted", "erased")

# A target set by a central admin: one stream per indicator and center (TH: the national target)
TARGET_SET = "TargetSet"
SOURCE = "reporting"


def target_stream(indicator: str, center: str) -> str:
    return f"target-{indicator}-{center}"
