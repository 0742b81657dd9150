"""The one message catalogue: every user-facing text, Thai first, then English.

Code elsewhere names a message by its code (and parameters); only this module holds words.
"""
from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    # request-level
    "validation_failed": ("ข้อมูลไม่ถูกต้อง", "The data is not valid"),
    "invalid_json": ("เนื้อหาคำขอไม่ใช่ JSON ที่ถูกต้อง", "The request body is not valid JSON"),
    "not_found": ("ไม่พบข้อมูลที่ต้องการ", "The record was not found"),
    "conflict": (
        "ข้อมูลถูกแก้ไขโดยผู้อื่นแล้ว (ฉบับปัจจุบัน {current_version}) โปรดโหลดใหม่แล้วแก้ไขอีกครั้ง",
        "Someone else changed this record first (current version {current_version}); reload and apply your change again",
    ),
    "precondition_required": (
        "ต้องระบุเวอร์ชันที่แก้ไข (ส่วนหัว If-Match)",
        "The version being edited is required (If-Match header)",
    ),
    "archived": ("ข้อมูลนี้ถูกจัดเก็บแล้ว แก้ไขไม่ได้", "This record is archived and cannot be changed"),
    "nothing_changed": ("ไม่มีการเปลี่ยนแปลง", "Nothing changed"),
    "unavailable": ("บริการไม่พร้อมใช้งานชั่วคราว", "The service is temporarily unavailable"),
    "internal_error": ("เกิดข้อผิดพลาดภายในระบบ", "Something went wrong inside the system"),
    "method_not_allowed": ("ไม่รองรับวิธีการนี้", "This method is not allowed here"),
    "unsupported_media_type": ("ต้องส่งข้อมูลแบบ application/json", "The body must be application/json"),
    # field-level
    "required": ("ต้องกรอกข้อมูลนี้", "This field is required"),
    "null": ("ต้องไม่เว้นว่าง", "This field may not be empty"),
    "blank": ("ต้องไม่เป็นช่องว่าง", "This field may not be blank"),
    "invalid": ("รูปแบบข้อมูลไม่ถูกต้อง", "The value is not valid"),
    "not_integer": ("ต้องเป็นจำนวนเต็ม (เลขไทยหรือเลขอารบิก)", "Must be a whole number (Thai or Arabic digits)"),
    "not_text": ("ต้องเป็นข้อความ", "Must be text"),
    "unknown_field": ("ไม่รู้จักช่องข้อมูลนี้", "Unknown field"),
    "read_only": ("ช่องนี้ระบบกำหนดเอง แก้ไขไม่ได้", "This field is set by the system and cannot be changed"),
    "too_long": ("ยาวเกิน {max} ตัวอักษร", "Longer than {max} characters"),
    "out_of_range": ("ต้องอยู่ระหว่าง {min} ถึง {max}", "Must be between {min} and {max}"),
    "control_characters": ("มีอักขระควบคุมที่ไม่อนุญาต", "Contains control characters"),
    "not_one_of": ("ค่าไม่อยู่ในรายการที่กำหนด", "Not one of the allowed values"),
    "year_in_future": ("ปีต้องไม่เกินปีปัจจุบัน", "The year may not be in the future"),
    "year_too_early": ("ปีเก่าเกินไป (ก่อน พ.ศ. {min_be})", "The year is too early (before {min_ce})"),
    "unknown_province": ("ไม่พบรหัสจังหวัดนี้", "Unknown province code"),
    "unknown_district": ("ไม่พบรหัสอำเภอ/เขตนี้", "Unknown district code"),
    "unknown_subdistrict": ("ไม่พบรหัสตำบล/แขวงนี้", "Unknown subdistrict code"),
    "district_not_in_province": ("อำเภอ/เขตนี้ไม่อยู่ในจังหวัดที่เลือก", "The district is not in the chosen province"),
    "subdistrict_not_in_district": ("ตำบล/แขวงนี้ไม่อยู่ในอำเภอ/เขตที่เลือก", "The subdistrict is not in the chosen district"),
    "subdistrict_not_in_province": ("ตำบล/แขวงนี้ไม่อยู่ในจังหวัดที่เลือก", "The subdistrict is not in the chosen province"),
    "district_required_in_bangkok": (
        "ในกรุงเทพมหานครต้องระบุเขต เพื่อกำหนดศูนย์ประสานงาน",
        "A Bangkok location needs its district to find its coordination center",
    ),
    "too_many": ("ส่งได้ไม่เกิน {max} รายการต่อครั้ง", "At most {max} items per request"),
}


def message(code: str, **params) -> dict[str, str]:
    """The Thai and English text of a catalogue entry, with its parameters filled in."""
    th, en = CATALOGUE.get(code, CATALOGUE["invalid"])
    return {"th": th.format(**params), "en": en.format(**params)}
