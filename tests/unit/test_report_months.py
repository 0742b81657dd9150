"""The monthly report's days (gateway/web/report_data.py): a month as the address writes it, the
day a report is as of, and the first verification day still "recent" on a day, by reporting's
rule (stale from the anniversary; 28 February for 29 February)."""
from __future__ import annotations

from datetime import date, timedelta

from gateway.web.report_data import Month, month_of, report_day, unverified_cutoff


def anniversary(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def test_a_month_is_read_in_ce_or_be_with_either_digits():
    assert month_of("2026-11") == month_of("2569-11") == month_of("๒๕๖๙-๑๑") == Month(2026, 11)
    assert month_of("2026-1").code == "2026-01"
    assert [month_of(text) for text in ("2026-13", "2026-00", "latest", "", "26-11", "2026-11-01")] == [None] * 6
    assert Month(2024, 2).last == date(2024, 2, 29) and Month(2026, 12).last == date(2026, 12, 31)
    assert Month(2026, 1).before() == Month(2025, 12)


def test_a_report_is_as_of_the_months_end_or_today_and_never_of_a_month_to_come():
    today = date(2026, 12, 4)
    assert report_day(Month(2026, 11), today) == date(2026, 11, 30)
    assert report_day(Month(2026, 12), today) == today
    assert report_day(Month(2027, 1), today) is None


def test_the_cutoff_is_the_first_verification_day_still_recent_by_reportings_rule():
    day = date(2023, 1, 1)
    while day < date(2029, 3, 31):  # two leap days and the years around them
        cutoff = unverified_cutoff(day)
        assert anniversary(cutoff) > day >= anniversary(cutoff - timedelta(days=1)), day
        day += timedelta(days=1)
