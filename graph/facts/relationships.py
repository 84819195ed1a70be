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
from govgraph.ontology.terms import GG


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


NODE_FIELDS = (str(GG.startDate), str(GG.endDate), str(GG.statutoryBasis), str(GG.role))
"""What a reified node says of its statement, read as (?prop ?val) rows: one OPTIONAL per
value made Virtuoso (7.2) leave some of them unbound, and a row per value cannot."""
STATUS = str(GG.status)

NodeValues = tuple[str | None, str | None, str | None, str | None]
"""What one reified node says of its statement: start, end, statutory basis, role."""


def merge_rows(
    rows: Iterable[Row] | Iterable[dict[str, str]],
) -> dict[str, dict[tuple[str, ...], RelationshipRecord]]:
    """entity (``?e``; "" for rows without one) -> record key -> record, merging every graph
    and reified node of one statement (:attr:`RelationshipRecord.key`: a planned line does
    not merge into the stated one). A row is a direct triple with its ``?g``, or a reified
    node ``?rel`` with one of its values as ``?prop ?val``, or with none. The answer never
    hangs on the order an engine returns rows in: graphs and nodes are sorted, a value given
    twice is the least, and a statement's values come from its nodes in IRI order."""
    direct: dict[tuple[str, tuple[str, str, str]], set[str]] = {}
    nodes: dict[tuple[str, str], tuple[tuple[str, str, str], dict[str, str]]] = {}
    for row in rows:
        entity = str(row["e"]) if "e" in row else ""
        spo = (str(row["s"]), str(row["p"]), str(row["o"]))
        if "rel" not in row:
            if "g" in row:
                direct.setdefault((entity, spo), set()).add(str(row["g"]))
            continue
        told = nodes.setdefault((entity, str(row["rel"])), (spo, {}))[1]
        if "prop" in row:
            prop, value = str(row["prop"]), str(row["val"])
            held = told.get(prop)
            told[prop] = value if held is None or value < held else held
    out: dict[str, dict[tuple[str, ...], RelationshipRecord]] = {}
    for (entity, spo), graphs in direct.items():
        rec = RelationshipRecord(*spo, graphs=sorted(graphs))
        out.setdefault(entity, {})[rec.key] = rec
    described: dict[int, list[NodeValues]] = {}
    for (entity, node), (spo, told) in sorted(nodes.items()):
        rec = RelationshipRecord(*spo, status=told.get(STATUS, STATED))
        rec = out.setdefault(entity, {}).setdefault(rec.key, rec)
        rec.nodes.append(node)
        start, end, basis, role = (told.get(prop) for prop in NODE_FIELDS)
        described.setdefault(id(rec), []).append((start, end, basis, role))
    for records in out.values():
        for rec in records.values():
            told_by = described.get(id(rec))
            if told_by:
                rec.start, rec.end, rec.statutory_basis, rec.role = first_given(told_by)
    return out


def first_given(nodes: list[NodeValues]) -> NodeValues:
    """A statement described by several reified nodes (in IRI order): each value from the
    first node that gives one."""
    start, end, basis, role = (
        next((v[i] for v in nodes if v[i] is not None), None) for i in range(4)
    )
    return start, end, basis, role


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
