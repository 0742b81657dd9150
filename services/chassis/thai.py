"""The Thai ways of writing numbers, years, dates and times, in one place: Thai digits,
Buddhist-era years (พ.ศ. = ค.ศ. + 543) and dates, and Bangkok's calendar day (UTC+7, no
daylight saving). Plain Python: every service, the gateway and the CLI read them here."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

BE_OFFSET = 543  # พ.ศ. = ค.ศ. + 543
EARLIEST_CE = 1800  # no year we keep is earlier; so any year from 2343 on can only be B.E.
EARLIEST_BE = EARLIEST_CE + BE_OFFSET
BANGKOK_TIME = timezone(timedelta(hours=7))

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_THAI_DIGIT = re.compile("[๐-๙]")
_LOG_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # the event log's UTC timestamps


def to_arabic_digits(text: str) -> str:
    # translate() looks up every character; finding out that there is nothing to translate is cheaper
    return text.translate(_THAI_DIGITS) if _THAI_DIGIT.search(text) else text


def common_era(year: int) -> int:
    """A year as C.E.: years from EARLIEST_BE on are read as B.E. (no C.E. year that late is
    valid anyway), earlier ones are C.E. already."""
    return year - BE_OFFSET if year >= EARLIEST_BE else year


def buddhist_era(year: int) -> int:
    """A C.E. year as B.E."""
    return year + BE_OFFSET


def common_era_date_text(value: str) -> str:
    """An ISO date whose year may be B.E. ('2568-03-15', Thai or Arabic digits) with a C.E.
    year, otherwise as typed (for the date parser to judge)."""
    value = to_arabic_digits(value.strip())
    if len(value) >= 4 and value[:4].isdigit() and int(value[:4]) >= EARLIEST_BE:
        return f"{common_era(int(value[:4])):04d}{value[4:]}"
    return value


@lru_cache(maxsize=4096)  # the events of one command share their time
def bangkok_day(at: str) -> str:
    """The Bangkok calendar date (ISO) of a UTC timestamp of the log."""
    return datetime.fromisoformat(at).astimezone(BANGKOK_TIME).date().isoformat()


def bangkok_time(iso: str) -> datetime:
    """A UTC timestamp of the log (or any ISO time; naive means UTC) in Bangkok time."""
    at = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(BANGKOK_TIME)


def day_start_utc(day: str | date) -> str:
    """The first moment of a Bangkok day, as a UTC timestamp in the log's format."""
    return _utc(day, time.min)


def day_end_utc(day: str | date) -> str:
    """The last moment of a Bangkok day, as a UTC timestamp in the log's format."""
    return _utc(day, time.max)


def _utc(day: str | date, moment: time) -> str:
    day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    return datetime.combine(day, moment, tzinfo=BANGKOK_TIME).astimezone(timezone.utc).strftime(_LOG_FORMAT)
