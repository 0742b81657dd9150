"""Code lists of the knowledge register, with Thai and English labels."""
from __future__ import annotations

# The proposal's categories of the network's knowledge (plan 1.2)
CATEGORIES: dict[str, tuple[str, str]] = {
    "healthy_community": ("ชุมชนสุขภาวะ", "Healthy community"),
    "grassroots_economy": ("เศรษฐกิจฐานราก", "Grassroots economy"),
    "social_innovation": ("นวัตกรรมเพื่อสังคมเข้มแข็ง", "Social innovation for a strong society"),
    "other": ("อื่นๆ", "Other"),
}

KINDS: dict[str, tuple[str, str]] = {
    "knowledge": ("องค์ความรู้", "Knowledge"),
    "case_study": ("กรณีศึกษา", "Case study"),
    "lesson_learned": ("บทเรียน", "Lesson learned"),
    "manual": ("คู่มือ", "Manual"),
}

# The workflow of an item: who may take each step is the service's (docs/knowledge.md)
ITEM_STATUSES: dict[str, tuple[str, str]] = {
    "draft": ("ฉบับร่าง", "Draft"),
    "in_review": ("รอตรวจ", "In review"),
    "published": ("เผยแพร่แล้ว", "Published"),
    "archived": ("จัดเก็บแล้ว", "Archived"),
}

LANGUAGES: dict[str, tuple[str, str]] = {
    "th": ("ภาษาไทย", "Thai"),
    "en": ("ภาษาอังกฤษ", "English"),
    "local": ("ภาษาถิ่น", "Local language"),
    "other": ("อื่นๆ", "Other"),
}

CHANNELS: dict[str, tuple[str, str]] = {
    "facebook": ("เพจเฟซบุ๊ก", "Facebook page"),
    "x": ("X (ทวิตเตอร์)", "X (Twitter)"),
    "line": ("ไลน์ (LINE)", "LINE"),
    "youtube": ("ยูทูบ", "YouTube"),
    "tiktok": ("ติ๊กต็อก", "TikTok"),
    "website": ("เว็บไซต์", "Website"),
    "offline": ("กิจกรรมในพื้นที่", "Offline events"),
}

CAMPAIGN_STATUSES: dict[str, tuple[str, str]] = {
    "planned": ("วางแผน", "Planned"),
    "active": ("กำลังรณรงค์", "Active"),
    "concluded": ("สิ้นสุดแล้ว", "Concluded"),
}

# The kinds of file an item may carry: content type -> (extensions, Thai label, English label)
ATTACHMENT_TYPES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "application/pdf": ((".pdf",), "PDF", "PDF"),
    "image/png": ((".png",), "รูปภาพ PNG", "PNG image"),
    "image/jpeg": ((".jpg", ".jpeg"), "รูปภาพ JPEG", "JPEG image"),
    "image/gif": ((".gif",), "รูปภาพ GIF", "GIF image"),
    "image/webp": ((".webp",), "รูปภาพ WebP", "WebP image"),
    "application/msword": ((".doc",), "เอกสาร Word", "Word document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ((".docx",), "เอกสาร Word", "Word document"),
    "application/vnd.ms-excel": ((".xls",), "สเปรดชีต Excel", "Excel spreadsheet"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ((".xlsx",), "สเปรดชีต Excel", "Excel spreadsheet"),
    "application/vnd.ms-powerpoint": ((".ppt",), "งานนำเสนอ PowerPoint", "PowerPoint presentation"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        (".pptx",), "งานนำเสนอ PowerPoint", "PowerPoint presentation"),
    "application/vnd.oasis.opendocument.text": ((".odt",), "เอกสาร OpenDocument", "OpenDocument text"),
    "application/vnd.oasis.opendocument.spreadsheet": ((".ods",), "สเปรดชีต OpenDocument", "OpenDocument spreadsheet"),
}
# Shown in the browser rather than downloaded (no active content: never SVG or HTML)
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})

CODE_LISTS: dict[str, dict[str, tuple[str, str]]] = {
    "category": CATEGORIES, "kind": KINDS, "status": ITEM_STATUSES, "language": LANGUAGES,
    "channel": CHANNELS, "campaign_status": CAMPAIGN_STATUSES,
}
SYNONYMS: dict[str, dict[str, str]] = {}
