"""Code lists of the organization register, with Thai and English labels, and the synonyms
of some: variants centers write in their own spreadsheets, read as the code."""
from __future__ import annotations

from services.chassis.vocabulary import synonyms


ORG_TYPES: dict[str, tuple[str, str]] = {
    "savings_group": ("กลุ่มออมทรัพย์", "Savings group"),
    "community_enterprise": ("วิสาหกิจชุมชน", "Community enterprise"),
    "community_council": ("สภาองค์กรชุมชน", "Community council"),
    "occupational_group": ("กลุ่มอาชีพ", "Occupational group"),
    "elderly_group": ("กลุ่มผู้สูงอายุ", "Elderly group"),
    "youth_group": ("กลุ่มเยาวชน", "Youth group"),
    "women_group": ("กลุ่มสตรี", "Women's group"),
    "welfare_fund": ("กองทุนสวัสดิการชุมชน", "Community welfare fund"),
    "environment_group": ("กลุ่มอนุรักษ์ทรัพยากรธรรมชาติและสิ่งแวดล้อม", "Environment / forest group"),
    "cooperative": ("สหกรณ์", "Cooperative"),
    "other": ("อื่นๆ", "Other"),
}

# Types as centers' own spreadsheets name them (docs/organizations.md lists them)
ORG_TYPE_SYNONYMS = synonyms(ORG_TYPES, {
    "กลุ่มสัจจะออมทรัพย์": "savings_group",
    "กลุ่มสัจจะสะสมทรัพย์": "savings_group",
    "กลุ่มออมทรัพย์เพื่อการผลิต": "savings_group",
    "กลุ่มวิสาหกิจชุมชน": "community_enterprise",
    "สภาองค์กรชุมชนตำบล": "community_council",
    "ชมรมผู้สูงอายุ": "elderly_group",
    "กลุ่มผู้สูงวัย": "elderly_group",
    "ชมรมผู้สูงวัย": "elderly_group",
    "Elderly club": "elderly_group",
    "ชมรมเยาวชน": "youth_group",
    "กลุ่มเด็กและเยาวชน": "youth_group",
    "กลุ่มแม่บ้าน": "women_group",
    "Women group": "women_group",
    "กองทุนสวัสดิการ": "welfare_fund",
    "กองทุนสวัสดิการชุมชนตำบล": "welfare_fund",
    "กลุ่มอนุรักษ์สิ่งแวดล้อม": "environment_group",
    "กลุ่มอนุรักษ์ทรัพยากรธรรมชาติ": "environment_group",
    "กลุ่มอนุรักษ์ป่า": "environment_group",
    "กลุ่มป่าชุมชน": "environment_group",
    "Environment group": "environment_group",
    "Environmental group": "environment_group",
})

WORK_AREAS: dict[str, tuple[str, str]] = {
    "health": ("สุขภาวะ", "Health and well-being"),
    "economy": ("เศรษฐกิจฐานราก", "Grassroots economy"),
    "environment": ("ทรัพยากรธรรมชาติและสิ่งแวดล้อม", "Natural resources and environment"),
    "agriculture": ("เกษตรกรรม", "Agriculture"),
    "welfare": ("สวัสดิการชุมชน", "Community welfare"),
    "education": ("การศึกษาและเยาวชน", "Education and youth"),
    "culture": ("ศิลปวัฒนธรรม", "Arts and culture"),
    "housing": ("ที่อยู่อาศัยและที่ดิน", "Housing and land"),
    "disaster": ("การจัดการภัยพิบัติ", "Disaster management"),
    "governance": ("ประชาธิปไตยและการจัดการตนเอง", "Self-governance"),
    "other": ("อื่นๆ", "Other"),
}

# Areas of work as centers' own spreadsheets name them
WORK_AREA_SYNONYMS = synonyms(WORK_AREAS, {
    "สุขภาพ": "health",
    "เศรษฐกิจ": "economy",
    "สิ่งแวดล้อม": "environment",
    "ทรัพยากรธรรมชาติ": "environment",
    "เกษตร": "agriculture",
    "การเกษตร": "agriculture",
    "สวัสดิการ": "welfare",
    "การศึกษา": "education",
    "วัฒนธรรม": "culture",
    "ที่อยู่อาศัย": "housing",
    "ที่ดิน": "housing",
    "ภัยพิบัติ": "disaster",
    "Natural resources": "environment",
})

# Where a record's data came from (its `source` field; not to be confused with an event source)
DATA_SOURCES: dict[str, tuple[str, str]] = {
    "survey": ("สำรวจโดยศูนย์ประสานงาน", "Surveyed by the coordination center"),
    "ldidb": ("ฐานข้อมูลระยะที่ 1 (ldidb.com)", "Phase 1 database (ldidb.com)"),
    "agency": ("ข้อมูลจากหน่วยงาน", "From a government agency"),
    "forum": ("เวทีประชาคม", "Community forum"),
    "self_registered": ("องค์กรลงทะเบียนเอง", "Registered by the organization itself"),
    "other": ("อื่นๆ", "Other"),
}

STRENGTH_LEVELS: dict[str, tuple[str, str]] = {
    "strong": ("เข้มแข็ง", "Strong"),
    "moderate": ("ปานกลาง", "Moderate"),
    "developing": ("ต้องพัฒนา", "Developing"),
}

STRENGTH_CRITERIA: dict[str, tuple[str, str]] = {
    "regular_meetings": ("มีการประชุมสม่ำเสมอ", "Meets regularly"),
    "own_fund": ("มีกองทุนของตนเอง", "Has its own fund"),
    "member_participation": ("สมาชิกมีส่วนร่วม", "Members take part"),
    "clear_rules": ("มีกติกา/ระเบียบชัดเจน", "Has clear rules"),
    "network_links": ("เชื่อมโยงเครือข่าย", "Linked to networks"),
    "leadership_succession": ("มีผู้นำรุ่นใหม่สืบทอด", "Has new leaders coming up"),
    "self_reliance": ("พึ่งตนเองได้", "Self-reliant"),
    "learning_center": ("เป็นแหล่งเรียนรู้", "A place others learn from"),
}

STATUSES: dict[str, tuple[str, str]] = {
    "active": ("ดำเนินการอยู่", "Active"),
    "archived": ("จัดเก็บแล้ว", "Archived"),
    "merged": ("รวมกับองค์กรอื่นแล้ว", "Merged into another"),
}

# Every code list by name, as the pages and spreadsheets name them: `<field>` or a field's part
CODE_LISTS: dict[str, dict[str, tuple[str, str]]] = {
    "type": ORG_TYPES, "source": DATA_SOURCES, "areas": WORK_AREAS, "status": STATUSES,
    "strength": STRENGTH_LEVELS, "strength_level": STRENGTH_LEVELS, "strength_criteria": STRENGTH_CRITERIA,
}
# The synonyms of the code lists that have some, by the same names
SYNONYMS: dict[str, dict[str, str]] = {"type": ORG_TYPE_SYNONYMS, "areas": WORK_AREA_SYNONYMS}
