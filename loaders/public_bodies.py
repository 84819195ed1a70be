"""UK arm's-length bodies from the Cabinet Office Public Bodies Directory 2023/24 (OGL v3).

Input: the directory's data CSV (``public_bodies_directory_2023_24_data.csv``, one row per
body with machine column names) or the bundled trimmed copy, or a folder holding one.

Each body gets its class from ``overall_classification`` (:data:`CLASSIFICATION_CLASS`),
its Cabinet Office UID as ``dcterms:identifier``, its regional scope as
``dcterms:coverage``, the date it became independent as ``gg:startDate`` when the cell
holds a recognisable year or month (free-text cells are skipped with a warning), and
``body gg:sponsoredBy department`` with a cited relationship. Departments resolve to the
GOV.UK organisations when those are loaded (by name), and are minted as
``id:department/<name>`` (a gg:GovernmentUnit) otherwise. A named chair becomes a
``gg:Post`` "Chair of <body>" (``gg:postIn`` the body) whose description quotes the
directory's cell, which is free text (sometimes two names and dates).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from govgraph.graph.core.dates import month_number
from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.text import short_repr
from govgraph.loaders.base import Loader, SourceInfo, Triple, find_file
from govgraph.loaders.csv_input import FirstLines, Row, read_csv, require
from govgraph.loaders.resolve import Resolver
from govgraph.loaders.triples import (
    Citation,
    cited,
    cited_relationship,
    labels,
    resolve_body,
    source_document,
)
from govgraph.ontology.terms import GG, entity, slugify

SOURCE_ID = "uk-public-bodies-2023-24"
NAME, DEPARTMENT, CLASSIFICATION = (
    "overall_alb_name",
    "overall_parent_department",
    "overall_classification",
)
UID = "overall_copbt_uid"
REQUIRED = (NAME, DEPARTMENT, CLASSIFICATION)
CLASSIFICATION_CLASS: dict[str, URIRef] = {
    "Executive NDPB": GG.ExecutiveNDPB,
    "Crown NDPB": GG.ExecutiveNDPB,
    "Advisory NDPB": GG.AdvisoryNDPB,
    "Executive Agency": GG.ExecutiveAgency,
    "Non-Ministerial Department": GG.NonMinisterialOffice,
    "Tribunal NDPB": GG.Tribunal,
    "Tribunal": GG.Tribunal,
    "Public Corporation": GG.PublicCorporation,
}
"""Crown NDPBs (ACAS, HSE, ...) are executive NDPBs with Crown status; an unknown
classification is typed gg:PublicBody with a warning."""
NO_CHAIR = {"", "n/a", "na", "none", "vacant", "-"}


def independence_date(text: str) -> Literal | None:
    """A gYear, gYearMonth or date from the directory's hand-typed "Date Established" cell
    ('2018-04', '1997', '2013/04', '2009-January', 'since 01/01/2012'); None when the
    cell is prose without one clear date. ValueError for a day that does not exist
    (31/02/2016): that is a typo to fix, not prose."""
    value = text.strip()
    if m := re.search(r"\b([0-9]{2})/([0-9]{2})/([0-9]{4})\b", value):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        try:
            return Literal(dt.date(year, month, day).isoformat(), datatype=XSD.date)
        except ValueError as exc:
            raise ValueError(
                f"no such date {short_repr(m[0])} ({exc}); expected DD/MM/YYYY"
            ) from None
    if m := re.fullmatch(r"([0-9]{4})\s*[-/ ]?\s*-?\s*([0-9]{1,2}|[A-Za-z]+)?\s*-?", value):
        year_text, month_text = m[1], m[2]
        if not month_text:
            return Literal(year_text, datatype=XSD.gYear)
        number = int(month_text) if month_text.isdigit() else month_number(month_text)
        if number and 1 <= number <= 12:
            return Literal(f"{year_text}-{number:02d}", datatype=XSD.gYearMonth)
    return None


class UkPublicBodiesLoader(Loader):
    """UK public bodies with classification, sponsor department and chair."""

    kind: ClassVar[str] = "public-bodies"
    graph_ids: ClassVar[tuple[str, ...]] = (SOURCE_ID,)

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.file = find_file(
            self.path, "*.csv", what="public bodies directory .csv", exclude="variables"
        )

    def info(self) -> SourceInfo:
        return SourceInfo(
            id=SOURCE_ID,
            title="Public Bodies 2023/24: UK public bodies directory (Cabinet Office)",
            origin=str(self.file),
            licence="OGL-3.0",
            url="https://github.com/co-public-bodies/ALB_Landscape_Analysis_2023_24",
            publisher="Cabinet Office: Public Bodies Team",
            published="2025-05-29",
            attribution="Contains public sector information licensed under the Open "
            "Government Licence v3.0 — Cabinet Office",
        )

    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        yield from source_document(self.info())
        departments: dict[str, URIRef] = {}
        seen = FirstLines(self.file)
        for row in read_csv(self.file, REQUIRED, self.notes):
            if slugify(row[NAME]):  # names that differ only in case or punctuation clash too
                seen.add(row, NAME, slugify(row[NAME]), "body (by name)")
            if row[UID]:
                seen.add(row, UID, row[UID], "body UID")
            yield from self._body(row, resolver, departments)

    def _body(
        self, row: Row, resolver: Resolver, departments: dict[str, URIRef]
    ) -> Iterator[Triple]:
        name = require(row, NAME, self.file, "the body's name")
        uid = row[UID]
        cit = Citation(SOURCE_ID, uid or f"line {row.line}")
        yield from cit.triples()
        minted = entity("public-body/" + slugify(name))
        body = resolve_body(resolver, name) or minted
        owned = body == minted
        classification = require(row, CLASSIFICATION, self.file, "a classification")
        cls = CLASSIFICATION_CLASS.get(classification)
        if cls is None:
            cls = GG.PublicBody
            self.notes.warnings.append(
                f"{self.file.name} line {row.line}: unknown classification "
                f"{short_repr(classification)}; "
                "typed PublicBody"
            )
        yield body, RDF.type, cls
        yield from labels(body, name, owned=owned, existing=resolver.label(body))
        if uid:
            yield body, DCTERMS.identifier, Literal(uid)
        if row["overall_regional_scope"]:
            yield body, DCTERMS.coverage, Literal(row["overall_regional_scope"])
        established = row["overall_date_ALB_independent"]
        if established:
            try:
                date = independence_date(established)
            except ValueError as exc:
                raise SourceError(
                    str(exc),
                    file=str(self.file),
                    line=row.line,
                    field="overall_date_ALB_independent",
                ) from None
            if date is None:
                self.notes.warnings.append(
                    f"{self.file.name} line {row.line}: no clear date in "
                    f"overall_date_ALB_independent {short_repr(established[:60])}; left out"
                )
            else:
                yield body, GG.startDate, date
        yield cited(body, cit)
        resolver.add(body, [name])

        department = require(row, DEPARTMENT, self.file, "the sponsoring department")
        sponsor = departments.get(department)
        if sponsor is None:
            sponsor = resolve_body(resolver, department)
            if sponsor is None:
                sponsor = entity("department/" + slugify(department))
                yield sponsor, RDF.type, GG.GovernmentUnit
                yield from labels(sponsor, department)
                yield cited(sponsor, cit)
                resolver.add(sponsor, [department])
            departments[department] = sponsor
        if sponsor != body:
            yield from cited_relationship(body, GG.sponsoredBy, sponsor, cit)

        chair = row["accountability_chair_name"]
        if chair.lower() not in NO_CHAIR:
            post = entity("post/" + slugify(f"chair of {name}"))
            yield post, RDF.type, GG.Post
            yield from labels(post, f"Chair of {name}")
            text = " ".join(chair.split())
            yield post, DCTERMS.description, Literal(f"Chair (Public Bodies 2023/24): {text}")
            yield cited(post, cit)
            yield from cited_relationship(post, GG.postIn, body, cit, role="Chair")
