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


@lru_cache(maxsize=64)
def _running_count(year: int) -> tuple[int, ...]:
    """For each day of ``year`` (index: day of the year − 1), the working days from 1 January up to it."""
    counts, total, day = [], 0, date(year, 1, 1)
    while day.year == year:
        total += is_working_day(day)
        counts.append(total)
        day += timedelta(days=1)
    return tuple(counts)


def _working_days_through(day: date) -> int:
    """Working days of ``day``'s year up to and including ``day``."""
    return _running_count(day.year)[day.timetuple().tm_yday - 1]


def count_working_days(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``). Read
    from a running count per year, so a page of countdowns costs no day-by-day walk."""
    if end <= start:
        return 0
    if start.year == end.year:
        return _working_days_through(end) - _working_days_through(start)
    total = _running_count(start.year)[-1] - _working_days_through(start)
    for year in range(start.year + 1, end.year):
        total += _running_count(year)[-1]
    return total + _working_days_through(end)
