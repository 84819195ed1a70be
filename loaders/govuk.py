"""UK government organisations from the GOV.UK Organisations API (Crown copyright, OGL v3).

Input: the API dump ``govuk_extant_orgs.json`` (a JSON array of organisation records) or
the bundled trimmed copy with the same field names, or a folder holding one of them.

Each record becomes an organisation with its title, ``gg:govukSlug`` and a class chosen
from its ``format`` (see :data:`FORMAT_CLASS`); each parent link becomes
``child gg:subOrganisationOf parent`` with a cited relationship. Records resolve first by
slug, then by title (GOV.UK's "The Scottish Government" is the curated Scottish
Government), and are minted as ``id:govuk/<slug>`` otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.ids import is_slug
from govgraph.graph.core.text import nested_text_problem, short_repr
from govgraph.loaders.base import (
    Loader,
    SourceInfo,
    Triple,
    find_file,
    iri_problem,
    read_source_text,
)
from govgraph.loaders.resolve import Resolver
from govgraph.loaders.triples import (
    Citation,
    cited,
    cited_relationship,
    labels,
    resolve_body,
    resolve_body_code,
    source_document,
)
from govgraph.ontology.terms import GG, entity

SOURCE_ID = "govuk-organisations"
FORMAT_CLASS: dict[str, URIRef] = {
    "Ministerial department": GG.GovernmentUnit,
    "Non-ministerial department": GG.NonMinisterialOffice,
    "Executive agency": GG.ExecutiveAgency,
    "Executive non-departmental public body": GG.ExecutiveNDPB,
    "Advisory non-departmental public body": GG.AdvisoryNDPB,
    "Tribunal": GG.Tribunal,
    "Public corporation": GG.PublicCorporation,
    "Independent monitoring body": GG.CommissionerOrOmbudsman,
    "Court": GG.PublicBody,
    "Special health authority": GG.PublicBody,
    "Ad-hoc advisory group": GG.Group,
    "Devolved government": GG.Government,
    "Executive office": GG.GovernmentUnit,
    "Civil service": GG.GovernmentUnit,
    "Sub organisation": GG.GovernmentUnit,
    "Other": GG.Organisation,
}
"""GOV.UK format -> class. A ministerial department is a unit of HM Government
(gg:GovernmentUnit: the contract has no department class); courts and special health
authorities are plain public bodies; unknown formats fall back to gg:Organisation."""


def slug_from(record: Any) -> str:
    if not isinstance(record, dict):
        return ""
    details = record.get("details")
    slug = details.get("slug") if isinstance(details, dict) else None
    slug = slug or str(record.get("id", "")).rstrip("/").rsplit("/", 1)[-1]
    return str(slug).strip().lower()


_WEB_URL = re.compile(r"^https?://[^\x00-\x20\x7f<>\"{}|\\^`]+$")


class GovukOrganisationsLoader(Loader):
    """GOV.UK organisations with their parent/child hierarchy."""

    kind: ClassVar[str] = "govuk"
    graph_ids: ClassVar[tuple[str, ...]] = (SOURCE_ID,)

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.file = find_file(self.path, "*.json", what="GOV.UK organisations .json file")

    def info(self) -> SourceInfo:
        return SourceInfo(
            id=SOURCE_ID,
            title="GOV.UK organisations (Organisations API)",
            origin=str(self.file),
            licence="OGL-3.0",
            url="https://www.gov.uk/api/organisations",
            publisher="Government Digital Service (GOV.UK)",
            published="2026-02-02",
            attribution="Crown copyright, Open Government Licence v3.0 — GOV.UK",
        )

    def _records(self) -> list[dict[str, Any]]:
        text = read_source_text(self.file)
        file = str(self.file)
        if not text.strip():
            raise SourceError(
                "empty file: expected a JSON array of organisations", file=file, line=1
            )
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceError(
                f"invalid JSON: {exc.msg}", file=file, line=exc.lineno, column=exc.colno
            ) from None
        except RecursionError:
            raise SourceError("JSON nested too deeply to read", file=file) from None
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            data = data["results"]  # a raw API page
        if not isinstance(data, list):
            raise SourceError(
                f"expected a JSON array of organisations, got {type(data).__name__}",
                file=file,
                line=1,
            )
        first: dict[str, int] = {}
        for i, record in enumerate(data):
            where = f"record {i + 1}"
            if not isinstance(record, dict):
                raise SourceError(
                    f"{where}: expected an object, got {type(record).__name__}",
                    file=file,
                    field=f"[{i}]",
                )
            for key in ("title", "format"):
                value = record.get(key)
                if not isinstance(value, str) or not value.strip():
                    raise SourceError(
                        f"{where} ({slug_from(record) or 'no slug'}): expected text, got "
                        f"{short_repr(value)}",
                        file=file,
                        field=key,
                    )
            details = record.get("details")
            if details is not None and not isinstance(details, dict):
                raise SourceError(
                    f"{where}: expected an object holding the slug, got {short_repr(details)}",
                    file=file,
                    field="details",
                )
            slug = slug_from(record)
            if not is_slug(slug):
                raise SourceError(
                    f"{where}: expected details.slug (or an id URL ending in a slug) of "
                    f"lower-case letters, digits and hyphens, got {short_repr(slug)}",
                    file=file,
                    field="details.slug",
                )
            if slug in first:
                raise SourceError(
                    f"{where}: duplicate slug {short_repr(slug)}, already used by record "
                    f"{first[slug]}",
                    file=file,
                    field="details.slug",
                )
            first[slug] = i + 1
            bad = nested_text_problem(record)
            if bad is not None:
                raise SourceError(f"{where} ({slug}): {bad[1]}", file=file, field=bad[0])
            url = record.get("web_url")
            if url is not None and not (
                isinstance(url, str) and _WEB_URL.match(url) and not iri_problem(url)
            ):
                raise SourceError(
                    f"{where} ({slug}): expected an http(s) URL, got {short_repr(url)}",
                    file=file,
                    field="web_url",
                )
            parents = record.get("parent_organisations")
            if parents is not None and not (
                isinstance(parents, list) and all(isinstance(p, dict) for p in parents)
            ):
                raise SourceError(
                    f"{where} ({slug}): expected a list of objects with an id, got "
                    f"{short_repr(parents)}",
                    file=file,
                    field="parent_organisations",
                )
        _check_acyclic(data, file)
        return data

    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        records = self._records()
        yield from source_document(self.info())
        iris: dict[str, URIRef] = {}
        for record in records:
            slug, title = slug_from(record), record["title"].strip()
            minted = entity("govuk/" + slug)
            iri = (
                resolve_body_code(resolver, "govuk", slug)
                or resolve_body(resolver, title)
                or minted
            )
            iris[slug] = iri
            resolver.add(iri, [title], [("govuk", slug)])
            cit = Citation(SOURCE_ID, slug)
            yield from cit.triples()
            fmt = record["format"].strip()
            cls = FORMAT_CLASS.get(fmt)
            if cls is None:
                cls = GG.Organisation
                self.notes.warnings.append(
                    f"{slug}: unknown GOV.UK format {short_repr(fmt)}; typed Organisation"
                )
            yield iri, RDF.type, cls
            owned = iri == minted
            yield from labels(iri, title, owned=owned, existing=resolver.label(iri))
            yield iri, GG.govukSlug, Literal(slug)
            if record.get("web_url"):
                yield iri, RDFS.seeAlso, URIRef(str(record["web_url"]))
            yield cited(iri, cit)
        for record in records:
            child = iris[slug_from(record)]
            for parent_ref in record.get("parent_organisations") or []:
                parent_slug = slug_from(parent_ref)
                parent = iris.get(parent_slug) or resolve_body_code(resolver, "govuk", parent_slug)
                if parent is None:
                    self.notes.warnings.append(
                        f"{slug_from(record)}: parent {short_repr(parent_slug)} not in the "
                        "file; no link"
                    )
                    continue
                if parent == child:
                    continue
                cit = Citation(SOURCE_ID, slug_from(record))
                yield from cited_relationship(child, GG.subOrganisationOf, parent, cit)


def _check_acyclic(records: list[dict[str, Any]], file: str) -> None:
    """Refuse a loop of parent links (A's parent is B, B's parent is A): it would make a
    body a sub-organisation of itself."""
    parents = {
        slug_from(r): [slug_from(p) for p in r.get("parent_organisations") or []] for r in records
    }
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in parents:
        if state.get(start):
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node], path = 1, [*path, node]
            edges = [p for p in parents.get(node, []) if p in parents and p != node]
            if index < len(edges):
                stack.append((node, index + 1))
                target = edges[index]
                if state.get(target) == 1:
                    loop = " -> ".join([*path[path.index(target) :], target])
                    raise SourceError(
                        f"parent organisations form a cycle: {loop}",
                        file=file,
                        field=f"{target}.parent_organisations",
                    )
                if not state.get(target):
                    stack.append((target, 0))
            else:
                state[node] = 2
                path.pop()
