"""The key a person's name is found again by (with their subdistrict): the register's natural
key for imports, and what duplicate candidates are compared on. Titles are set aside."""
from __future__ import annotations

from services.chassis.registers.names import name_key

# Titles a Thai name is often written with (punctuation is dropped before they are matched)
TITLES = ("นาย", "นางสาว", "นาง", "นส", "เด็กชาย", "เด็กหญิง", "ดช", "ดญ", "mr", "mrs", "ms", "miss")

normalize = name_key(TITLES)
