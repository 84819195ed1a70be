"""Whether a literal's text is a value of its XML Schema datatype.

An ill-typed literal (``"not-a-date"^^xsd:date``, ``"2020-02-30"^^xsd:date``) stored once
makes every comparison of that property fail later (SHACL's ``<=`` between two rdflib
Literals raises TypeError), so sources are refused at load with the literal's place.
Patterns are ASCII-only (``\\d`` would also match Arabic-Indic and full-width digits) and
matched whole.
"""

from __future__ import annotations

import calendar
import re

XSD = "http://www.w3.org/2001/XMLSchema#"

_TZ = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_YEAR = r"-?(?:[1-9]\d{4,}|\d{4})"
_DATE = re.compile(rf"({_YEAR})-(\d\d)-(\d\d){_TZ}", re.ASCII)
_DATETIME = re.compile(
    rf"({_YEAR})-(\d\d)-(\d\d)T(?:([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(?:\.\d+)?"
    rf"|24:00:00(?:\.0+)?){_TZ}",
    re.ASCII,
)
_GYEAR = re.compile(rf"({_YEAR}){_TZ}", re.ASCII)
_GYEARMONTH = re.compile(rf"({_YEAR})-(\d\d){_TZ}", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_DOUBLE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN", re.ASCII)
_BOOLEAN = frozenset({"true", "false", "1", "0"})

_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-(2**7), 2**7 - 1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 2**8 - 1),
}


def _year(text: str) -> str | None:
    return "year 0000 is not a year (XML Schema 1.0)" if int(text) == 0 else None


def _day(year: str, month: str, day: str) -> str | None:
    if (problem := _year(year)) is not None:
        return problem
    if not 1 <= int(month) <= 12:
        return f"month {month} does not exist"
    y = int(year)
    leap_year = 2000 + (y % 400) if y > 0 else 2000 + ((y + 1) % 400)  # 1 BCE is a leap year
    days = calendar.monthrange(leap_year, int(month))[1]
    if not 1 <= int(day) <= days:
        return f"day {day} does not exist in {year}-{month}"
    return None


def lexical_problem(value: str, datatype: str) -> str | None:
    """Why ``value`` is not in the lexical space of ``datatype`` (an XML Schema datatype
    IRI), or None when it is, or when the datatype is not one checked here."""
    if not datatype.startswith(XSD):
        return None
    name = datatype[len(XSD) :]
    if name == "date":
        if not (m := _DATE.fullmatch(value)):
            return "not a date (YYYY-MM-DD)"
        return _day(*m.groups())
    if name == "dateTime":
        if not (m := _DATETIME.fullmatch(value)):
            return "not a date and time (YYYY-MM-DDThh:mm:ss)"
        return _day(*m.groups()[:3])
    if name == "gYear":
        if not (m := _GYEAR.fullmatch(value)):
            return "not a year (YYYY)"
        return _year(m.group(1))
    if name == "gYearMonth":
        if not (m := _GYEARMONTH.fullmatch(value)):
            return "not a year and month (YYYY-MM)"
        return _day(m.group(1), m.group(2), "01")
    if name in _INTEGER_RANGES:
        if not _INTEGER.fullmatch(value):
            return f"not an {name}" if name[0] in "aeiou" else f"not a {name}"
        low, high = _INTEGER_RANGES[name]
        number = int(value)
        if (low is not None and number < low) or (high is not None and number > high):
            return f"out of range for xsd:{name}"
        return None
    if name == "decimal":
        return None if _DECIMAL.fullmatch(value) else "not a decimal number"
    if name in ("double", "float"):
        return None if _DOUBLE.fullmatch(value) else f"not a {name}"
    if name == "boolean":
        return None if value in _BOOLEAN else "not a boolean (true, false, 1 or 0)"
    return None
