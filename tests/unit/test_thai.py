"""Thai numbers, years, dates and times (services/chassis/thai.py): Thai digits, Buddhist-era
years and dates, and the Bangkok calendar day of the log's UTC timestamps."""
from __future__ import annotations

import pytest

from services.chassis.thai import (
    bangkok_day, bangkok_time, buddhist_era, common_era, common_era_date_text, day_end_utc, day_start_utc,
    to_arabic_digits,
)


@pytest.mark.parametrize(
    "at, day",
    [
        ("2026-01-01T18:30:00.000000Z", "2026-01-02"),
        ("2026-01-01T16:59:59.999999Z", "2026-01-01"),
        ("2026-01-01T17:00:00.000000Z", "2026-01-02"),
        ("2025-12-31T23:00:00.000000Z", "2026-01-01"),
        ("2024-02-28T20:00:00.000000Z", "2024-02-29"),
    ],
)
def test_bangkok_day_of_an_envelope_timestamp(at, day):
    assert bangkok_day(at) == day


def test_bangkok_day_accepts_a_timestamp_without_fraction():
    """`at` is a plain string in the envelope schema; whole seconds are still UTC ISO 8601."""
    assert bangkok_day("2026-01-01T18:30:00Z") == "2026-01-02"



def test_thai_digits_become_arabic_and_other_text_stays():
    assert to_arabic_digits("๒๕๖๘-๐๓-๑๕") == "2568-03-15" and to_arabic_digits("หมู่ 3") == "หมู่ 3"


@pytest.mark.parametrize("year, ce", [(2568, 2025), (2343, 1800), (2342, 2342), (2025, 2025), (1800, 1800)])
def test_a_year_from_2343_on_is_buddhist_era(year, ce):
    assert common_era(year) == ce


def test_buddhist_era_dates_are_read_as_common_era():
    assert common_era_date_text(" ๒๕๖๘-๐๓-๑๕ ") == "2025-03-15"
    assert common_era_date_text("2025-03-15") == "2025-03-15" and common_era_date_text("x") == "x"
    assert buddhist_era(2025) == 2568


def test_a_bangkok_day_runs_from_17_00_utc_the_day_before():
    assert day_start_utc("2026-01-02") == "2026-01-01T17:00:00.000000Z"
    assert day_end_utc("2026-01-02") == "2026-01-02T16:59:59.999999Z"
    assert bangkok_day(day_start_utc("2026-01-02")) == bangkok_day(day_end_utc("2026-01-02")) == "2026-01-02"
    assert bangkok_time("2026-01-01T18:30:00.000000Z").strftime("%Y-%m-%d %H:%M") == "2026-01-02 01:30"
