"""The Vietnamese working-day calendar, shared by surprise-visit dates and remediation deadlines.

Weekends and public holidays (the ``holidays`` package's Vietnam calendar: Tết, Hùng Kings, 30/4, 1/5, 2/9 …)
are days off; substitute days off count as holidays, and the Saturdays worked in exchange count as working
days.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def is_working_day(day: date) -> bool:
    """True on a Vietnamese working day."""
    return bool(_calendar(day.year).is_working_day(day))


def working_days_between(start: date, end: date) -> list[date]:
    """Every working day from ``start`` to ``end``, both included, in order."""
    days, day = [], start
    while day <= end:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def add_working_days(start: date, count: int) -> date:
    """The date ``count`` working days after ``start`` (``start`` itself is not counted); negative goes back.

    A deadline of 5 working days from a Friday finding is the next Friday, or later across holidays.
    """
    step = 1 if count >= 0 else -1
    remaining, day = abs(count), start
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def count_working_days(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0
    return len(working_days_between(start + timedelta(days=1), end))
