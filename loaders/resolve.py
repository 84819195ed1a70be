"""Entity resolution: one body, one IRI, however a source writes its name.

Official codes win (GSS codes, Care Inspectorate numbers, ...); then names and aliases,
compared by the one name key, :func:`govgraph.graph.core.names.name_key` ("The Care
Inspectorate" = "Care Inspectorate", "Perth & Kinross" = "Perth and Kinross"). A mention
that matches nothing, or matches two different bodies, is returned as unresolved: it is
reported, never turned into a new organisation.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import URIRef

from govgraph.graph.core.names import name_key as normalise

_AMBIGUOUS = URIRef("urn:govgraph:ambiguous")


class Resolver:
    """Maps names and codes to entity IRIs."""

    def __init__(self) -> None:
        self._names: dict[str, URIRef] = {}
        self._codes: dict[tuple[str, str], URIRef] = {}
        self._labels: dict[URIRef, str] = {}
        self._spellings: dict[str, str] = {}

    def add(
        self,
        iri: URIRef,
        names: Iterable[str],
        codes: Iterable[tuple[str, str]] = (),
    ) -> None:
        names = list(names)
        if names and iri not in self._labels:
            self._labels[iri] = names[0]
        for name in names:
            key = normalise(name)
            if not key:
                continue
            self._spellings.setdefault(key, name)
            current = self._names.get(key)
            self._names[key] = iri if current in (None, iri) else _AMBIGUOUS
        for scheme, code in codes:
            self._codes[(scheme, code.strip().upper())] = iri

    def resolve(self, name: str) -> URIRef | None:
        found = self._names.get(normalise(name))
        return None if found in (None, _AMBIGUOUS) else found

    def is_ambiguous(self, name: str) -> bool:
        return self._names.get(normalise(name)) == _AMBIGUOUS

    def closest(self, name: str, limit: int = 3) -> list[str]:
        """Names of the bodies spelled most like ``name``, best first, for a "did you mean"
        when a source names a body that does not resolve."""
        from rapidfuzz import fuzz, process

        found = process.extract(
            normalise(name), list(self._names), scorer=fuzz.ratio, limit=limit, score_cutoff=70
        )
        return [self._spellings[match] for match, _, _ in found]

    def resolve_code(self, scheme: str, code: str) -> URIRef | None:
        return self._codes.get((scheme, code.strip().upper()))

    def label(self, iri: URIRef) -> str | None:
        return self._labels.get(iri)

    def __contains__(self, iri: object) -> bool:
        return iri in self._labels

    def __len__(self) -> int:
        return len(self._labels)
