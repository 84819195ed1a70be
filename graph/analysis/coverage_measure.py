"""How much of what the seeds state the graph holds, measured from the coverage ledgers
(which list, per section, the names, relations and figures the section states) against the
loaded graph and the site's search index:

* names: the share of names, as the documents write them, that search finds (by name,
  alias, prefix or words; a mere close spelling does not count);
* relations: the share of stated relations the graph holds with the ledger's kind (and, for
  a Plan action's leads, its tier), and the share of those also holding the ledger's status;
* figures: the share of figures that are figure nodes.

Each count is over distinct items, so a relation a document restates in three sections
counts once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from govgraph.graph.analysis.coverage_ledger import LEDGER_DIR, Ledger, Relation, read_ledger
from govgraph.graph.facts.search import SearchIndex, index_for
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import GG, ID

FOUND_RANKS = 5
"""Search ranks that count as finding a name: every rank but "close spelling"."""
TIERS = {
    "lead": GG.TierLead,
    "key-ongoing-role": GG.TierKeyOngoingRole,
    "commissioner": GG.TierCommissioner,
    "linked-partner": GG.TierLinkedPartner,
}


@dataclass
class Share:
    """``found`` of ``total``, with what was missed (for the report and test messages)."""

    found: int = 0
    total: int = 0
    missed: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.found / self.total if self.total else 1.0

    def count(self, ok: bool, what: str) -> None:
        self.total += 1
        if ok:
            self.found += 1
        else:
            self.missed.append(what)

    def __str__(self) -> str:
        return f"{self.found}/{self.total} ({self.ratio:.1%})"


@dataclass
class Coverage:
    names: Share
    relations: Share
    statuses: Share
    """Of the relations held, those held with the status the ledger gives."""
    figures: Share


def ledgers(directory: Path = LEDGER_DIR) -> list[Ledger]:
    """Every ledger in ``directory``."""
    return [read_ledger(path) for path in sorted(directory.glob("*.yaml"))]


def measure(store: Store, books: list[Ledger], index: SearchIndex | None = None) -> Coverage:
    """The three shares (and the status share) over every ledger in ``books``."""
    index = index or index_for(store)
    names, relations, statuses, figures = Share(), Share(), Share(), Share()
    seen_names: set[str] = set()
    seen_relations: set[tuple[str, ...]] = set()
    seen_figures: set[str] = set()
    for book in books:
        for section in book.sections.values():
            for name in section.names:
                if name in seen_names:
                    continue
                seen_names.add(name)
                hits = index.search(name, first=1).hits
                names.count(bool(hits) and hits[0].rank < FOUND_RANKS, name)
            for rel in section.relations:
                key = (rel.subject, rel.kind, rel.object, rel.tier or "", rel.status)
                if key in seen_relations:
                    continue
                seen_relations.add(key)
                held = _statuses(store, rel)
                what = f"{rel.subject} {rel.kind} {rel.object} ({rel.status})"
                relations.count(bool(held), what)
                if held:
                    statuses.count(GG[rel.status.capitalize()] in held, what)
            for figure in section.figures:
                figure_key = figure.id or f"{book.document}:{figure.text}"
                if figure_key in seen_figures:
                    continue
                seen_figures.add(figure_key)
                node = figure.id is not None and store.ask(
                    query("coverage_figure"), {"f": [ID[f"figure/{figure.id}"]]}
                )
                figures.count(node, figure.id or f"{figure.text} ({figure.reason})")
    return Coverage(names, relations, statuses, figures)


def _statuses(store: Store, rel: Relation) -> set[URIRef]:
    """The statuses under which the graph holds ``rel`` (empty when it does not)."""
    subject, obj = ID[rel.subject], ID[rel.object]
    if rel.kind == "leadOrganisation":
        tier = TIERS[rel.tier or "lead"]
        values = {"a": [subject], "o": [obj], "tier": [tier]}
        rows = store.select(query("coverage_lead"), values)
    else:
        values = {"s": [subject], "kind": [GG[rel.kind]], "o": [obj]}
        rows = store.select(query("coverage_relation"), values)
    if not rows:
        return set()
    return {URIRef(str(row["status"])) if row.get("status") else GG.Stated for row in rows}
