"""Line indexes: the stated relationships of some kinds, held in memory once per data
version, so a walk along them (an accountability chain; a map's rings, with the kinds it
draws) costs what its answer costs, not what the graph costs.

An index is built from one bulk read (queries/stated_lines.rq: the direct triples outside
the inferred graph and the reified gg:Relationship nodes of the kinds, as plain strings) and
holds each statement once as a compact :class:`Line`, merged over every graph and reified
node stating it exactly as :func:`~govgraph.graph.facts.relationships.merge_rows` merges a
batch, with every IRI interned. Each line is reachable from both ends
(:meth:`LineIndex.outgoing`, :meth:`LineIndex.incoming`, :meth:`LineIndex.around`), and the
accountability lines read upward (:meth:`LineIndex.upward`) as the chain reads them: a
stated ``A directs B`` is the hop ``B -> A`` read as ``directedBy``.

:func:`lines_for` keeps the index of the accountability lines (the chain's; about an eighth
of all stated relationships, and the read is what the build costs). Another walk keeps its
own with ``PerVersion(lambda store: build_lines(store, kinds))``, e.g. every kind
(:func:`~govgraph.graph.facts.relationships.relationship_kinds`).

Upward hops follow what the chain read from the store before the index (the lines stated
upward, and the lines stated from above whose inverse the reasoner materialised): a line
stated from above counts unless its upward form is asserted too, in which case the
reasoner adds no inverse and the asserted upward line is the hop (one hop, not two).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from rdflib import URIRef

from govgraph.graph.facts.records import STATED, RelationshipRecord, within
from govgraph.graph.facts.relationships import accountability_line_kinds, merge_rows
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store
from govgraph.graph.storage.version_cache import PerVersion
from govgraph.ontology import model


class Line(NamedTuple):
    """One stated relationship (subject kind object), merged over every source stating it:
    the immutable, compact form of a :class:`RelationshipRecord` (see :meth:`record`)."""

    subject: str
    kind: str
    object: str
    status: str
    graphs: tuple[str, ...]
    """Named graphs asserting the direct triple (empty for a reified node alone)."""
    nodes: tuple[str, ...]
    """The reified gg:Relationship nodes describing it (their citations)."""
    start: str | None
    end: str | None
    statutory_basis: str | None
    role: str | None

    @property
    def key(self) -> tuple[str, ...]:
        base = (self.subject, self.kind, self.object)
        return base if self.status == STATED else (*base, self.status)

    def valid_at(self, as_of: str | None) -> bool:
        return as_of is None or within(self.start, self.end, as_of)

    def record(self) -> RelationshipRecord:
        """A fresh (mutable) record of this line, as the relationship queries give it."""
        return RelationshipRecord(
            self.subject,
            self.kind,
            self.object,
            list(self.nodes),
            list(self.graphs),
            self.start,
            self.end,
            self.statutory_basis,
            self.role,
            self.status,
        )


class UpHop(NamedTuple):
    """An accountability line read upward from its lower end."""

    upper: str
    reads_as: str
    """The kind read from lower to upper (``directedBy`` for a stated ``directs``)."""
    line: Line


_NONE: tuple[Line, ...] = ()
_NO_HOPS: tuple[UpHop, ...] = ()


class LineIndex:
    """Every stated relationship of one data version, from either end."""

    def __init__(self, lines: Iterable[Line], kinds: Iterable[str]) -> None:
        self.kinds = frozenset(kinds)
        """The relationship kinds the index holds (other kinds are not looked for)."""
        out: dict[str, list[Line]] = {}
        into: dict[str, list[Line]] = {}
        for line in lines:
            out.setdefault(line.subject, []).append(line)
            into.setdefault(line.object, []).append(line)
        self._out = {k: tuple(v) for k, v in out.items()}
        self._in = {k: tuple(v) for k, v in into.items()}
        self._up = _upward(self._out)
        self.size = sum(len(v) for v in self._out.values())
        """How many statements the index holds."""

    def lines(self) -> Iterator[Line]:
        """Every statement, once (read from its subject)."""
        for lines in self._out.values():
            yield from lines

    def outgoing(self, iri: str) -> tuple[Line, ...]:
        """The statements whose subject is ``iri``."""
        return self._out.get(iri, _NONE)

    def incoming(self, iri: str) -> tuple[Line, ...]:
        """The statements whose object is ``iri``."""
        return self._in.get(iri, _NONE)

    def around(self, iri: str) -> list[Line]:
        """The statements with ``iri`` at either end (a line from it to itself once)."""
        return [*self.outgoing(iri), *(x for x in self.incoming(iri) if x.subject != iri)]

    def upward(self, iri: str) -> tuple[UpHop, ...]:
        """The accountability lines from ``iri`` upward, by upper end and kind read."""
        return self._up.get(iri, _NO_HOPS)

    def relationships_of(
        self,
        iris: Sequence[str],
        kinds: Iterable[str] | None = None,
        *,
        in_force: bool = False,
    ) -> dict[URIRef, list[RelationshipRecord]]:
        """What :func:`~govgraph.graph.facts.relationships.relationships_of` answers from the
        store (entity -> its records, sorted; entities with none left out), from memory,
        for the kinds the index holds."""
        wanted = set(map(str, kinds)) if kinds is not None else None
        found: dict[URIRef, list[RelationshipRecord]] = {}
        for iri in dict.fromkeys(iris):
            lines = [x for x in self.around(iri) if wanted is None or x.kind in wanted]
            if lines:
                found[URIRef(iri)] = sorted(
                    (x.record() for x in lines if not in_force or x.status == STATED), key=_order
                )
        return found


def _order(rec: RelationshipRecord) -> tuple[str, ...]:
    return (rec.kind, rec.subject, rec.object, rec.status)


def _upward(out: dict[str, tuple[Line, ...]]) -> dict[str, tuple[UpHop, ...]]:
    """lower -> its upward hops, sorted by (upper, kind read): the lines stated upward, and
    the lines stated from above (flipped) whose upward form is not asserted as well."""
    upward, from_above = (set(map(str, k)) for k in accountability_line_kinds())
    inverse = {k: str(model.get_property(URIRef(k)).inverse) for k in from_above}
    asserted = {x.key for lines in out.values() for x in lines if x.graphs and x.kind in upward}
    up: dict[str, list[UpHop]] = {}
    for lines in out.values():
        for x in lines:
            if x.status != STATED or not x.graphs:
                continue  # planned lines, and reified nodes the reasoner never saw
            if x.kind in upward:
                up.setdefault(x.subject, []).append(UpHop(x.object, x.kind, x))
            elif x.kind in from_above:
                reads_as = inverse[x.kind]
                if (x.object, reads_as, x.subject) not in asserted:
                    up.setdefault(x.object, []).append(UpHop(x.subject, reads_as, x))
    return {k: tuple(sorted(v, key=lambda h: (h.upper, h.reads_as))) for k, v in up.items()}


def accountability_kinds() -> tuple[URIRef, ...]:
    """The kinds of the chain's index: lines stated upward, and from above."""
    up, down = accountability_line_kinds()
    return (*up, *down)


def build_lines(store: Store, kinds: Sequence[URIRef] | None = None) -> LineIndex:
    """The line index of ``store`` as it stands, of ``kinds`` (the accountability kinds
    unless given): one bulk read, merged as the relationship queries' rows are."""
    kinds = accountability_kinds() if kinds is None else tuple(kinds)
    rows = store.select_strings(query("stated_lines"), {"kinds": list(kinds)})
    intern = sys.intern
    lines = (
        Line(
            intern(r.subject),
            intern(r.kind),
            intern(r.object),
            intern(r.status),
            tuple(map(intern, r.graphs)),
            tuple(r.nodes),
            r.start,
            r.end,
            r.statutory_basis,
            r.role,
        )
        for r in merge_rows(rows).get("", {}).values()
    )
    return LineIndex(lines, map(str, kinds))


_LINES: PerVersion[LineIndex] = PerVersion(build_lines)
"""The accountability lines of each open store's current data version."""


def lines_for(store: Store) -> LineIndex:
    """The accountability lines of ``store`` as it stands (built on first use after each
    load, or when the server warms it)."""
    return _LINES.get(store)


def lines_held(store: Store) -> LineIndex | None:
    """The accountability lines of ``store``'s current version if built, without building."""
    return _LINES.peek(store)
