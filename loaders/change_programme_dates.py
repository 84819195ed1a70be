"""Dated milestones in Change Programme text: 'by 2024', 'Autumn 2021', 'July 2021'.

Only dates the text states are taken, each with its phrase and an ISO approximation at the
precision the phrase has (a year, or a year and month). Seasons map to their first month
(meteorological seasons: spring March, summer June, autumn September, winter December),
'early'/'late' to the season's first/last month. Phrases that give no date ('in the
summer', 'by the end of 2021-22') keep the phrase and get no ISO date; dates in clauses
that report the past ('began in May 2021', 'published in June 2021') are not milestones.
"""

from __future__ import annotations

import re

from govgraph.graph.core.dates import MONTH_NAMES, month_number
from govgraph.loaders.plan_model import Milestone

_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 12)}

_SEASON = (
    r"(?:(?P<se>early|late)\s+)?(?P<season>spring|summer|autumn|winter)(?:\s+of)?\s+(?P<sy>\d{4})"
)
_MONTH = r"(?P<month>" + "|".join(MONTH_NAMES) + r")\s+(?P<my>\d{4})"
_EDGE_YEAR = r"(?P<ee>early|late)\s+(?P<ey>\d{4})(?![-/]\d)"
_BY_YEAR = r"(?P<prep>by|in)\s+(?P<by>\d{4})(?![-/]\d)"
_FY_END = r"(?:by\s+)?the\s+end\s+of\s+(?P<fy>\d{4}[-/]\d{2,4})"
_DATE = re.compile(
    r"\b(?:" + "|".join((_SEASON, _MONTH, _EDGE_YEAR, _BY_YEAR, _FY_END)) + r")\b", re.I
)
_PAST = re.compile(r"\b(published|began|begun|was|were|has been|have been|launched)\b", re.I)
_FUTURE = re.compile(r"\b(will|expected|to be|aim|committed)\b", re.I)
_TIMETABLE = re.compile(r"^\*\*(?P<when>[^*]+?):?\*\*:?\s*(?P<what>.+)$")
_RANGE = re.compile(r"^\d{4}\s*[-–]\s*\d{4}$")


def iso(match: re.Match[str]) -> str | None:
    g = match.groupdict()
    if g["season"]:
        first, last = _SEASONS[g["season"].lower()]
        month = last if (g["se"] or "").lower() == "late" else first
        return f"{g['sy']}-{month:02d}"
    if g["month"]:
        return f"{g['my']}-{month_number(g['month']):02d}"
    if g["ey"]:
        return g["ey"]
    if g["by"]:
        return g["by"]
    return None


def milestones_in(text: str, published: str | None = None) -> list[Milestone]:
    """One milestone per forward-looking date phrase in ``text`` (already plain text).

    ``published`` (ISO date of the document) lets a date no later than the publication
    month count as a milestone only when its sentence looks forward ('will', 'expected').
    """
    out: list[Milestone] = []
    for match in _DATE.finditer(text):
        date = iso(match)
        sentence = _around(text, match.start(), match.end(), (". ",))
        if _reports_past(text, match.start(), match.end()):
            continue
        if date and published and date <= published[:7] and not _FUTURE.search(sentence):
            continue
        out.append(Milestone(date=date, text=text, phrase=match.group(0)))
    return out


def _around(text: str, start: int, end: int, marks: tuple[str, ...]) -> str:
    lefts = [text.rfind(m, 0, start) for m in marks]
    left = max(lefts)
    rights = [i for i in (text.find(m, end) for m in marks) if i != -1]
    return text[left + 1 if left >= 0 else 0 : min(rights) if rights else len(text)]


def _reports_past(text: str, start: int, end: int) -> bool:
    """Whether the sentence (or, if it also looks forward, the clause) around a date
    reports something done rather than something due."""
    sentence = _around(text, start, end, (". ",))
    if not _PAST.search(sentence):
        return False
    if not _FUTURE.search(sentence):
        return True
    clause = _around(text, start, end, (". ", " and ", ";"))
    return bool(_PAST.search(clause)) and not _FUTURE.search(clause)


def timetable_entry(raw: str) -> Milestone | None:
    """A timetable line such as '**Autumn 2021:** Scope of inquiry and process agreed'."""
    match = _TIMETABLE.match(raw.strip())
    if not match:
        return None
    when = match.group("when").strip()
    what = match.group("what").strip()
    if re.fullmatch(r"\d{4}", when):
        return Milestone(date=when, text=what, phrase=when)
    if _RANGE.match(when):
        return Milestone(date=None, text=what, phrase=when)
    date = _DATE.fullmatch(when)
    if date is None:
        return None
    return Milestone(date=iso(date), text=what, phrase=when)
