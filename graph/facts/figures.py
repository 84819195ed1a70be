"""Figures: the numbers sources state about the landscape (gg:Figure, a schema.org
QuantitativeValue with value, unit, subject, date, status and citation)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rdflib import URIRef

from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import SRC, slugify

MAX_FIGURES = 1000
"""Most figures one list returns."""


def document_iri(value: str) -> URIRef:
    """A document as a user names it: its IRI, its id (``003-491c0dde5aa65afd``, with or
    without ``source/``) or its file name (``003_491c0dde5aa65afd.txt``)."""
    if value.startswith(("http://", "https://")):
        return URIRef(value)
    name = value.removeprefix("source/")
    return SRC[slugify(Path(name).stem if "." in name else name)]


def list_figures(
    store: Store, subject: URIRef | None = None, document: URIRef | None = None
) -> list[URIRef]:
    """Figures by what they measure, about ``subject`` and cited to ``document`` if given."""
    parts: list[str] = []
    values: dict[str, list[URIRef]] = {}
    for name, value in (("subject", subject), ("document", document)):
        if value is not None:
            parts.append(query(f"figures_filter_{name}"))
            values[name] = [value]
    text = query("figures").replace("  #FILTERS\n", "".join(parts))
    rows = store.select(text + f"\nLIMIT {MAX_FIGURES}", values)
    return [f for r in rows if isinstance(f := r["f"], URIRef)]


def figures_about(store: Store, iris: Sequence[URIRef]) -> dict[URIRef, list[URIRef]]:
    """The figures about each entity of a batch, in one query."""
    out: dict[URIRef, list[URIRef]] = {}
    if not iris:
        return out
    for row in store.select(query("figures_about"), {"ids": list(dict.fromkeys(iris))}):
        out.setdefault(row["e"], []).append(row["f"])  # type: ignore[arg-type]  # rows are typed Node; the query binds IRIs here
    for found in out.values():
        found.sort()
    return out
