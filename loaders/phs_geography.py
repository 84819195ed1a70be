"""Councils, territorial health boards and integration authorities from the Public Health
Scotland geography lookup (OGL v3), with council names from mySociety (CC-BY-4.0).

Input: a folder holding ``ca_hscp_hb_lookup.csv`` (council area -> integration authority
-> health board, with enacted/archived dates) and optionally ``hb_lookup.csv``; or that
CSV itself. Council official names and alternative names come from the mySociety list,
found as ``scottish_councils.csv`` beside the lookup, or in a sibling
``uk-local-authorities`` folder (the bundled layout and the shared-data layout alike).

Only current codes are loaded: a row counts when its three *DateArchived* columns are all
empty (32 council areas, 31 integration authorities, 14 boards). Archived codes are
known to the resolver as former codes, so an old code still finds the body.

Dates: an area's ``gg:startDate`` is the date its current code was enacted (a boundary
change gets a new code). An integration authority's is the earliest date a partnership of
that name was enacted (Fife's 2016 partnership survives its 2018 code change). Councils
and boards get no start date: the lookup's dates are code dates, not founding dates.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.text import short_repr
from govgraph.loaders.base import Loader, SourceInfo, Triple
from govgraph.loaders.csv_input import FirstLines, Row, read_csv, require
from govgraph.loaders.resolve import Resolver
from govgraph.loaders.triples import (
    Citation,
    cited,
    cited_relationship,
    labels,
    literal_date,
    resolve_body,
    resolve_body_code,
    source_document,
)
from govgraph.ontology.terms import GG, entity, slugify

LOOKUP = "ca_hscp_hb_lookup.csv"
BOARDS = "hb_lookup.csv"
COUNCIL_NAME_FILES = ("scottish_councils.csv", "uk_local_authorities_current.csv")
LOOKUP_COLUMNS = (
    "CA",
    "CAName",
    "CADateEnacted",
    "CADateArchived",
    "HSCP",
    "HSCPName",
    "HSCPDateEnacted",
    "HSCPDateArchived",
    "HB",
    "HBName",
    "HBDateEnacted",
    "HBDateArchived",
)
_CODE = {
    "CA": re.compile(r"^S12\d{6}$"),
    "HSCP": re.compile(r"^S37\d{6}$"),
    "HB": re.compile(r"^S08\d{6}$"),
}

LEAD_AGENCY = frozenset({"S37000016"})
"""Integration authorities run under the lead-agency model rather than by an integration
joint board: Highland. (WhatDoTheyKnow's ``ijbscot`` tag lists the other 30 as IJBs and
Highland only as a partnership; tests check this against that list.)"""

SOURCE_ID = "phs-geography"


@dataclass
class _CouncilNames:
    official: str
    alternatives: list[str]
    former_codes: list[str]


class PhsGeographyLoader(Loader):
    """The statutory integration structure: council -> integration authority -> board."""

    kind: ClassVar[str] = "phs-geography"
    graph_ids: ClassVar[tuple[str, ...]] = (SOURCE_ID,)

    def __init__(self, path: Path, councils: Path | None = None) -> None:
        super().__init__(path)
        self.lookup = self.path / LOOKUP if self.path.is_dir() else self.path
        self.boards = self.lookup.parent / BOARDS
        self.councils = councils or self._find_council_names()

    def _find_council_names(self) -> Path | None:
        folder = self.lookup.parent
        for base in (folder, folder.parent / "uk-local-authorities"):
            for name in COUNCIL_NAME_FILES:
                if (base / name).is_file():
                    return base / name
        return None

    def info(self) -> SourceInfo:
        licence = "OGL-3.0"
        attribution = (
            "Contains public sector information licensed under the Open Government Licence "
            "v3.0 — Public Health Scotland"
        )
        if self.councils:
            licence += "; council names CC-BY-4.0"
            attribution += "; council names © mySociety, CC-BY-4.0"
        return SourceInfo(
            id=SOURCE_ID,
            title="Public Health Scotland geography codes: council areas, integration "
            "authorities and health boards",
            origin=str(self.lookup),
            licence=licence,
            url="https://www.opendata.nhs.scot/dataset/geography-codes-and-labels",
            publisher="Public Health Scotland",
            published="2019-04-01",
            attribution=attribution,
        )

    # --- reading ---------------------------------------------------------------------
    def _rows(self) -> list[Row]:
        if not self.lookup.exists():  # a folder or a pipe: read_csv says what it is
            raise SourceError(f"expected the lookup file {LOOKUP}", file=str(self.lookup))
        rows = list(read_csv(self.lookup, LOOKUP_COLUMNS, self.notes))
        for row in rows:
            for prefix in ("CA", "HSCP", "HB"):
                code = require(row, prefix, self.lookup, "a GSS code")
                if not _CODE[prefix].fullmatch(code):
                    raise SourceError(
                        f"expected a GSS code {_CODE[prefix].pattern[1:4]}nnnnnn, got "
                        f"{short_repr(code)}",
                        file=str(self.lookup),
                        line=row.line,
                        field=prefix,
                    )
                require(row, prefix + "Name", self.lookup, "a name")
                enacted = self._date(row, prefix + "DateEnacted", self.lookup, required=True)
                archived = self._date(row, prefix + "DateArchived", self.lookup, required=False)
                if enacted is not None and archived is not None and str(archived) < str(enacted):
                    raise SourceError(
                        f"archived {archived} before it was enacted {enacted}",
                        file=str(self.lookup),
                        line=row.line,
                        field=prefix + "DateArchived",
                    )
        current = FirstLines(self.lookup)
        for row in rows:
            if not any(row[p + "DateArchived"] for p in ("CA", "HSCP", "HB")):
                current.add(row, "CA", row["CA"], "current (unarchived) council area")
        return rows

    def _date(self, row: Row, column: str, path: Path, *, required: bool) -> Literal | None:
        value = row[column]
        if not value:
            if required:
                require(row, column, path, "a date YYYYMMDD")
            return None
        try:
            return literal_date(value)
        except ValueError as exc:
            raise SourceError(str(exc), file=str(path), line=row.line, field=column) from None

    def _council_names(self) -> dict[str, _CouncilNames]:
        if not self.councils:
            self.notes.warnings.append(
                "council official names not found (mySociety scottish_councils.csv): "
                "councils are labelled '<area> Council'"
            )
            return {}
        names: dict[str, _CouncilNames] = {}
        for row in read_csv(self.councils, ("official-name", "gss-code", "alt-names"), self.notes):
            code = row["gss-code"]
            if not code.startswith("S12") or row.values.get("nation", "Scotland") != "Scotland":
                continue
            alternatives = [a.strip() for a in row["alt-names"].split(",") if a.strip()]
            former = [c.strip() for c in row["former-gss-codes"].split(",") if c.strip()]
            names[code] = _CouncilNames(row["official-name"], alternatives, former)
        return names

    # --- triples ---------------------------------------------------------------------
    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        rows = self._rows()
        council_names = self._council_names()
        current = [r for r in rows if not any(r[p + "DateArchived"] for p in ("CA", "HSCP", "HB"))]
        ia_start: dict[str, Literal] = {}
        for row in rows:  # earliest enactment of each partnership name, across code changes
            start = self._date(row, "HSCPDateEnacted", self.lookup, required=True)
            name = row["HSCPName"]
            if start is not None and (name not in ia_start or str(start) < str(ia_start[name])):
                ia_start[name] = start
        former: dict[str, set[str]] = {}
        for row in rows:
            for prefix in ("CA", "HSCP", "HB"):
                if row[prefix + "DateArchived"]:
                    former.setdefault(f"{prefix}:{row[prefix + 'Name']}", set()).add(row[prefix])

        yield from source_document(self.info())
        boards = yield from self._boards(resolver, current, former)
        councils: dict[str, URIRef] = {}
        areas: dict[str, URIRef] = {}
        for row in current:
            cit = Citation(SOURCE_ID, f"{LOOKUP} line {row.line}")
            yield from cit.triples()
            area = yield from self._council_area(row, cit, resolver)
            council = yield from self._council(
                row, cit, resolver, area, council_names.get(row["CA"]), former
            )
            councils[row["CA"]], areas[row["CA"]] = council, area
        seen: set[str] = set()
        for row in current:
            code = row["HSCP"]
            cit = Citation(SOURCE_ID, f"{LOOKUP} line {row.line}")
            ia = yield from self._integration_authority(
                row, cit, resolver, ia_start[row["HSCPName"]], former, first=code not in seen
            )
            seen.add(code)
            yield ia, GG.operatesIn, areas[row["CA"]]
            start = ia_start[row["HSCPName"]]
            yield from cited_relationship(ia, GG.partnerOf, councils[row["CA"]], cit, start=start)
            yield from cited_relationship(ia, GG.partnerOf, boards[row["HB"]], cit, start=start)

    def _boards(
        self, resolver: Resolver, current: list[Row], former: dict[str, set[str]]
    ) -> Generator[Triple, None, dict[str, URIRef]]:
        """The current territorial boards, from hb_lookup.csv when present (else from the
        current lookup rows); returns code -> board IRI."""
        source: list[tuple[Row, Path]] = []
        if self.boards.is_file():
            cols = ("HB", "HBName", "HBDateEnacted", "HBDateArchived")
            source = [(r, self.boards) for r in read_csv(self.boards, cols, self.notes)]
            source = [(r, p) for r, p in source if not r["HBDateArchived"]]
        else:
            source = [(r, self.lookup) for r in current]
        boards: dict[str, URIRef] = {}
        for row, path in source:
            code = require(row, "HB", path, "a GSS code")
            if code in boards:
                continue
            if not _CODE["HB"].fullmatch(code):
                raise SourceError(
                    f"expected a GSS code like S08nnnnnn, got {short_repr(code)}",
                    file=str(path),
                    line=row.line,
                    field="HB",
                )
            name = require(row, "HBName", path, "a name")
            cit = Citation(SOURCE_ID, f"{path.name} line {row.line}")
            yield from cit.triples()
            area = entity("area/" + code.lower())
            yield area, RDF.type, GG.HealthBoardArea
            yield from labels(area, f"{name} area")
            yield area, GG.gssCode, Literal(code)
            start = self._date(row, "HBDateEnacted", path, required=True)
            if start is not None:
                yield area, GG.startDate, start
            yield cited(area, cit)
            resolver.add(area, [f"{name} area"])

            minted = entity("health-board/" + slugify(name))
            board = resolve_body_code(resolver, "gss", code) or resolve_body(resolver, name)
            board = board or minted
            yield board, RDF.type, GG.TerritorialHealthBoard
            yield from labels(board, name, owned=board == minted, existing=resolver.label(board))
            yield board, GG.gssCode, Literal(code)
            yield board, GG.operatesIn, area
            yield cited(board, cit)
            old = sorted(former.get(f"HB:{name}", set()) - {code})
            resolver.add(board, [name], [("gss", code), *(("gss", c) for c in old)])
            boards[code] = board
        missing = sorted({r["HB"] for r in current} - boards.keys())
        if missing:
            raise SourceError(
                f"current council rows name boards {', '.join(missing)} that {BOARDS} "
                "lists as archived or not at all",
                file=str(self.boards),
                field="HB",
            )
        return boards

    def _council_area(
        self, row: Row, cit: Citation, resolver: Resolver
    ) -> Generator[Triple, None, URIRef]:
        code, name = row["CA"], row["CAName"]
        area = entity("area/" + code.lower())
        yield area, RDF.type, GG.CouncilArea
        yield from labels(area, f"{name} council area")
        yield area, GG.gssCode, Literal(code)
        start = self._date(row, "CADateEnacted", self.lookup, required=True)
        if start is not None:
            yield area, GG.startDate, start
        yield cited(area, cit)
        resolver.add(area, [f"{name} council area"])
        return area

    def _council(
        self,
        row: Row,
        cit: Citation,
        resolver: Resolver,
        area: URIRef,
        names: _CouncilNames | None,
        former: dict[str, set[str]],
    ) -> Generator[Triple, None, URIRef]:
        code, area_name = row["CA"], row["CAName"]
        official = names.official if names else f"{area_name} Council"
        # Alternative names: the area's own name plus mySociety's properly-cased variants
        # (its lower-case entries are matching keys, some with typos, not names).
        alternatives = [area_name] + [
            a for a in (names.alternatives if names else []) if a != a.lower()
        ]
        minted = entity("council/" + slugify(area_name))
        council = resolve_body_code(resolver, "gss", code)
        for name in [official, *alternatives]:
            council = council or resolve_body(resolver, name)
        council = council or minted
        yield council, RDF.type, GG.LocalAuthority
        yield from labels(
            council,
            official,
            alternatives,
            owned=council == minted,
            existing=resolver.label(council),
        )
        yield council, GG.gssCode, Literal(code)
        yield council, GG.operatesIn, area
        yield cited(council, cit)
        old = set(names.former_codes if names else []) | former.get(f"CA:{area_name}", set())
        codes = [("gss", code), *(("gss", c) for c in sorted(old - {code}))]
        resolver.add(council, [official, *alternatives], codes)
        return council

    def _integration_authority(
        self,
        row: Row,
        cit: Citation,
        resolver: Resolver,
        start: Literal,
        former: dict[str, set[str]],
        *,
        first: bool,
    ) -> Generator[Triple, None, URIRef]:
        code, name = row["HSCP"], row["HSCPName"]
        names = ia_names(name, lead_agency=code in LEAD_AGENCY)
        minted = entity("integration-authority/" + slugify(name))
        ia = resolve_body_code(resolver, "gss", code)
        for candidate in names:
            ia = ia or resolve_body(resolver, candidate)
        ia = ia or minted
        if first:
            yield ia, RDF.type, GG.IntegrationAuthority
            if code in LEAD_AGENCY:
                yield ia, RDF.type, GG.HealthAndSocialCarePartnership
            else:
                yield ia, RDF.type, GG.IntegrationJointBoard
            yield from labels(
                ia, names[0], names[1:], owned=ia == minted, existing=resolver.label(ia)
            )
            yield ia, GG.gssCode, Literal(code)
            yield ia, GG.startDate, start
            old = sorted(former.get(f"HSCP:{name}", set()) - {code})
            resolver.add(ia, names, [("gss", code), *(("gss", c) for c in old)])
        yield cited(ia, cit)
        return ia


def ia_names(name: str, *, lead_agency: bool = False) -> list[str]:
    """The names an integration authority goes by, preferred first; the lookup's bare
    partnership name ("Inverclyde") is the council area's too, so it is never one of them."""
    if lead_agency:
        return [f"{name} Health and Social Care Partnership", f"{name} HSCP"]
    return [f"{name} Integration Joint Board", f"{name} IJB"]
