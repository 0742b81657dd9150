"""The limits and query words of the people register that its callers plan by."""
from __future__ import annotations

BATCH_MAX = 5000  # rows one registration batch, import check or import write may carry
ERASE_MAX = 1000  # people one erasure batch may carry
EXPORT_PAGE_MAX = 500  # people one export page carries (`export_page`)
COUNT_CAP = 5_000  # a search counts the matches of a `q` exactly up to this many
# what a list may be filtered by; values are codes (`training`: part of a training's name)
FILTERS = ("center", "province", "district", "subdistrict", "role", "skill", "language", "training")
PLACE_FILTERS = ("center", "province", "district", "subdistrict")
DUPLICATE_FILTERS = PLACE_FILTERS
REQUEST_DAYS = 30  # a data-subject request is due this many days after it is received (PDPA s.30)
RECENT_READS = 100  # the full-record reads an access report lists, newest first
