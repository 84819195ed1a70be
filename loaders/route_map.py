"""``govgraph load route-map:FILE``: route maps from a YAML file, a CSV folder or an XLSX
workbook, and Plan 21-24 served through the same model from the curated ``plan.yaml``.

A route map file becomes the graph ``ggraph:route-map-<first route map id>``. The curated
plan becomes ``ggraph:route-map-plan-21-24``: one route map per priority area whose
commitments and milestones are the very nodes the plan loader made (no second copy), with
each action's leads and supporting bodies as their responsibilities.
"""

from __future__ import annotations

from collections.abc import Iterator, Set
from pathlib import Path

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from govgraph.graph.core.dates import parse_date
from govgraph.loaders.base import Loader, SourceInfo, Triple
from govgraph.loaders.plan import document_iri
from govgraph.loaders.plan_model import Plan, SourceLocator
from govgraph.loaders.plan_yaml import read_plan_yaml
from govgraph.loaders.resolve import Resolver
from govgraph.loaders.route_map_model import Cite, RouteMapBook, parse_route_maps
from govgraph.loaders.route_map_tables import Cell, TableRow, Tables, read_tables
from govgraph.loaders.triples import citation, cited
from govgraph.ontology.terms import GG, SRC, entity, slug_of

PLAN_FILES = ("plan.yaml", "plan.yml")


def plan_tables(plan: Plan, file: str, areas: tuple[str, ...] = ()) -> Tables:
    """The curated Plan 21-24 as route-map rows, one route map per priority area (or the
    ``areas`` given): starting positions are the June 2021 assessments, destinations what
    the plan requires, commitments and milestones the plan's own, and every commitment and
    milestone of an action carries the action's leads (tier lead) and supporting bodies."""
    out: dict[str, list[dict[str, str]]] = {name: [] for name in _PLAN_SHEETS}
    for area in plan.priority_areas:
        if areas and area.id not in areas:
            continue
        map_id = f"{plan.id}-{area.id}"
        out["route_maps"].append(
            {
                "id": map_id,
                "theme": area.name,
                "name": f"{plan.name}: {area.name}",
                **_cells(*_where(area.source, plan.document)),
            }
        )
        for action in (a for a in plan.actions if a.priority_area == area.id):
            where = _cells(*_where(action.source, plan.document))
            if action.assessment is not None:
                out["positions"].append(
                    {
                        "route_map": map_id,
                        "kind": "start",
                        "text": f"{action.name}: {action.assessment.text}",
                        "date": action.assessment.date or "",
                        **where,
                    }
                )
            for requirement in action.requirements:
                out["positions"].append(
                    {
                        "route_map": map_id,
                        "kind": "destination",
                        "text": f"{action.name}: {requirement}",
                        **where,
                    }
                )
            ids: list[str] = []
            for n, text in enumerate(action.commitments, start=1):
                ids.append(f"{action.id}-commitment-{n}")
                out["commitments"].append(
                    {"id": ids[-1], "route_map": map_id, "text": text, **where}
                )
            for n, m in enumerate(action.milestones, start=1):
                ids.append(f"{action.id}-milestone-{n}")
                out["milestones"].append(
                    {
                        "id": ids[-1],
                        "route_map": map_id,
                        "text": m.text,
                        "due": m.date or "",
                        "due_as_written": m.phrase,
                        **where,
                    }
                )
            bodies = [(name, "lead") for name in action.leads]
            bodies += [(name, "supporting") for name in action.supporting]
            for item in ids:
                for name, tier in bodies:
                    row = {"item": item, "body": name, "tier": tier, **where}
                    if name in action.lead_ids:
                        row["body_id"] = action.lead_ids[name]
                    out["responsibilities"].append(row)
    return rows_to_tables(out, file)


_PLAN_SHEETS = ("route_maps", "positions", "commitments", "milestones", "responsibilities")


def _where(source: SourceLocator | None, document: str) -> tuple[str, str]:
    return (source.document, source.locator) if source else (document, "")


def _cells(document: str, locator: str) -> dict[str, str]:
    return {"document": document, "locator": locator}


def plan_item_iris(plan: Plan) -> dict[str, URIRef]:
    """Route-map item id -> the plan loader's own commitment or milestone node."""
    out: dict[str, URIRef] = {}
    for action in plan.actions:
        for n in range(1, len(action.commitments) + 1):
            out[f"{action.id}-commitment-{n}"] = entity(f"action/{action.id}/commitment/{n}")
        for n in range(1, len(action.milestones) + 1):
            out[f"{action.id}-milestone-{n}"] = entity(f"action/{action.id}/milestone/{n}")
    return out


def rows_to_tables(rows: dict[str, list[dict[str, str]]], file: str) -> Tables:
    """Plain rows as tables (rows numbered as a spreadsheet would: header is row 1)."""
    return {
        sheet: [
            TableRow(
                sheet,
                n,
                {k: Cell(v, file, sheet, n, k) for k, v in row.items()},
                file,
            )
            for n, row in enumerate(items, start=2)
        ]
        for sheet, items in rows.items()
    }


def book_triples(book: RouteMapBook, shared: Set[URIRef] = frozenset()) -> Iterator[Triple]:
    """The route maps as triples, every row cited. Items in ``shared`` already exist in
    another graph (Plan 21-24's), which holds their type, text and due date."""
    documents: set[URIRef] = set()
    for rm in book.maps.values():
        yield rm.iri, RDF.type, GG.RouteMap
        yield rm.iri, SKOS.prefLabel, Literal(rm.name)
        yield rm.iri, GG.theme, Literal(rm.theme)
        if rm.example:
            yield rm.iri, GG.isExample, Literal(True)
        yield from _cite(rm.iri, rm.cite, documents)
        counts = {"start": 0, "destination": 0}
        for pos in rm.positions:
            counts[pos.kind] += 1
            node = entity(f"route-map/{rm.id}/{pos.kind}/{counts[pos.kind]}")
            start = pos.kind == "start"
            yield rm.iri, GG.startingPosition if start else GG.destination, node
            yield node, RDF.type, GG.StartingPosition if start else GG.Destination
            yield node, DCTERMS.description, Literal(pos.text)
            if pos.date:
                yield node, GG.positionDate, parse_date(pos.date).literal
            yield from _cite(node, pos.cite, documents)
        for n, ind in enumerate(rm.indicators, start=1):
            node = entity(f"route-map/{rm.id}/indicator/{n}")
            owner = book.items[ind.commitment].iri if ind.commitment else rm.iri
            yield owner, GG.hasIndicator, node
            yield node, RDF.type, GG.ProgressIndicator
            yield node, GG.measure, Literal(ind.measure)
            if ind.measured_by is not None:
                yield node, GG.measuredBy, ind.measured_by
            if ind.published_in:
                yield node, GG.publishedIn, Literal(ind.published_in)
            yield from _cite(node, ind.cite, documents)
    for item in book.items.values():
        iri = item.iri
        slug = slug_of(str(iri))
        yield iri, GG.inRouteMap, book.maps[item.route_map].iri
        if iri not in shared:
            yield iri, RDF.type, item.kind
            yield iri, DCTERMS.description, Literal(item.text)
            if item.due:
                yield iri, GG.dueDate, parse_date(item.due).literal
            if item.due_as_written:
                yield iri, RDFS.label, Literal(item.due_as_written)
            yield from _cite(iri, item.cite, documents)
        if item.commitment:
            yield book.items[item.commitment].iri, GG.hasMilestone, iri
        for n, r in enumerate(item.responsible, start=1):
            node = entity(f"{slug}/responsibility/{n}")
            yield iri, GG.hasResponsibility, node
            yield node, RDF.type, GG.Responsibility
            yield node, GG.responsibleBody, r.body
            yield node, GG.responsibilityTier, r.tier
            yield from _cite(node, r.cite, documents)
        for target, cite in item.depends_on:
            other = book.items[target].iri
            node = entity(f"{slug}/dependency/{slug_of(str(other)).replace('/', '-')}")
            yield iri, GG.dependsOn, other
            yield node, RDF.type, GG.Dependency
            yield node, GG.dependent, iri
            yield node, GG.prerequisite, other
            yield from _cite(node, cite, documents)
        for s in item.statuses:
            node = entity(f"{slug}/status/{s.date}")
            yield iri, GG.hasStatus, node
            yield node, RDF.type, GG.StatusReport
            yield node, GG.progressStatus, s.status
            yield node, GG.statusDate, parse_date(s.date).literal
            yield from _cite(node, s.cite, documents)


def _cite(subject: URIRef, cite: Cite, documents: set[URIRef]) -> Iterator[Triple]:
    document = document_iri(cite.document)
    if document not in documents:
        documents.add(document)
        yield document, RDF.type, GG.SourceDocument
        if not Path(cite.document).suffix:  # a title, not a seed file the register describes
            yield document, DCTERMS.title, Literal(cite.document)
    cit = citation(str(document)[len(str(SRC)) :], cite.locator)
    yield cited(subject, cit)
    yield from cit.triples()


class RouteMapLoader(Loader):
    """Route maps from a YAML file, CSV folder or XLSX workbook, or the curated plan."""

    kind = "route-map"
    graph_prefix = "route-map-"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._book: RouteMapBook | None = None
        self._shared: set[URIRef] = set()
        self._plan: Plan | None = None
        self._tables: Tables | None = None

    def tables(self) -> Tables:
        """The file's tables, read once (the provenance record and the triples both need them)."""
        if self._tables is None:
            self._tables = read_tables(self.path)
        return self._tables

    @property
    def is_plan(self) -> bool:
        return self.path.name in PLAN_FILES

    def book(self, resolver: Resolver) -> RouteMapBook:
        if self._book is None:
            if self.is_plan:
                plan = self.plan()
                iris = plan_item_iris(plan)
                self._shared = set(iris.values())
                self._book = parse_route_maps(
                    plan_tables(plan, str(self.path)),
                    resolver,
                    iris=iris,
                    unresolved=lambda cell: self.unresolved(
                        cell.value, f"responsible for '{cell.sheet}' row {cell.row}"
                    ),
                )
            else:
                self._book = parse_route_maps(self.tables(), resolver)
        return self._book

    def plan(self) -> Plan:
        if self._plan is None:
            self._plan = read_plan_yaml(self.path)
        return self._plan

    def source_id(self) -> str:
        if self.is_plan:
            return f"route-map-{self.plan().id}"
        tables = self.tables()
        first = tables["route_maps"][0].need("id").value if tables["route_maps"] else "empty"
        return f"route-map-{first}"

    def info(self) -> SourceInfo:
        if self.is_plan:
            plan = self.plan()
            return SourceInfo(
                id=self.source_id(),
                title=f"{plan.name} as route maps, one per priority area (curated)",
                origin=self.path.name,
                licence="CC-BY-4.0",  # as the plan register it is drawn from
                publisher="govgraph",
                published=plan.published,
            )
        return SourceInfo(
            id=self.source_id(),
            title=f"Route maps from {self.path.name}",
            origin=self.path.name,
            licence="As the route map's own sources; every row cites one",
        )

    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        book = self.book(resolver)
        yield from book_triples(book, self._shared)
