"""The one date parser (govgraph.graph.core.dates) and ASCII numbers (core.numbers)."""

from __future__ import annotations

import datetime as dt

import pytest

from govgraph.graph.core.dates import parse_date
from govgraph.graph.core.numbers import decimal_number, whole_number


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest"),
    [
        ("2021", "year", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
        ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("9999-12", "month", dt.date(9999, 12, 1), dt.date(9999, 12, 31)),
        ("2020-02-29", "day", dt.date(2020, 2, 29), dt.date(2020, 2, 29)),
        ("0001-01-01", "day", dt.date(1, 1, 1), dt.date(1, 1, 1)),
    ],
)
def test_a_date_keeps_its_precision_and_period(text, precision, earliest, latest) -> None:
    date = parse_date(text)
    assert (date.text, date.precision, date.earliest, date.latest) == (
        text,
        precision,
        earliest,
        latest,
    )


@pytest.mark.parametrize(
    "text",
    [
        "2020-02-30",
        "0000-01-01",
        "0000",
        "2021-13",
        "2021-00",
        "２０２１",
        "٢٠٢١-01",
        "21",
        "2021-1",
    ],
)
def test_unreal_dates_and_other_digits_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="expected a date as YYYY-MM-DD"):
        parse_date(text)


def test_numbers_are_ascii_only() -> None:
    assert whole_number("3") == 3 and decimal_number("0.5") == 0.5
    for bad in ("٣", "３", "1_0", "", "3\n", "-1"):
        with pytest.raises(ValueError):
            whole_number(bad)
    for bad in ("nan", "inf", "٠.٥", "1e3", "1_0"):
        with pytest.raises(ValueError):
            decimal_number(bad)


def test_month_names_are_read_whole_or_by_their_first_three_letters() -> None:
    from govgraph.graph.core.dates import MONTH_NAMES, month_number

    assert len(MONTH_NAMES) == 12 and MONTH_NAMES[0] == "january"
    assert [month_number(m) for m in ("January", "feb", "Sept", " DECEMBER ")] == [1, 2, 9, 12]
    assert month_number("Spring") is None and month_number("") is None
