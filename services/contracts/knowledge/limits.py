"""The limits and query words of the knowledge register that its callers plan by."""
from __future__ import annotations

TITLE_MAX = 300
SUMMARY_MAX = 2_000
BODY_MAX = 100_000  # characters of Markdown (the demo's longest body is 20 KB; parsing is not linear)
TEXT_MAX = 5_000  # a campaign's problem statement or goal, a result's outcome
TAG_MAX, TAGS_MAX = 60, 20  # characters of a tag, tags of a record
LINKS_MAX = 30  # sources of an item, channels of a campaign
IDS_MAX = 200  # related organizations or people of an item, workers of a campaign
URL_MAX = 2_000
NOTE_MAX = 1_000
ATTACHMENTS_MAX = 20  # files of one item
FILE_NAME_MAX = 200
COUNT_CAP = 5_000
# what a search may be filtered by; values are codes, `year` a C.E. year
FILTERS = ("category", "kind", "province", "center", "status", "year", "tag")
CAMPAIGN_FILTERS = ("category", "province", "center", "status", "channel", "year")
PLACE_FILTERS = ("center", "province")
