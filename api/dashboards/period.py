"""The period a dashboard counts: whole local days in Asia/Ho_Chi_Minh, stored bounds in UTC.

The rule: an assignee record belongs to the period when its assignment's due time falls in
it. `from` and `to` are calendar days in Vietnam time and both are included, so the period
is the half-open UTC interval [00:00 of `from`, 00:00 of the day after `to`) in +07:00. A
record keeps its period when its state changes; only a new due time moves it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from api.errors import FieldError, ValidationFailed
from api.i18n import t
from api.text import VN_TZ, format_vn_date

# Beyond these years a date is a typing mistake (and far years overflow on conversion).
MIN_DATE, MAX_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def local_midnight(day: dt.date) -> dt.datetime:
    """00:00 of `day` in Vietnam, as a UTC instant."""
    return dt.datetime.combine(day, dt.time(0), VN_TZ).astimezone(dt.UTC)


def today() -> dt.date:
    """Today's date in Vietnam."""
    return dt.datetime.now(VN_TZ).date()


def month_start(day: dt.date) -> dt.date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def add_months(day: dt.date, n: int) -> dt.date:
    """The first day of the month `n` months after `day`'s month (n may be negative)."""
    index = day.year * 12 + day.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Local days `first`..`last` (both included)."""

    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.datetime:
        """The first instant of the period (UTC)."""
        return local_midnight(self.first)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period (UTC)."""
        return local_midnight(self.last + dt.timedelta(days=1))

    @property
    def label(self) -> str:
        """The period as people write it: 'dd/mm/yyyy – dd/mm/yyyy'."""
        return f"{format_vn_date(self.first)} – {format_vn_date(self.last)}"

    @property
    def month_key(self) -> str | None:
        """'2026-11' when the period is exactly one calendar month, else None."""
        whole = self.first.day == 1 and add_months(self.first, 1) - dt.timedelta(1) == self.last
        return f"{self.first:%Y-%m}" if whole else None


def this_month(now: dt.date | None = None) -> Period:
    """The current calendar month in Vietnam: the default period."""
    first = month_start(now or today())
    return Period(first, add_months(first, 1) - dt.timedelta(days=1))


def resolve(first: dt.date | None, last: dt.date | None) -> Period:
    """The requested period (a missing bound: that month's other end), checked for sense."""
    errors = [
        FieldError(name, "dashboard.field.date_range")
        for name, value in (("from", first), ("to", last))
        if value is not None and not MIN_DATE <= value <= MAX_DATE
    ]
    if errors:
        raise ValidationFailed(errors=errors)
    if first is None and last is None:
        return this_month()
    if first is None:
        first = month_start(last)  # type: ignore[arg-type]
    if last is None:
        last = add_months(first, 1) - dt.timedelta(days=1)
    if first > last:
        raise ValidationFailed(errors=[FieldError("to", "dashboard.field.period_order")])
    return Period(first, last)


@dataclass(frozen=True)
class Month:
    """One calendar month of a trend: its key, label and UTC bounds."""

    key: str
    label: str
    start: dt.datetime
    end: dt.datetime


def last_months(n: int, now: dt.date | None = None) -> list[Month]:
    """The `n` calendar months ending with the current one, oldest first."""
    current = month_start(now or today())
    out = []
    for i in range(n - 1, -1, -1):
        first = add_months(current, -i)
        out.append(
            Month(
                key=f"{first:%Y-%m}",
                label=t("dashboard.month", "vi", month=first.month, year=first.year),
                start=local_midnight(first),
                end=local_midnight(add_months(first, 1)),
            )
        )
    return out
