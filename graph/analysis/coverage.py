"""The coverage check: which capitalised names and numbers in a document resolve to no
entity or figure in the graph and are not listed as deliberately left out in the
document's coverage ledger, so a future document can be audited the way the seeds were.

A name resolves when the site's search index holds it as a name or alias (compared through
the one name normaliser, longest match first, so "Minister for Children, Young People and
The Promise" is one name, not four); a number resolves when a figure holds its value or a
date in the graph its year (or its day, when the document gives one). What remains is the
residue, reported per section (:mod:`govgraph.graph.analysis.coverage_sections`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from govgraph.graph.analysis.coverage_ledger import Ledger, LedgerSection, ledger_path, read_ledger
from govgraph.graph.analysis.coverage_sections import Section, sections
from govgraph.graph.core.dates import MONTH_NAMES, month_number
from govgraph.graph.core.names import fold, name_key
from govgraph.graph.facts.search import SearchIndex, index_for
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|&")
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
)
_DATE = re.compile(
    rf"(?:(?<![\w.])(\d{{1,2}})(?:st|nd|rd|th)?(?: of)?\s+)?\b({_MONTH})\b,?\s*(\d{{4}}|\d{{2}}\b)?"
)
_NUMBER = re.compile(
    r"(?<![\w./£-])£?\d[\d,]*(?:\.\d+)?(?:/\d+)?(?:st|nd|rd|th)?"
    r"(?:\s?(?:[kKmM]|bn|million|billion)\b)?%?\+?"
)
_STRUCTURE = re.compile(r"^\s*(?:[-*•]\s*)?\d+(?:\.\d+)*\.?\s")
"""Paragraph and list numbering at the start of a line: structure, not a figure."""
_CONNECTORS = frozenset({"of", "and", "for", "the", "&", "on", "in"})
_OPENERS = frozenset(
    [
        "the",
        "this",
        "these",
        "that",
        "those",
        "a",
        "an",
        "in",
        "it",
        "its",
        "we",
        "our",
        "as",
        "at",
        "by",
        "for",
        "from",
        "if",
        "on",
        "to",
        "with",
        "and",
        "but",
        "or",
        "all",
        "each",
        "every",
        "some",
        "many",
        "there",
        "what",
        "who",
        "how",
        "where",
        "when",
        "why",
        "which",
        "while",
        "since",
        "through",
        "within",
        "across",
        "alongside",
        "following",
        "further",
        "however",
        "other",
        "one",
        "any",
        "both",
        "such",
        "no",
        "not",
        "so",
        "also",
        "more",
        "most",
        "much",
        "key",
        "new",
        "once",
        "only",
        "our",
        "their",
        "they",
        "these",
        "you",
        "your",
        "he",
        "she",
        "his",
        "her",
        "here",
        "first",
        "second",
        "third",
        "after",
        "before",
        "between",
        "during",
        "under",
        "over",
        "into",
        "upon",
    ]
)
"""Words that start sentences: dropped from the front of a capitalised run there."""
_CALENDAR = frozenset(
    [
        *MONTH_NAMES,
        *("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    ]
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;•*#>(\"“\t]\s*|^\s*[-–]\s*|\n\s*)$")


@dataclass(frozen=True)
class Item:
    """One capitalised name or number the document writes that nothing explains."""

    document: str
    section: str
    line: int
    kind: str
    """``name`` or ``number``."""
    text: str

    def __str__(self) -> str:
        return f"{self.document}:{self.line}: {self.kind} {self.text!r} (section: {self.section})"


@dataclass
class Facts:
    """What the graph can resolve a document's words against."""

    phrases: dict[str, dict]
    """A trie of folded words; the key "" holds the IRIs (and search groups) a name ends at."""
    values: set[float]
    dates: set[str]
    figures: set[str]
    """The ids of figure nodes (``figure/<id>``)."""

    @classmethod
    def of(cls, store: Store, index: SearchIndex | None = None) -> Facts:
        index = index or index_for(store)
        trie: dict[str, dict] = {}
        for iri, group, text in index.all_names():
            words = fold(text).split()
            for variant in (words, words[1:] if words[:1] == ["the"] else []):
                if not variant:
                    continue
                node = trie
                for word in variant:
                    node = node.setdefault(word, {})
                node.setdefault("", {})[iri] = group
        values: set[float] = set()
        dates: set[str] = set()
        figures: set[str] = set()
        for row in store.select(query("coverage_numbers")):
            if row.get("v") is not None:
                number = _value(str(row["v"]))
                if number is not None:
                    values.add(number)
            if row.get("d") is not None:
                dates.add(str(row["d"]))
            if row.get("f") is not None:
                figures.add(str(row["f"]).rsplit("/", 1)[-1])
        return cls(trie, values, dates, figures)

    def has_year(self, year: int) -> bool:
        return any(d.startswith(f"{year:04d}") for d in self.dates)


def check(path: Path, facts: Facts, ledger: Ledger | None) -> list[Item]:
    """The unexplained residue of the document at ``path``, in document order."""
    text = path.read_text(encoding="utf-8")
    out: list[Item] = []
    document_left = {_key(x.text) for x in (ledger.left_out if ledger else [])}
    for section in sections(text):
        entry = ledger.sections.get(section.title) if ledger else None
        explained = document_left | _explained(entry, facts)
        seen: set[str] = set()
        for line, kind, written in _unresolved(section, facts):
            key = _key(written)
            if key in explained or key in seen:
                continue
            seen.add(key)
            out.append(Item(path.name, section.title, line, kind, written))
    return out


def check_documents(paths: list[Path], store: Store, ledger_dir: Path | None = None) -> list[Item]:
    """The residue of every document, each read with its ledger when it has one."""
    facts = Facts.of(store)
    out: list[Item] = []
    for path in paths:
        where = ledger_path(path.name, ledger_dir) if ledger_dir else ledger_path(path.name)
        ledger = read_ledger(where) if where.is_file() else None
        out.extend(check(path, facts, ledger))
    return out


def missing_sections(path: Path, ledger: Ledger) -> list[str]:
    """Sections of the document at ``path`` that its ledger has no entry for."""
    return [
        s.title
        for s in sections(path.read_text(encoding="utf-8"))
        if s.title not in ledger.sections
    ]


def _explained(entry: LedgerSection | None, facts: Facts) -> set[str]:
    """What the ledger explains in a section: items left out, figures left out with a reason,
    and figures written in a form the check cannot read ("65" in a £000 column) whose
    figure node is in the graph."""
    if entry is None:
        return set()
    keys = {_key(x.text) for x in entry.left_out}
    keys |= {_key(f.text) for f in entry.figures if f.reason or f.id in facts.figures}
    return keys


def _key(text: str) -> str:
    bare = re.sub(r"['’]s\b", "", text)
    return name_key(bare) or fold(bare) or text.strip()


def _unresolved(section: Section, facts: Facts) -> list[tuple[int, str, str]]:
    """(line, kind, text as written) for every name and number nothing in the graph holds."""
    out: list[tuple[int, str, str]] = []
    for number, raw in zip(section.numbers, section.lines, strict=True):
        if raw.lstrip().startswith("#"):
            continue  # a form label inside the section ("### Who are the lead organisations?")
        structure = _STRUCTURE.match(raw)
        line = raw[structure.end() :] if structure else raw
        line = line.replace("**", " ").replace("*", " ")
        tokens = list(_TOKEN.finditer(line))
        covered = _matched(tokens, facts.phrases)
        spans = [(tokens[i].start(), tokens[j - 1].end()) for i, j in covered]
        taken = {k for i, j in covered for k in range(i, j)}
        for start, text in _dates(line, spans):
            if not _date_known(text, facts):
                out.append((number, "number", text))
            spans.append((start, start + len(text)))
        for match in _NUMBER.finditer(line):
            if any(a <= match.start() < b for a, b in spans):
                continue
            written = match.group(0).rstrip(",")
            if not _number_known(written, facts):
                out.append((number, "number", written))
        out.extend((number, "name", run) for run in _names(line, tokens, taken))
    return out


def resolved(section: Section, facts: Facts) -> list[tuple[str, str, str]]:
    """(text as written, IRI, search group) of every known name the section writes, in
    order: what the ledger's ``names`` are checked against."""
    out: list[tuple[str, str, str]] = []
    for raw in section.lines:
        line = raw.replace("**", " ").replace("*", " ")
        tokens = list(_TOKEN.finditer(line))
        for i, j in _matched(tokens, facts.phrases):
            node: dict = facts.phrases
            ends: dict = {}
            for k in range(i, j):
                for form in _forms(tokens[k].group(0)):
                    nxt: dict | None = node
                    for word in form:
                        nxt = nxt.get(word) if nxt is not None else None
                    if nxt is not None:
                        node = nxt
                        break
            ends = node.get("", {})
            text = line[tokens[i].start() : tokens[j - 1].end()]
            out.extend((text, iri, group) for iri, group in ends.items())
    return out


def _matched(tokens: list[re.Match[str]], trie: dict[str, dict]) -> list[tuple[int, int]]:
    """Token ranges [i, j) that spell a known name or alias, leftmost-longest."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        best = _longest(tokens, i, trie)
        if best > i + 1 and _longest(tokens, i + 1, trie) > best:
            i += 1  # "the Plan 21-24": the longer name starts at the next word
            continue
        if best > i:
            out.append((i, best))
            i = best
        else:
            i += 1
    return out


def _longest(tokens: list[re.Match[str]], i: int, trie: dict[str, dict]) -> int:
    best = i
    frontier: list[tuple[dict, int]] = [(trie, i)]
    while frontier:
        node, k = frontier.pop()
        if "" in node and k > best:
            best = k
        if k >= len(tokens):
            continue
        for form in _forms(tokens[k].group(0)):
            nxt: dict | None = node
            for word in form:
                nxt = nxt.get(word) if nxt is not None else None
            if nxt is not None:
                frontier.append((nxt, k + 1))
    return best


def _forms(token: str) -> list[list[str]]:
    """How a written word may appear in a name: as folded, and without a possessive 's."""
    forms = [fold(token).split()]
    bare = re.sub(r"['’]s$", "", token)
    if bare != token:
        forms.append(fold(bare).split())
    return [f for f in forms if f]


def _names(line: str, tokens: list[re.Match[str]], taken: set[int]) -> list[str]:
    """Capitalised runs among the tokens no known name took."""
    runs: list[list[int]] = []
    current: list[int] = []
    for k, token in enumerate(tokens):
        word = token.group(0)
        joined = current and line[tokens[current[-1]].end() : token.start()] in (" ", " - ", "-")
        if k in taken or not (word[0].isupper() or (current and word.lower() in _CONNECTORS)):
            if current:
                runs.append(current)
            current = []
            if k not in taken and word[0].isupper():
                current = [k]
            continue
        if current and not joined:
            runs.append(current)
            current = []
        current.append(k)
    if current:
        runs.append(current)
    out: list[str] = []
    for run in runs:
        while run and tokens[run[-1]].group(0).lower() in _CONNECTORS:
            run = run[:-1]
        if not run:
            continue
        at_start = bool(_SENTENCE_START.search(line[: tokens[run[0]].start()]))
        first = tokens[run[0]].group(0)
        if at_start and first.lower() in _OPENERS:
            run = run[1:]
            while run and tokens[run[0]].group(0).lower() in _CONNECTORS:
                run = run[1:]
            at_start = False
        if not run:
            continue
        word = tokens[run[0]].group(0)
        if len(run) == 1 and at_start and not (word.isupper() and len(word) > 1):
            continue  # one capitalised word opening a sentence is just a sentence
        if all(tokens[k].group(0).lower() in _CALENDAR for k in run):
            continue  # "March", "Wednesday": dates are read as numbers
        out.append(line[tokens[run[0]].start() : tokens[run[-1]].end()])
    return out


def _dates(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, str]]:
    out = []
    for match in _DATE.finditer(line):
        if any(a <= match.start() < b for a, b in spans):
            continue
        if match.group(1) is None and match.group(3) is None:
            continue  # a month alone ("March") is a word, not a date
        out.append((match.start(), match.group(0).rstrip(", ")))
    return out


def _date_known(text: str, facts: Facts) -> bool:
    match = _DATE.fullmatch(text) or _DATE.match(text)
    if match is None:
        return False
    day, month, year = match.group(1), match.group(2), match.group(3)
    if year is None:
        return True  # "5th February": the year is elsewhere, and the day alone says little
    y = int(year) + (2000 if len(year) == 2 else 0)
    m = month_number(month)
    if m is None:  # not reached: _DATE only matches month names
        return False
    if day is None:
        return any(d.startswith(f"{y:04d}-{m:02d}") for d in facts.dates) or facts.has_year(y)
    try:
        iso = date(y, m, int(day)).isoformat()
    except ValueError:
        return False
    return iso in facts.dates


def _number_known(text: str, facts: Facts) -> bool:
    years = re.fullmatch(r"(\d{2}|\d{4})/(\d{2})", text)
    if years:  # a budget year such as 21/22 or 2021/22
        first = int(years.group(1))
        return facts.has_year(first + (2000 if first < 100 else 0))
    value = _value(text)
    if value is None:
        return False
    if value in facts.values:
        return True
    plain = re.fullmatch(r"\d{4}", text)
    return bool(plain) and 1900 <= value <= 2100 and facts.has_year(int(value))


def _value(text: str) -> float | None:
    """The number a written figure stands for: '£4m' 4000000, '250k' 250000, '5,500' 5500."""
    match = re.fullmatch(
        r"£?(\d[\d,]*(?:\.\d+)?)(?:st|nd|rd|th)?\s?([kKmM]|bn|million|billion)?%?\+?", text.strip()
    )
    if not match:
        return None
    number = float(match.group(1).replace(",", ""))
    scale = {"k": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
    return number * scale.get((match.group(2) or "").lower(), 1.0)
