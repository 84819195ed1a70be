"""Registered children's care services and their providers, from the Care Inspectorate
datastore (OGL v3, attribute "Care Inspectorate").

Input: the datastore CSV (``children_care_services_*.csv``, or the full
``care_services_*.csv``), or a folder holding it. Only the children's "care system"
services are loaded, whichever file is given: care homes with subtype "Children & Young
People", fostering, adoption, school care accommodation, child care agencies and secure
accommodation. Other rows are skipped by design (counted in a warning).

Each service becomes a ``gg:CareService`` (name, ``gg:careServiceNumber``,
``gg:serviceType``, registration date as ``gg:startDate``) located in its council area and
health board area (``gg:operatesIn``), linked to its integration authority
(``gg:integrationAuthority``) and health board (``gg:healthBoard``), provided by its
provider (``provider gg:provides service``) and regulated by the Care Inspectorate. All
relationships are cited to the service's CS number.

Providers: local-authority providers resolve to the councils and health-board providers
to the boards (load ``phs-geography`` first); a name that does not resolve is reported as
unresolved and its link left out, never turned into a second council. Private providers
become ``gg:Company`` and voluntary / not-for-profit ones ``gg:ThirdSectorOrganisation``,
unless they resolve to a known body. Geography names are resolved, never minted.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import ClassVar

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.text import short_repr
from govgraph.loaders.base import Loader, SourceInfo, Triple, find_file
from govgraph.loaders.csv_input import FirstLines, Row, read_csv, require
from govgraph.loaders.phs_geography import ia_names
from govgraph.loaders.resolve import Resolver
from govgraph.loaders.triples import (
    Citation,
    cited,
    cited_relationship,
    labels,
    literal_date,
    resolve_body,
    source_document,
)
from govgraph.ontology.terms import GG, entity, slugify

SOURCE_ID = "care-inspectorate-children"
REQUIRED = (
    "CSNumber",
    "CareService",
    "Subtype",
    "ServiceType",
    "ServiceName",
    "SP_number",
    "ServiceProvider",
    "DateReg",
    "Integration_Authority_Name",
    "Council_Area_Name",
    "Health_Board_Name",
)
CHILDRENS_SERVICES = frozenset(
    {
        "Fostering Service",
        "Adoption Service",
        "School Care Accommodation Service",
        "Child Care Agency",
        "Secure Accommodation Service",
    }
)
CHILDRENS_CARE_HOME = ("Care Home Service", "Children & Young People")
SECTOR_CLASS = {
    "Private": GG.Company,
    "Voluntary or Not for Profit": GG.ThirdSectorOrganisation,
}
PUBLIC_SECTORS = ("Local Authority", "Health Board")
OUTSIDE = "outside scotland"
_CS = re.compile(r"^CS\d{10}$")
_SP = re.compile(r"^SP\d{10}$")


def is_childrens_service(row: Row) -> bool:
    return row["CareService"] in CHILDRENS_SERVICES or (
        (row["CareService"], row["Subtype"]) == CHILDRENS_CARE_HOME
    )


class CareInspectorateLoader(Loader):
    """Children's care services, their providers and their regulation."""

    kind: ClassVar[str] = "care-inspectorate"
    graph_ids: ClassVar[tuple[str, ...]] = (SOURCE_ID,)

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.file = find_file(
            self.path,
            "children_care_services_*.csv",
            "care_services_*.csv",
            what="children_care_services_*.csv or care_services_*.csv",
        )

    def info(self) -> SourceInfo:
        date = re.search(r"(\d{4}-\d{2}-\d{2})", self.file.name)
        return SourceInfo(
            id=SOURCE_ID,
            title="Care Inspectorate datastore: registered children's care services",
            origin=str(self.file),
            licence="OGL-3.0",
            url="https://www.careinspectorate.scot/resources-data/data-and-statistics/datastore",
            publisher="Care Inspectorate",
            published=date.group(1) if date else None,
            attribution="Contains public sector information licensed under the Open "
            "Government Licence v3.0 — Care Inspectorate",
        )

    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        info = self.info()
        yield from source_document(info)
        regulator = yield from self._regulator(resolver)
        providers: dict[str, URIRef | None] = {}
        unresolved: dict[str, str] = {}
        skipped = 0
        seen = FirstLines(self.file)
        for row in read_csv(self.file, REQUIRED, self.notes):
            if not is_childrens_service(row):
                skipped += 1
                continue
            seen.add(row, "CSNumber", row["CSNumber"], "care service number")
            yield from self._service(row, resolver, regulator, providers, unresolved)
        for mention, where in unresolved.items():
            self.unresolved(mention, where)
        if skipped:
            self.notes.warnings.append(
                f"{self.file.name}: {skipped} rows are not children's services and were skipped"
            )

    def _regulator(self, resolver: Resolver) -> Generator[Triple, None, URIRef]:
        found = resolve_body(resolver, "Care Inspectorate")
        if found is not None:
            return found
        iri = entity("care-inspectorate")
        cit = Citation(SOURCE_ID, "publisher of the datastore")
        yield from cit.triples()
        yield iri, RDF.type, GG.InspectorateOrRegulator
        yield from labels(iri, "Care Inspectorate")
        yield cited(iri, cit)
        resolver.add(iri, ["Care Inspectorate"])
        return iri

    def _service(
        self,
        row: Row,
        resolver: Resolver,
        regulator: URIRef,
        providers: dict[str, URIRef | None],
        unresolved: dict[str, str],
    ) -> Iterator[Triple]:
        path = self.file
        number = require(row, "CSNumber", path, "a care service number CSnnnnnnnnnn")
        if not _CS.fullmatch(number):
            raise SourceError(
                f"expected a care service number like CS2003000163, got {short_repr(number)}",
                file=str(path),
                line=row.line,
                field="CSNumber",
            )
        name = require(row, "ServiceName", path, "the service's name")
        cit = Citation(SOURCE_ID, number)
        yield from cit.triples()

        minted = entity("care-service/" + number.lower())
        service = resolver.resolve_code("care-service", number) or minted
        yield service, RDF.type, GG.CareService
        yield from labels(service, name, owned=service == minted, existing=resolver.label(service))
        yield service, GG.careServiceNumber, Literal(number)
        yield service, GG.serviceType, Literal(row["CareService"])
        details = [row["CareService"] + (f": {row['Subtype']}" if row["Subtype"] else "")]
        if row["Service_town"]:
            details.append(row["Service_town"])
        if row["ServiceStatus"] and row["ServiceStatus"] != "Active":
            details.append(f"status {row['ServiceStatus']}")
        yield service, DCTERMS.description, Literal(", ".join(details))
        if row["DateReg"]:
            try:
                yield service, GG.startDate, literal_date(row["DateReg"])
            except ValueError as exc:
                raise SourceError(
                    str(exc), file=str(path), line=row.line, field="DateReg"
                ) from None
        yield cited(service, cit)
        resolver.add(service, [], [("care-service", number)])

        yield from self._geography(row, service, resolver, unresolved)
        provider = yield from self._provider(row, resolver, providers, unresolved, cit)
        if provider is not None:
            yield from cited_relationship(provider, GG.provides, service, cit)
        yield from cited_relationship(service, GG.regulatedBy, regulator, cit)

    def _geography(
        self, row: Row, service: URIRef, resolver: Resolver, unresolved: dict[str, str]
    ) -> Iterator[Triple]:
        where = f"{self.file.name} line {row.line}"
        council_area = row["Council_Area_Name"]
        if council_area and council_area.lower() != OUTSIDE:
            area = resolver.resolve(f"{council_area} council area")
            if area is None:
                unresolved.setdefault(f"{council_area} (council area)", where)
            else:
                yield service, GG.operatesIn, area
        board = row["Health_Board_Name"]
        if board and board.lower() != OUTSIDE:
            full = board if board.startswith("NHS ") else f"NHS {board}"
            hb = resolve_body(resolver, full)
            hb_area = resolver.resolve(f"{full} area")
            if hb is None:
                unresolved.setdefault(f"{board} (health board)", where)
            else:
                yield service, GG.healthBoard, hb
            if hb_area is not None:
                yield service, GG.operatesIn, hb_area
        partnership = row["Integration_Authority_Name"]
        if partnership and partnership.lower() != OUTSIDE:
            candidates = ia_names(partnership) + ia_names(partnership, lead_agency=True)
            ia = next((i for c in candidates if (i := resolve_body(resolver, c))), None)
            if ia is None:
                unresolved.setdefault(f"{partnership} (integration authority)", where)
            else:
                yield service, GG.integrationAuthority, ia

    def _provider(
        self,
        row: Row,
        resolver: Resolver,
        providers: dict[str, URIRef | None],
        unresolved: dict[str, str],
        cit: Citation,
    ) -> Generator[Triple, None, URIRef | None]:
        number = require(row, "SP_number", self.file, "a provider number SPnnnnnnnnnn")
        if not _SP.fullmatch(number):
            raise SourceError(
                f"expected a provider number like SP2003000011, got {short_repr(number)}",
                file=str(self.file),
                line=row.line,
                field="SP_number",
            )
        if number in providers:
            return providers[number]
        name = require(row, "ServiceProvider", self.file, "the provider's name")
        sector = require(row, "ServiceType", self.file, "the provider's sector")
        found: URIRef | None = resolve_body(resolver, name)
        if sector in PUBLIC_SECTORS:
            if found is None and sector == "Local Authority" and name.endswith(" Council"):
                found = resolve_body(resolver, name.removesuffix(" Council"))
            if found is None:
                unresolved.setdefault(
                    f"{name} ({sector.lower()} provider {number})",
                    f"{self.file.name} line {row.line}",
                )
            else:
                yield found, DCTERMS.identifier, Literal(number)
                yield from labels(found, name, owned=False, existing=resolver.label(found))
                yield cited(found, cit)
                resolver.add(found, [name])
            providers[number] = found
            return found
        cls = SECTOR_CLASS.get(sector)
        if cls is None:
            raise SourceError(
                f"unknown provider sector {short_repr(sector)}; expected one of "
                + ", ".join([*SECTOR_CLASS, *PUBLIC_SECTORS]),
                file=str(self.file),
                line=row.line,
                field="ServiceType",
            )
        minted = entity("provider/" + slugify(name))
        provider = found or minted
        owned = provider == minted
        if owned:
            yield provider, RDF.type, cls
        yield from labels(provider, name, owned=owned, existing=resolver.label(provider))
        yield provider, DCTERMS.identifier, Literal(number)
        yield cited(provider, cit)
        resolver.add(provider, [name])
        providers[number] = provider
        return provider
