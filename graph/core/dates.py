"""Dates as people write them in sources and requests, one way: a year (``2021``), a month
(``2021-06``) or a day (``2021-06-25``), in ASCII digits, naming a real period with a year
of at least 1. ``2020-02-30``, ``0000-01-01`` and full-width or Arabic-Indic digits (which
``\\d`` and ``int()`` accept) are refused."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from typing import Literal as Precision

from rdflib import Literal
from rdflib.namespace import XSD

from govgraph.graph.core.text import short_repr

EXPECTED = "a date as YYYY-MM-DD, a month YYYY-MM or a year YYYY"
MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
"""English month names, January first, for reading dates written out in documents."""


def month_number(name: str) -> int | None:
    """1-12 for a month's name or its first three letters in any case ("Sept" too), else
    None."""
    key = name.strip().lower()[:3]
    return next((i for i, m in enumerate(MONTH_NAMES, start=1) if m[:3] == key), None)


def spelled_day(text: str, spellings: tuple[str, ...]) -> dt.date | None:
    """The day ``text`` spells in the first of ``spellings`` (``strptime`` formats such as
    ``"%d/%m/%Y"`` or ``"%d %B %Y"``) that reads it, else None. Only ASCII text is read:
    ``strptime`` takes any script's digits."""
    value = text.strip()
    if not value.isascii():
        return None
    for spelling in spellings:
        try:
            return dt.datetime.strptime(value, spelling).date()
        except ValueError:
            continue
    return None


_FORM = DATE_FORM = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
"""The forms a date may be written in: YYYY, YYYY-MM or YYYY-MM-DD."""


@dataclass(frozen=True)
class Date:
    """A date at the precision a source gives it, with the earliest and latest day it may
    mean, so that an end can be checked against a start of another precision."""

    text: str
    earliest: dt.date
    latest: dt.date

    @property
    def precision(self) -> Precision["year", "month", "day"]:
        if len(self.text) == 4:
            return "year"
        return "month" if len(self.text) == 7 else "day"

    @property
    def literal(self) -> Literal:
        datatype = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}
        return Literal(self.text, datatype=datatype[self.precision])


def parse_date(value: Any) -> Date:
    """A Date from text, a year given as a number (YAML ``start: 2016``) or a date;
    ValueError says what is expected."""
    if isinstance(value, bool):
        raise ValueError(f"expected {EXPECTED}, got {short_repr(value)}")
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Date(value.isoformat(), value, value)
    text = str(value).strip()
    match = _FORM.fullmatch(text)
    if match:
        year, month, day = match.groups()
        try:
            if month is None:
                return Date(text, dt.date(int(year), 1, 1), dt.date(int(year), 12, 31))
            first = dt.date(int(year), int(month), 1)
            if day is None:
                last = calendar.monthrange(first.year, first.month)[1]
                return Date(text, first, first.replace(day=last))
            exact = first.replace(day=int(day))
            return Date(text, exact, exact)
        except ValueError as exc:
            raise ValueError(
                f"no such date {short_repr(text)} ({exc}): expected {EXPECTED}"
            ) from None
    raise ValueError(f"expected {EXPECTED}, got {short_repr(value)}")
