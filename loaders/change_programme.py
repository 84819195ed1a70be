"""The Change Programme document loader: priority areas and Plan 21-24 actions from text.

Documents in this format (The Promise Scotland's Change Programme ONE, June 2021) are
Markdown-like text exported from a PDF: every page repeats its section headings, some
headings carry typos ("What The Promise Scotlant has heard so far?"), and one action can
start under the previous area's page header. The parser therefore trusts only three
things: the overview list under ``# Priority Areas`` (which areas exist and which actions
belong to each, in order), the ``## <action>`` headings, and the ``### ...`` sub-headings
recognised by keyword. Everything else is read relative to those.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from govgraph.graph.core.dates import spelled_day
from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.names import singular_key
from govgraph.graph.core.text import find_text_problem, line_column
from govgraph.loaders.base import Loader, SourceInfo, Triple, read_source_text
from govgraph.loaders.change_programme_dates import milestones_in, timetable_entry
from govgraph.loaders.change_programme_leads import lead_names
from govgraph.loaders.plan import document_iri, plan_triples
from govgraph.loaders.plan_model import (
    Action,
    Assessment,
    AssessmentStatus,
    Milestone,
    Plan,
    PriorityArea,
    SourceLocator,
)
from govgraph.loaders.resolve import Resolver, normalise
from govgraph.ontology.terms import slugify

PLAN_ID = "plan-21-24"
PLAN_NAME = "Plan 21-24"
ASSESSOR = "The Promise Scotland"
"""The Change Programme is The Promise Scotland's publication and its assessments are its own."""
AREAS_SECTION = "Priority Areas"

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_BULLET = re.compile(r"^\s*(?:[-*●•]|\d+\.)\s+(?:▶\s*)?(.*)$")
_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\([^)]*\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_PUBLISHED = re.compile(r"date of publication:\s*(\d{1,2}\s+[A-Za-z]+\s+\d{4})", re.I)
_CONTENTS_ENTRY = re.compile(r"^\s*-\s+(\d+)\s+(.+?)\s*$")

_SECTIONS = {
    "requirements": "What is required by Plan 21-24?",
    "heard": "What has The Promise Scotland heard so far?",
    "commitments": "What has been committed to so far?",
    "leads": "Who are the lead organisations?",
    "links": "Links, Next Steps and Assessment",
}


def clean(text: str) -> str:
    """Plain text of a Markdown-like fragment: links, emphasis and bullets removed."""
    text = _LINK.sub(lambda m: m.group(1), text)
    text = text.replace("**", "").replace("\\(", "(").replace("\\)", ")")
    text = re.sub(r"^[\s▶●•-]+", "", text)
    text = re.sub(r"\s+([:;,.])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def assessment_status(text: str) -> AssessmentStatus | None:
    """The status an assessment heading states, or None if the text is not one."""
    key = normalise(text)
    if re.search(r"\blittle\b|\bno work\b", key):
        return AssessmentStatus.LITTLE_OR_NONE
    if "underway" not in key:
        return None
    if re.search(r"not (yet )?(appear )?sufficient|insufficient", key):
        return AssessmentStatus.UNDERWAY_NOT_SUFFICIENT
    return AssessmentStatus.UNDERWAY


def section_kind(title: str) -> str | None:
    """Which of the five action sub-sections a ``###`` heading opens, by keyword."""
    key = normalise(title)
    if "required" in key:
        return "requirements"
    if "heard" in key:
        return "heard"
    if "commit" in key:
        return "commitments"
    if "lead" in key and "organisation" in key:
        return "leads"
    if key.startswith("link") or "next step" in key or "assessment" in key:
        return "links"
    return None


@dataclass
class _Item:
    kind: str
    """bullet, para, table or heading"""
    line: int
    text: str


@dataclass
class _ActionText:
    """Raw lines of one action, by sub-section, as found in the document."""

    name: str
    line: int
    sections: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    section_lines: dict[str, int] = field(default_factory=dict)
    assessment: tuple[int, str] | None = None

    def items(self, kind: str) -> list[_Item]:
        return _items(self.sections.get(kind, []))


def parse_change_programme(text: str, source_name: str) -> Plan:
    """Parse a Change Programme document into the Plan model; SourceError on bad input."""
    if not text.strip():
        raise SourceError(
            "empty file: expected a Change Programme document", file=source_name, line=1
        )
    lines = text.splitlines()
    return _Parser(lines, source_name).parse()


class _Parser:
    def __init__(self, lines: list[str], source_name: str) -> None:
        self.lines = lines
        self.file = source_name

    def error(self, message: str, line: int | None, field: str | None = None) -> SourceError:
        return SourceError(message, file=self.file, line=line, field=field)

    def parse(self) -> Plan:
        title = next((h[1] for h in map(_heading, self.lines) if h and h[0] == 1), "")
        published = self.published()
        plan = Plan(
            id=PLAN_ID,
            name=PLAN_NAME,
            document=self.file,
            title=clean(title),
            published=published,
            publisher=ASSESSOR,
        )
        start = self.areas_start()
        pages = self.contents_pages()
        areas, listed, detail_start = self.overview(start)
        for area_name, area_line in areas:
            area_id = slugify(area_name)
            plan.priority_areas.append(
                PriorityArea(
                    id=area_id,
                    name=area_name,
                    source=SourceLocator(
                        self.file,
                        f"{AREAS_SECTION} > {area_name}",
                        page=pages.get(singular_key(area_name)),
                        line=area_line,
                    ),
                )
            )
        texts = self.details(listed, detail_start)
        ids = {singular_key(name): slugify(name) for name, _, _ in listed}
        for name, area_name, line in listed:
            found = texts.get(singular_key(name))
            if found is None:
                raise self.error(
                    f"action '{name}' is listed under '{area_name}' but has no '## {name}' section",
                    line,
                )
            plan.actions.append(self.action(found, name, area_name, ids, published))
        return plan

    def published(self) -> str:
        for number, line in enumerate(self.lines, start=1):
            match = _PUBLISHED.search(line)
            if match:
                day = spelled_day(match.group(1), ("%d %B %Y",))
                if day is None:
                    raise self.error(
                        f"expected a date such as '25 June 2021', found '{match.group(1)}'",
                        number,
                        "Date of publication",
                    )
                return day.isoformat()
        raise self.error(
            "expected a 'Date of publication: <day> <month> <year>' line: "
            "assessments are dated by it",
            len(self.lines) or 1,
            "Date of publication",
        )

    def areas_start(self) -> int:
        for index, line in enumerate(self.lines):
            h = _heading(line)
            if h and h[0] == 1 and singular_key(h[1]) == singular_key(AREAS_SECTION):
                return index
        raise self.error(
            f"no '# {AREAS_SECTION}' section: expected the overview of priority areas "
            "and their actions",
            len(self.lines) or 1,
        )

    def contents_pages(self) -> dict[str, int]:
        """Start pages the contents list gives for sections (the only page markers)."""
        pages: dict[str, int] = {}
        inside = False
        for line in self.lines:
            h = _heading(line)
            if h and h[0] == 1:
                if inside:
                    break
                inside = singular_key(h[1]) == "content"
            if not inside:
                continue
            match = _CONTENTS_ENTRY.match(line)
            if match:
                pages.setdefault(singular_key(match.group(2)), int(match.group(1)))
        return pages

    def overview(self, start: int) -> tuple[list[tuple[str, int]], list[tuple[str, str, int]], int]:
        """Areas and their listed actions, from the '# Priority Areas' pages."""
        areas: list[tuple[str, int]] = []
        listed: list[tuple[str, str, int]] = []
        index = start
        while index < len(self.lines):
            row = self.lines[index]
            h = _heading(row)
            if h and h[0] == 1 and singular_key(h[1]) != singular_key(AREAS_SECTION):
                break
            if h and h[0] == 2:
                areas.append((clean(h[1]), index + 1))
            elif areas and (bullet := _BULLET.match(row)):
                name = clean(bullet.group(1))
                if name:
                    listed.append((name, areas[-1][0], index + 1))
            index += 1
        if not areas:
            raise self.error(
                f"the '# {AREAS_SECTION}' section lists no priority areas: expected "
                "'## <area>' headings each followed by '- <action>' lines",
                start + 1,
            )
        for area_name, line in areas:
            if not any(a == area_name for _, a, _ in listed):
                raise self.error(f"priority area '{area_name}' lists no actions", line)
        seen: dict[str, int] = {}
        for name, _, line in listed:
            if singular_key(name) in seen:
                raise self.error(
                    f"action '{name}' is listed twice (first on line {seen[singular_key(name)]})",
                    line,
                )
            seen[singular_key(name)] = line
        return areas, listed, index

    def details(self, listed: list[tuple[str, str, int]], start: int) -> dict[str, _ActionText]:
        """Split the detail pages into actions and sub-sections, skipping page headers."""
        known = {singular_key(name) for name, _, _ in listed}
        texts: dict[str, _ActionText] = {}
        current: _ActionText | None = None
        section: str | None = None
        for number, line in enumerate(self.lines[start:], start=start + 1):
            h = _heading(line)
            if h and h[0] == 1:
                continue  # page header: the page continues whatever section was open
            if h and h[0] == 2:
                key = singular_key(h[1])
                if current is not None and key == singular_key(current.name):
                    continue  # the same action, repeated at the top of a new page
                if key in texts:
                    raise self.error(
                        f"a second section for action '{clean(h[1])}' (first on line "
                        f"{texts[key].line})",
                        number,
                    )
                current = _ActionText(clean(h[1]), number) if key in known else None
                if current is not None:
                    texts[key] = current
                section = None
                continue
            if current is None:
                continue
            if h and h[0] == 3:
                section = section_kind(h[1])
                if section is None:
                    expected = "; ".join(f"'{t}'" for t in _SECTIONS.values())
                    raise self.error(
                        f"unexpected sub-heading '{clean(h[1])}' in action '{current.name}': "
                        f"expected one of {expected}",
                        number,
                    )
                current.section_lines.setdefault(section, number)
                current.sections.setdefault(section, [])
                continue
            if section is None:
                continue
            if section == "links" and current.assessment is None and clean(line.lstrip("#")):
                text = clean(line.lstrip("#"))
                if assessment_status(text) is None:
                    raise self.error(
                        f"expected the assessment of action '{current.name}' (e.g. 'Work is "
                        f"underway.'), found '{text}'",
                        number,
                        "assessment",
                    )
                current.assessment = (number, text)
                continue
            current.sections[section].append((number, line))
        return texts

    def action(
        self,
        found: _ActionText,
        name: str,
        area_name: str,
        ids: dict[str, str],
        published: str,
    ) -> Action:
        action_id = slugify(name)
        locator = SourceLocator(
            self.file, f"{AREAS_SECTION} > {area_name} > {name}", line=found.line
        )
        if found.assessment is None:
            where = found.section_lines.get("links", found.line)
            raise self.error(
                f"action '{name}' has no assessment: expected a line such as 'Work is "
                f"underway.' under '### {_SECTIONS['links']}'",
                where,
                "assessment",
            )
        status_line, status_text = found.assessment
        status = assessment_status(status_text)
        if status is None:  # not reached: the reader keeps only lines that state a status
            raise self.error(f"action '{name}': unreadable assessment", status_line, "assessment")
        leads, supporting = lead_names(clean_lines(found.sections.get("leads", [])))
        if not leads:
            raise self.error(
                f"action '{name}' names no lead organisation under '### {_SECTIONS['leads']}'",
                found.section_lines.get("leads", found.line),
                "leads",
            )
        commitments, milestones = _commitments(found.items("commitments"), published)
        for item in found.items("links"):
            if item.kind in ("para", "bullet"):
                milestones.extend(milestones_in(clean(item.text), published))
        return Action(
            id=action_id,
            name=name,
            priority_area=slugify(area_name),
            requirements=_requirements(found.items("requirements")),
            commitments=commitments,
            leads=leads,
            supporting=supporting,
            milestones=milestones,
            links=_links(found, ids, singular_key(name)),
            assessment=Assessment(
                status=status,
                date=published,
                assessor=ASSESSOR,
                text=status_text,
                source=SourceLocator(self.file, locator.section, line=status_line),
            ),
            aliases=[found.name] if normalise(found.name) != normalise(name) else [],
            source=locator,
        )


def _heading(line: str) -> tuple[int, str] | None:
    match = _HEADING.match(line)
    if not match or not match.group(2).strip("#* "):
        return None
    return len(match.group(1)), match.group(2).strip()


def clean_lines(lines: list[tuple[int, str]]) -> list[str]:
    """Non-empty raw lines (links kept, for the lead parser)."""
    return [text.strip() for _, text in lines if text.strip()]


def _items(lines: list[tuple[int, str]]) -> list[_Item]:
    """Group raw lines into bullets, paragraphs, tables and minor headings."""
    items: list[_Item] = []
    open_para = False
    for number, line in lines:
        stripped = line.strip()
        if not stripped:
            open_para = False
            continue
        table = stripped.lstrip("- ").startswith("|")
        if table:
            if items and items[-1].kind == "table":
                items[-1].text += "\n" + stripped.lstrip("- ")
            else:
                items.append(_Item("table", number, stripped.lstrip("- ")))
            open_para = False
        elif stripped.startswith("#"):
            items.append(_Item("heading", number, stripped.lstrip("# ")))
            open_para = False
        elif bullet := _BULLET.match(stripped):
            items.append(_Item("bullet", number, bullet.group(1)))
            open_para = False
        elif open_para and items[-1].kind == "para":
            items[-1].text += " " + stripped
        else:
            items.append(_Item("para", number, stripped))
            open_para = True
    return [i for i in items if clean(i.text) or i.kind == "table"]


def _table_text(table: str) -> str:
    """A two-column table of numbered entries, as one '1. a; 2. b; ...' line in number order."""
    cells = [clean(c) for row in table.splitlines() for c in row.split("|")]
    numbered = [c for c in cells if re.match(r"^\d+\.\s", c)]
    numbered.sort(key=lambda c: int(c.split(".", 1)[0]))
    return "; ".join(numbered)


def _requirements(items: list[_Item]) -> list[str]:
    out: list[str] = []
    for item in items:
        text = _table_text(item.text) if item.kind == "table" else clean(item.text)
        if text:
            out.append(text)
    return out


_GENERIC_INTRO = re.compile(r"^(so far\b|the following\b)|following (commitments|actions)", re.I)


def _commitments(items: list[_Item], published: str) -> tuple[list[str], list[Milestone]]:
    """Commitments (bullets, prefixed by their introducing sentence, and paragraphs) and
    the milestones they date; 'No ...' statements of absence are not commitments."""
    commitments: list[str] = []
    milestones: list[Milestone] = []
    intro: str | None = None
    for item in items:
        text = clean(item.text)
        if item.kind == "heading":
            intro = None
            continue
        if item.kind == "para":
            entry = timetable_entry(item.text)
            if entry is not None:
                milestones.append(entry)
                continue
            if text.endswith(":"):
                intro = None if _GENERIC_INTRO.search(text) else text
                continue
            intro = None
            text = _drop_absence(text)
            if not text:
                continue
        elif item.kind == "bullet" and intro:
            text = f"{intro} {text}"
        elif item.kind == "table":
            continue
        commitments.append(text)
        milestones.extend(milestones_in(text, published))
    return commitments, milestones


def _drop_absence(text: str) -> str:
    """Remove a leading 'No commitments received.'-style sentence."""
    if not re.match(r"^no\b", text, re.I):
        return text
    parts = re.split(r"(?<=\.)\s+", text, maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def _links(found: _ActionText, ids: dict[str, str], own: str) -> list[str]:
    """Other actions this action mentions by link or in bold, anywhere in its text."""
    out: list[str] = []
    for _, line in (pair for lines in found.sections.values() for pair in lines):
        for match in [*_LINK.finditer(line), *_BOLD.finditer(line)]:
            for key in _mention_keys(clean(match.group(1)).rstrip(".:;,")):
                target = _match_action(key, ids)
                if target and key != own and ids.get(own) != target and target not in out:
                    out.append(target)
    return out


def _mention_keys(mention: str) -> list[str]:
    """A mention may name several actions: 'Moving On, Data Mapping and Collection'."""
    parts = [p.strip() for p in mention.split(",") if p.strip()]
    return [singular_key(p) for p in parts]


def _match_action(key: str, ids: dict[str, str]) -> str | None:
    """Exact name, else the one action whose name the mention begins (**Data**) or shares
    its first words with (**Peer and Community based support**)."""
    if not key:
        return None
    if key in ids:
        return ids[key]
    words = key.split()
    candidates = [
        action_id
        for name, action_id in ids.items()
        if name.split()[: len(words)] == words or _common_prefix(name.split(), words) >= 3
    ]
    return candidates[0] if len(candidates) == 1 else None


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class ChangeProgrammeLoader(Loader):
    """A Change Programme document (text in the format of Change Programme ONE)."""

    kind = "change-programme"
    graph_prefix = "change-programme-"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._plan: Plan | None = None

    def plan(self) -> Plan:
        if self._plan is None:
            text = read_source_text(self.path)
            found = find_text_problem(text)
            if found is not None:
                line, column = line_column(text, found[0])
                raise SourceError(
                    f"{found[1]}: not allowed in text (remove it)",
                    file=str(self.path),
                    line=line,
                    column=column,
                )
            self._plan = parse_change_programme(text, self.path.name)
        return self._plan

    def info(self) -> SourceInfo:
        plan = self.plan()
        return SourceInfo(
            id=f"change-programme-{slugify(self.path.stem)}",
            title=plan.title or self.path.name,
            origin=self.path.name,
            licence="Public document published by The Promise Scotland; facts only",
            publisher=plan.publisher,
            published=plan.published,
            derived_from=(str(document_iri(self.path.name)),),
        )

    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        yield from plan_triples(self.plan(), resolver, document_iri(self.path.name), self.notes)
