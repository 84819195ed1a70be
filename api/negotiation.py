"""Content negotiation for every endpoint: one ``?format=`` vocabulary, one table per kind
of resource, and Accept headers read by werkzeug's parser.

Hand-rolled parsing got q=0 wrong (it counted as acceptable), let one resource's aliases
leak into another's (``application/json`` on /id/ was read as SPARQL results JSON) and never
answered 406. werkzeug's :class:`~werkzeug.datastructures.MIMEAccept` implements RFC 9110's
rules (q-values, wildcards, the most specific range deciding, ``q=0`` excluding).

``?format=`` wins over Accept (a link can name its format); a name this resource does not
offer is a 400 naming those it does. An Accept header that admits nothing offered is a 406.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from starlette.requests import Request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from govgraph.graph.core.errors import NotAcceptable, QueryError

HTML = "text/html"
JSON = "application/json"
CSV = "text/csv"
TSV = "text/tab-separated-values"
XML = "application/xml"
SRJ = "application/sparql-results+json"
SRX = "application/sparql-results+xml"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"
TEXT = "text/plain"

FORMATS: dict[str, str] = {
    "html": HTML,
    "json": JSON,
    "csv": CSV,
    "tsv": TSV,
    "xml": XML,
    "ttl": TURTLE,
    "turtle": TURTLE,
    "n3": TURTLE,  # Turtle is N3; SPARQLWrapper's N3 mode asks for it
    "nt": NTRIPLES,
    "ntriples": NTRIPLES,
    "n-triples": NTRIPLES,
    "jsonld": JSONLD,
    "json-ld": JSONLD,
    "rdf": RDFXML,
    "rdfxml": RDFXML,
    "rdf+xml": RDFXML,
    "txt": TEXT,
}
"""The one ``?format=`` vocabulary. A name stands for a general type; each resource kind's
aliases say what it means there (``json`` is SPARQL results JSON from /sparql's SELECT,
JSON-LD from a CONSTRUCT, the page's JSON twin on /id/)."""


@dataclass(frozen=True)
class Kind:
    """What one kind of resource can be answered as."""

    offered: tuple[str, ...]
    """In order of preference: the first wins a tie (``*/*``)."""
    aliases: Mapping[str, str] = field(default_factory=dict)
    """A general type read as one of ``offered`` (in Accept and in ``?format=``)."""
    without_accept: str | None = None
    """The answer when no Accept header is sent at all (else the first offered)."""

    def names(self) -> list[str]:
        return [n for n, m in FORMATS.items() if self.aliases.get(m, m) in self.offered]


SPARQL_RESULTS = Kind((SRJ, SRX, CSV, TSV), {JSON: SRJ, XML: SRX, "text/xml": SRX})
SPARQL_GRAPH = Kind(
    (TURTLE, NTRIPLES, JSONLD, RDFXML),
    {JSON: JSONLD, XML: RDFXML, "text/xml": RDFXML, "application/turtle": TURTLE},
)
SPARQL_SERVICE = Kind((TEXT, TURTLE, RDFXML, NTRIPLES, JSONLD), {JSON: JSONLD, XML: RDFXML})
"""GET /sparql with no query: the help text, or the service description as RDF."""
ENTITY = Kind((HTML, JSON, TURTLE, JSONLD, NTRIPLES, RDFXML), {XML: RDFXML, "text/xml": RDFXML})
ONTOLOGY = Kind(
    (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML),
    {JSON: JSONLD, XML: RDFXML, "text/xml": RDFXML},
    without_accept=RDFXML,  # owlready2 (urllib) sends no Accept and parses RDF/XML
)


RESOURCE = Kind((HTML, TURTLE, JSONLD, NTRIPLES, RDFXML), ONTOLOGY.aliases)
"""A source document or a named graph (/source/..., /graph/...)."""


def page_kind(offered: Sequence[str]) -> Kind:
    """A page and its twins (HTML first, then JSON and/or CSV)."""
    return Kind(tuple(offered))


def best(accept: str | None, kind: Kind) -> str:
    """The offered type the Accept header prefers; NotAcceptable when it admits none.
    No header means anything (RFC 9110), answered with the kind's default."""
    if accept is None or not accept.strip():
        return kind.without_accept or kind.offered[0]
    parsed = parse_accept_header(accept, MIMEAccept)
    ranked: dict[str, float] = {}
    for value, quality in parsed:
        media = kind.aliases.get(value.lower(), value.lower())
        # an alias and its target may both be named: the more specific wording stands
        if media not in ranked or value.lower() == media:
            ranked[media] = quality
    match = MIMEAccept(list(ranked.items())).best_match(kind.offered)
    if match is None:
        raise NotAcceptable(
            f"nothing in the Accept header ({accept.strip()[:200]}) is offered here: "
            f"{', '.join(kind.offered)} (or ?format= {', '.join(kind.names())})"
        )
    return match


def named(values: Sequence[str], kind: Kind) -> str | None:
    """The media type ``?format=`` names (None when absent). A value is a name from
    :data:`FORMATS` or a media type, or a comma-separated list of media types (SPARQLWrapper
    repeats its Accept header there), of which the first offered counts. Several values
    must agree (SPARQLWrapper sends both ``rdf+xml`` and ``application/rdf+xml``)."""
    chosen: set[str] = set()
    for raw in values:
        media = next(
            (m for m in (_format(part, kind) for part in raw.split(",")) if m is not None), None
        )
        if media is None:
            raise QueryError(f"unknown format {raw!r} here: use one of {', '.join(kind.names())}")
        chosen.add(media)
    if len(chosen) > 1:
        raise QueryError(f"the format parameters disagree: {', '.join(sorted(chosen))}")
    return chosen.pop() if chosen else None


def _format(value: str, kind: Kind) -> str | None:
    value = value.strip().lower()
    media = FORMATS.get(value, value if "/" in value else None)
    media = kind.aliases.get(media, media) if media else None
    return media if media in kind.offered else None


def choose(request: Request, kind: Kind) -> str:
    """The media type to answer ``request`` with: ``?format=``, else Accept."""
    explicit = named(request.query_params.getlist("format"), kind)
    if explicit is not None:
        return explicit
    return best(request.headers.get("accept"), kind)
