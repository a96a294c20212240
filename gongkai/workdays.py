"""Working days on the official calendar (with 调休) and audit periods.

The calendar is ``chinesecalendar``; for a year it has no schedule for, it raises, and we answer
``None`` ("unknown") instead of guessing from weekdays: a guessed deadline that lands on a 调休
Sunday would produce a false finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache

import chinese_calendar

MAX_SPAN_DAYS = 3700  # ten years: bound loops over hostile dates
BEIJING = timezone(timedelta(hours=8), "北京时间")   # the days of every deadline; the store's times are UTC


def beijing_day(stamp: str) -> date:
    """The Beijing calendar day of an ISO time the store recorded (UTC, or with its own offset)."""
    moment = datetime.fromisoformat(stamp)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(BEIJING).date()


@lru_cache(maxsize=8192)   # deadlines of thousands of documents walk the same few months
def is_workday(day: date) -> bool | None:
    """True/False on the official calendar; None when the year is not published."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except (NotImplementedError, ValueError):
        return None


def add_workdays(start: date, n: int) -> date | None:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted).

    add_workdays(2024-04-03, 3) == 2024-04-09: 04-04..06 were 清明, Sunday 04-07 was worked.
    """
    day, left = start, n
    for _ in range(MAX_SPAN_DAYS):
        if left <= 0:
            return day
        day += timedelta(days=1)
        work = is_workday(day)
        if work is None:
            return None
        if work:
            left -= 1
    return None


def workdays_between(start: date, end: date) -> int | None:
    """Working days after ``start`` up to and including ``end`` (0 if ``end <= start``)."""
    if end <= start:
        return 0
    if (end - start).days > MAX_SPAN_DAYS:
        return None
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        work = is_workday(day)
        if work is None:
            return None
        count += work
    return count


def month_end(year: int, month: int) -> date:
    """Last day of a month."""
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """An audit period: a quarter (2024Q2), a month (2024-05) or a year (2024)."""

    label: str
    start: date
    end: date

    @property
    def months(self) -> list[tuple[int, int]]:
        """(year, month) pairs covered by the period, in order."""
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4])|-(\d{2}))?$")


def parse_period(text: str) -> Period:
    """Parse YYYYQn, YYYY-MM or YYYY; raises ValueError with a readable message."""
    m = _PERIOD.match(str(text).strip())
    if not m:
        raise ValueError(f"not a period (YYYYQn, YYYY-MM or YYYY): {text!r}")
    year = int(m.group(1))
    if m.group(2):
        q = int(m.group(2))
        return Period(str(text), date(year, 3 * q - 2, 1), month_end(year, 3 * q))
    if m.group(3):
        month = int(m.group(3))
        if not 1 <= month <= 12:
            raise ValueError(f"not a month: {text!r}")
        return Period(str(text), date(year, month, 1), month_end(year, month))
    return Period(str(text), date(year, 1, 1), date(year, 12, 31))
