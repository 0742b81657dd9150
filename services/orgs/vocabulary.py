"""Code lists of the organization register, with Thai and English labels."""

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

STATUSES = ("active", "archived")
