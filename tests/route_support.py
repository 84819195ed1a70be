"""A store holding the curated register, Plan 21-24, Plan 21-24 as route maps and the shipped
example route map: what the route-map tests and pages need, in memory."""

from __future__ import annotations

from govgraph.graph.storage.store import Store, open_store
from govgraph.loaders.bundled import data_dir
from govgraph.loaders.curated import CuratedLoader
from govgraph.loaders.pipeline import load_sources
from govgraph.loaders.plan import PlanYamlLoader
from govgraph.loaders.route_map import RouteMapLoader

DATA = data_dir()
EXAMPLE = DATA / "examples" / "route-map-example.yaml"
TEMPLATE = DATA / "templates" / "route-map"
XLSX_TEMPLATE = DATA / "templates" / "route-map-template.xlsx"
PLAN = DATA / "curated" / "plan.yaml"
EXAMPLE_ID = "example-plan-21-24-building-capacity"


def route_store() -> Store:
    store = open_store("memory:")
    loaders = [
        CuratedLoader(DATA / "curated"),
        PlanYamlLoader(PLAN),
        RouteMapLoader(PLAN),
        RouteMapLoader(EXAMPLE),
    ]
    report = load_sources(store, loaders, validate=False, progress=False)
    assert not report.failed, [r.error for r in report.failed]
    return store
