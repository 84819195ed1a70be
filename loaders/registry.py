"""Loaders by name, as the CLI spells them (``govgraph load KIND:PATH``)."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from govgraph.graph.core.errors import SourceError
from govgraph.loaders.base import Loader

LOADERS: dict[str, str] = {
    "curated": "govgraph.loaders.curated:CuratedLoader",
    "plan": "govgraph.loaders.plan:PlanYamlLoader",
    "change-programme": "govgraph.loaders.change_programme:ChangeProgrammeLoader",
    "phs-geography": "govgraph.loaders.phs_geography:PhsGeographyLoader",
    "statutory": "govgraph.loaders.curated_statutory:StatutoryLinesLoader",
    "care-inspectorate": "govgraph.loaders.care_inspectorate:CareInspectorateLoader",
    "govuk": "govgraph.loaders.govuk:GovukOrganisationsLoader",
    "public-bodies": "govgraph.loaders.public_bodies:UkPublicBodiesLoader",
    "rdf": "govgraph.loaders.rdf_file:RdfFileLoader",
    "csv": "govgraph.loaders.generic_csv:GenericCsvLoader",
    "route-map": "govgraph.loaders.route_map:RouteMapLoader",
}
"""Kind -> "module:Class"; imported on use so one broken loader cannot break the others."""

_RDF_SUFFIXES = {".ttl", ".nt", ".jsonld", ".json-ld", ".n3", ".rdf", ".owl"}


def loader_class(kind: str) -> type[Loader]:
    try:
        target = LOADERS[kind]
    except KeyError:
        known = ", ".join(sorted(LOADERS))
        raise SourceError(f"unknown source kind '{kind}': use one of {known}") from None
    module, _, name = target.partition(":")
    cls: object = getattr(import_module(module), name)
    assert isinstance(cls, type) and issubclass(cls, Loader)
    return cls


def loader_for(spec: str) -> Loader:
    """A loader for ``KIND:PATH``, or for a bare path whose kind its suffix tells."""
    kind, sep, path = spec.partition(":")
    if not sep or kind not in LOADERS:
        kind, path = _guess_kind(Path(spec)), spec
    if not Path(path).exists():
        raise SourceError("no such file or directory", file=path)
    return loader_class(kind)(Path(path))


def _guess_kind(path: Path) -> str:
    if path.suffix.lower() in _RDF_SUFFIXES:
        return "rdf"
    if path.is_dir():
        return "curated"
    if path.name in ("plan.yaml", "plan.yml"):
        return "plan"
    if path.name in ("statutory.yaml", "statutory.yml"):
        return "statutory"
    raise SourceError(
        "cannot tell what kind of source this is: write KIND:PATH, with KIND one of "
        + ", ".join(sorted(LOADERS)),
        file=str(path),
    )


def graph_claim_problem(kind: str, source_id: str) -> str | None:
    """Why a source of ``kind`` may not write the graph ``ggraph:<source_id>``, or None.

    The graph a source replaces is named after its id, which a CSV mapping (``source.id``)
    chooses freely: without this check ``id: curated`` would replace the curated register
    and ``id: ontology`` the ontology."""
    from govgraph.ontology.terms import GRAPH, PRODUCT_GRAPHS

    if GRAPH[source_id] in PRODUCT_GRAPHS or source_id.startswith("staging"):
        return f"'{source_id}' is a graph govgraph itself writes: choose another id"
    for other in LOADERS:
        if other == kind:
            continue
        cls = loader_class(other)
        if source_id in cls.graph_ids or (
            cls.graph_prefix is not None and source_id.startswith(cls.graph_prefix)
        ):
            return (
                f"'{source_id}' is the graph of the {other} source, which a {kind} source "
                "may not replace: choose another id"
            )
    return None
