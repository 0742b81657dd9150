"""The key an organization's name is found again by (with its subdistrict): the register's
natural key, and what duplicate candidates are compared on."""
from __future__ import annotations

from services.chassis.registers.names import name_key

# Words an organization's name often starts with; tried longest first, and again after one
# is taken, so "กลุ่มวิสาหกิจชุมชนทอผ้า" and "วิสาหกิจชุมชนทอผ้า" both become "ทอผ้า".
PREFIXES = tuple(sorted((
    "กลุ่ม", "ชมรม", "สมาคม", "มูลนิธิ", "วิสาหกิจชุมชน", "กองทุน", "สหกรณ์", "ศูนย์", "เครือข่าย",
    "สภาองค์กรชุมชน", "สถาบัน",
), key=len, reverse=True))
# ...and ends with (a registered cooperative or company: "... จำกัด")
SUFFIXES = ("จำกัด",)

normalize = name_key(PREFIXES, SUFFIXES)
