"""How a source document is divided into sections, so that its coverage ledger can say, for
each one, what was recorded and what was left out, and a test can fail when a section has
no ledger entry.

Three layouts cover the documents the product reads, chosen by what the text holds:

* **headed** (Markdown-like): ``#`` and ``##`` headings; a section is a ``# > ##`` path
  (deeper headings stay inside it);
* **numbered report**: numbered headings such as ``2.0 SUMMARY`` and other all-capital
  lines (``FINANCE``, the appendix title); text before the first is the front matter;
* **plain** (slides, web pages): a heading is a short line standing alone between blank
  lines that does not end a sentence; adjacent headings form one title, joined by ``>``.

In every layout a section running on under the same title as the one before it (a slide
continued, a page header repeated) is one section, and a title that comes back later is
numbered ("What is happening (2)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from govgraph.graph.core.names import fold

_MD_HEADING = re.compile(r"^(#{1,2})\s+(.*?)\s*$")
_NUMBERED = re.compile(r"^\d+\.0\s+[A-Z]{3}")
_CAPITAL_HEADING = re.compile(r"^(?:\d+\.\d+\s+)?[A-Z0-9][A-Z0-9 &,()'’./:–-]*$")
_SENTENCE_END = re.compile(r"[.:;,!?\"”’]\**$")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+\.)\s")
MAX_TITLE = 100
"""Longest line that a plain document's heading can be, in characters."""
SLIDE_BREAK = 3
"""Blank lines that end a slide in a plain document: a title never runs across them, and a
short line closing a slide (a caption) is not a title."""
FRONT_MATTER = "Front matter"


@dataclass
class Section:
    """One section of a document: its title and where its text runs (1-based lines)."""

    title: str
    first_line: int
    lines: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    """The line number of each of ``lines`` (a repeated heading is not among them)."""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def layout(text: str) -> str:
    """Which layout a document has: ``headed``, ``numbered`` or ``plain``."""
    lines = text.splitlines()
    if any(_MD_HEADING.match(line) for line in lines):
        return "headed"
    if any(_NUMBERED.match(line.strip()) for line in lines):
        return "numbered"
    return "plain"


def sections(text: str) -> list[Section]:
    """The sections of ``text`` in document order (see the module docstring)."""
    kind = layout(text)
    lines = text.splitlines()
    headings = {"headed": _headed, "numbered": _numbered, "plain": _plain}[kind](lines)
    out: list[Section] = []
    current = Section(FRONT_MATTER, 1)
    for number, line in enumerate(lines, start=1):
        title = headings.get(number)
        if title is None:
            current.lines.append(line)
            current.numbers.append(number)
        elif fold(title) != fold(current.title):  # the same title again continues it
            if current.title != FRONT_MATTER or any(s.strip() for s in current.lines):
                out.append(current)
            current = Section(title, number)
    out.append(current)
    seen: dict[str, int] = {}
    for section in out:
        seen[section.title] = seen.get(section.title, 0) + 1
        if seen[section.title] > 1:
            section.title = f"{section.title} ({seen[section.title]})"
    return out


def _clean(title: str) -> str:
    return " ".join(title.replace("**", "").split())


def _headed(lines: list[str]) -> dict[int, str]:
    marks: list[tuple[int, int, str]] = []  # (line, level, title)
    for number, line in enumerate(lines, start=1):
        match = _MD_HEADING.match(line)
        if match:
            marks.append((number, len(match.group(1)), _clean(match.group(2))))
    out: dict[int, str] = {}
    top = ""
    for n, (number, level, title) in enumerate(marks):
        if level == 1:
            top = title
            out[number] = title
            following = marks[n + 1] if n + 1 < len(marks) else None
            if following and following[1] == 2 and not _has_text(lines, number, following[0]):
                out[number] = f"{top} > {following[2]}"  # a page header over its subsection
        else:
            out[number] = f"{top} > {title}" if top else title
    return out


def _has_text(lines: list[str], after: int, before: int) -> bool:
    return any(line.strip() for line in lines[after : before - 1])


def _numbered(lines: list[str]) -> dict[int, str]:
    out: dict[int, str] = {}
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        letters = sum(c.isalpha() for c in text)
        if (
            (letters >= 5 and _CAPITAL_HEADING.match(text) and not text[:1].isdigit())
            or _NUMBERED.match(text)
            or (re.match(r"^\d+\.\d+\s+[A-Z ]+$", text) and letters >= 5)
        ):
            out[number] = _clean(text)
    return out


def _plain(lines: list[str]) -> dict[int, str]:
    def blank(i: int) -> bool:
        return i < 0 or i >= len(lines) or not lines[i].strip()

    candidates = {
        i
        for i, line in enumerate(lines)
        if line.strip()
        and blank(i - 1)
        and blank(i + 1)
        and len(line.strip()) <= MAX_TITLE
        and not _SENTENCE_END.search(line.strip())
        and not _BULLET.match(line)
    }
    out: dict[int, str] = {}
    i = 0
    while i < len(lines):
        if i not in candidates:
            i += 1
            continue
        run, j = [i], i + 1
        while j < len(lines):
            gap = j
            while gap < len(lines) and blank(gap):
                gap += 1
            if gap - j >= SLIDE_BREAK or gap not in candidates:
                break  # a slide break, or text: the title is complete
            run.append(gap)
            j = gap + 1
        nxt = j
        while nxt < len(lines) and blank(nxt):
            nxt += 1
        if nxt < len(lines) and not (nxt - j >= SLIDE_BREAK and nxt in candidates):
            title = " > ".join(_clean(lines[k]) for k in run)
            for k in run:
                out[k + 1] = title  # else a caption closing a slide, not a title
        i = j
    return out
