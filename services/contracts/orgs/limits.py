"""The limits and query words of the organization register that its callers plan by."""
from __future__ import annotations

BATCH_MAX = 5000  # rows one registration batch, import check or import write may carry
COUNT_CAP = 5_000  # a search counts the matches of a `q` exactly up to this many (100 pages of 50)
# what a list may be filtered by; values are codes, `verified_since` and `unverified_since` ISO
# dates (unverified since a day: last verified before it, or never)
FILTERS = ("center", "province", "district", "subdistrict", "type", "status", "strength", "verified_since",
           "unverified_since")
PLACE_FILTERS = ("center", "province", "district", "subdistrict")  # the filters that name a place
DUPLICATE_FILTERS = PLACE_FILTERS  # duplicate candidates are looked for within a place
