"""The working-day calendar against dates worked out by hand from the 2026 official calendar."""

from datetime import date

import pytest

from inspections.services.calendar import (
    add_working_days,
    count_working_days,
    is_working_day,
    next_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # New Year
        date(2026, 2, 16),
        date(2026, 2, 17),
        date(2026, 2, 20),  # Tết Bính Ngọ
        date(2026, 4, 27),  # Hùng Kings (observed, the day itself is a Sunday)
        date(2026, 4, 30),
        date(2026, 5, 1),  # Reunification, Labour Day
        date(2026, 8, 31),
        date(2026, 9, 1),
        date(2026, 9, 2),  # National Day and the substitute day off
        date(2026, 11, 21),
        date(2026, 11, 22),  # a weekend
    ],
)
def test_days_off(day):
    assert not is_working_day(day)


def test_a_saturday_worked_in_exchange_is_a_working_day():
    assert is_working_day(date(2026, 8, 22))  # worked to make 31 August a day off
    assert is_working_day(date(2026, 11, 23))


def test_add_working_days_across_tet():
    # Thursday 12 Feb + 5 working days: 13 (Fri), 23, 24, 25, 26 (Tết 16–20 and the weekends skipped).
    assert add_working_days(date(2026, 2, 12), 5) == date(2026, 2, 26)
    assert add_working_days(date(2026, 2, 26), -5) == date(2026, 2, 12)


def test_add_working_days_across_30_4_and_2_9():
    # Wednesday 29 April + 3: 4 May (Mon), 5, 6.
    assert add_working_days(date(2026, 4, 29), 3) == date(2026, 5, 6)
    # Friday 28 August + 2: 3 and 4 September (weekend 29–30, 31/8, 1/9 and 2/9 off).
    assert add_working_days(date(2026, 8, 28), 2) == date(2026, 9, 4)


def test_helpers_agree():
    days = working_days_between(date(2026, 4, 27), date(2026, 5, 8))
    assert days == [
        date(2026, 4, 28),
        date(2026, 4, 29),
        date(2026, 5, 4),
        date(2026, 5, 5),
        date(2026, 5, 6),
        date(2026, 5, 7),
        date(2026, 5, 8),
    ]
    assert count_working_days(date(2026, 4, 27), date(2026, 5, 8)) == 7
    assert next_working_day(date(2026, 4, 30)) == date(2026, 5, 4)


def test_counting_working_days_matches_the_day_by_day_walk():
    """count_working_days reads a running count per year: it agrees with listing the days, across years."""
    from datetime import date, timedelta

    from inspections.services.calendar import count_working_days, working_days_between

    start = date(2025, 12, 20)
    for offset in (0, 1, 5, 12, 45, 400, 800):
        end = start + timedelta(days=offset)
        for begin in (start, date(2026, 2, 13), date(2026, 12, 31)):
            expected = len(working_days_between(begin + timedelta(days=1), end)) if end > begin else 0
            assert count_working_days(begin, end) == expected, (begin, end)
