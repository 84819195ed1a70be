"""Stated relationships between entities, read from the direct triples and merged with the
reified gg:Relationship nodes that carry their dates, statutory basis and citations."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache

from rdflib import URIRef

from govgraph.graph.facts.records import STATED, RelationshipRecord
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Row, Store
from govgraph.graph.storage.version_cache import KeptPerVersion
from govgraph.ontology import model


@cache
def relationship_kinds() -> tuple[URIRef, ...]:
    """Every relationship kind of the ontology (direct object properties)."""
    return tuple(p.iri for p in model.relationship_kinds())


@cache
def accountability_line_kinds() -> tuple[tuple[URIRef, ...], tuple[URIRef, ...]]:
    """Kinds stating an accountability line read upward as stated (reportsTo...), and
    kinds stating one from above (directs...), which read upward when flipped."""
    up: list[URIRef] = []
    down: list[URIRef] = []
    for kind in relationship_kinds():
        direction = model.accountability_direction(kind)
        if direction is not None:
            (down if direction[1] else up).append(kind)
    return tuple(up), tuple(down)


_IRI = re.compile(r"^https?://[^<>\"{}|^`\\\s]+$")


def with_kinds(text: str, **kinds: Sequence[URIRef]) -> str:
    """Splice lists of ontology relationship kinds into ``#KINDS:name`` markers, as the
    comma-separated list of a FILTER(?p IN (...)). Only ontology IRIs come here, never
    user input, and each is checked to be a plain IRI."""
    for name, iris in kinds.items():
        for iri in iris:
            if not _IRI.fullmatch(str(iri)):
                raise ValueError(f"not a plain IRI: {iri!r}")
        listed = ", ".join(f"<{iri}>" for iri in iris) or "<urn:govgraph:nothing>"
        text = text.replace(f"#KINDS:{name}", listed)
    return text


def merge_rows(rows: Iterable[Row]) -> dict[str, dict[tuple[str, ...], RelationshipRecord]]:
    """entity -> record key -> record, merging every graph and reified node of one statement
    (:attr:`RelationshipRecord.key`: a planned line does not merge into the stated one)."""
    out: dict[str, dict[tuple[str, ...], RelationshipRecord]] = {}
    described: dict[int, dict[str, NodeValues]] = {}
    for row in rows:
        rec = RelationshipRecord(str(row["s"]), str(row["p"]), str(row["o"]))
        if "rel" in row and "status" in row:
            rec.status = str(row["status"])
        by_key = out.setdefault(str(row["e"]), {})
        rec = by_key.setdefault(rec.key, rec)
        if "g" in row and str(row["g"]) not in rec.graphs:
            rec.graphs.append(str(row["g"]))
        if "rel" in row:
            nodes = described.setdefault(id(rec), {})
            node = str(row["rel"])
            values = (_text(row, "start"), _text(row, "end"), _text(row, "basis"))
            nodes[node] = least(nodes.get(node), (*values, _text(row, "role")))
    for records in out.values():
        for rec in records.values():
            rec.graphs.sort()
            told = described.get(id(rec))
            if told:
                rec.nodes = sorted(told)
                rec.start, rec.end, rec.statutory_basis, rec.role = first_given(told)
    return out


NodeValues = tuple[str | None, str | None, str | None, str | None]
"""What one reified node says of its statement: start, end, statutory basis, role."""


def least(held: NodeValues | None, row: NodeValues) -> NodeValues:
    """One node's values over its rows: a node may give a field twice (two graphs citing
    different sections); the least value is kept, whatever the order of the rows."""
    if held is None:
        return row
    start, end, basis, role = (
        a if b is None else b if a is None else min(a, b) for a, b in zip(held, row, strict=True)
    )
    return start, end, basis, role


def first_given(nodes: dict[str, NodeValues]) -> NodeValues:
    """A statement described by several reified nodes: each value from the first node, in
    IRI order, that gives one, so the answer never hangs on the order an engine returns
    rows in (Virtuoso and Oxigraph differ)."""
    ordered = [nodes[n] for n in sorted(nodes)]
    start, end, basis, role = (
        next((v[i] for v in ordered if v[i] is not None), None) for i in range(4)
    )
    return start, end, basis, role


def _text(row: Row, key: str) -> str | None:
    return str(row[key]) if key in row else None


def relationships_of(
    store: Store,
    iris: Sequence[URIRef],
    kinds: Sequence[URIRef] | None = None,
    *,
    in_force: bool = False,
) -> dict[URIRef, list[RelationshipRecord]]:
    """Every relationship a source states for each entity in a batch, with its status;
    ``in_force`` keeps only the stated ones (a path must not run along a planned line).
    The lines of entities read recently come from memory (per data version), the rest from
    one query. An entity with none is absent."""
    if not iris:
        return {}
    if kinds is not None or in_force:
        return _read_relationships(store, list(dict.fromkeys(iris)), kinds, in_force)
    found = _LINES.get_many(
        store, iris, lambda missing: _read_relationships(store, missing, None, False), list
    )
    return {iri: recs for iri, recs in found.items() if recs}


def kept_relationships(
    store: Store, iris: Sequence[URIRef]
) -> dict[URIRef, list[RelationshipRecord]] | None:
    """Every relationship of ``iris`` when all are kept for this data version (no read, so
    an event loop may ask), else None."""
    found = _LINES.peek_many(store, iris)
    return None if found is None else {iri: recs for iri, recs in found.items() if recs}


def _copy_lines(records: list[RelationshipRecord]) -> list[RelationshipRecord]:
    return [replace(r, nodes=list(r.nodes), graphs=list(r.graphs)) for r in records]


LINES_KEPT = 20_000
"""Entities whose relationships are kept per open store for its current data version."""
_LINES: KeptPerVersion[URIRef, list[RelationshipRecord]] = KeptPerVersion(LINES_KEPT, _copy_lines)


def _read_relationships(
    store: Store, iris: list[URIRef], kinds: Sequence[URIRef] | None, in_force: bool
) -> dict[URIRef, list[RelationshipRecord]]:
    text = with_kinds(query("relationships"), all=list(kinds or relationship_kinds()))
    rows = store.select(text, {"ids": iris})
    merged = merge_rows(rows)
    return {
        URIRef(e): sorted(
            (r for r in recs.values() if not in_force or r.status == STATED), key=_order
        )
        for e, recs in merged.items()
    }


def _order(rec: RelationshipRecord) -> tuple[str, ...]:
    return (rec.kind, rec.subject, rec.object, rec.status)
