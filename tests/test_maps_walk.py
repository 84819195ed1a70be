"""Issue 20 item 1: maps from bounded walks. The ego map reads the focus's neighbourhood ring
by ring (never every relationship in the graph), the landscape's tables are read once per
data version, and the bulk reads take plain strings from the engine."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from rdflib.term import Node

from govgraph.graph.facts.map_queries import relationship_edges
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Row, Store
from govgraph.ontology.terms import ID
from govgraph.visualisations import extract, layout
from govgraph.visualisations.kinds import LANDSCAPE_CLASSES, MapRequest, out_of_scope
from govgraph.visualisations.maps import build_map


@pytest.fixture(autouse=True)
def layout_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(layout.CACHE_ENV, str(tmp_path / "cache"))
    layout.clear_memory_cache()


class Recording:
    """A store that notes the text of every SELECT it runs (and delegates the rest)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.texts: list[str] = []
        self.bound: list[tuple[str, set[str]]] = []
        """(query text, IRIs bound to ``ids``) for every batched query."""

    def select(self, text: str, values: Mapping[str, Sequence[Node]] | None = None) -> list[Row]:
        self.texts.append(text)
        return self._store.select(text, values)

    def select_strings(
        self, text: str, values: Mapping[str, Sequence[Node]] | None = None
    ) -> list[dict[str, str]]:
        self.texts.append(text)
        if values and "ids" in values:
            self.bound.append((text, {str(v) for v in values["ids"]}))
        return self._store.select_strings(text, values)

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


@pytest.fixture
def recording(bundled: Store) -> Iterator[Recording]:
    yield Recording(bundled)


def _whole_graph(texts: list[str]) -> list[str]:
    whole = {query("map_edges"), query("map_scope_core").replace("#IDS", "")}
    return [t for t in texts if t in whole]


@pytest.mark.parametrize("scope", ["scotland", "all"])
def test_an_ego_map_reads_nothing_once_its_version_is_read(
    recording: Recording, scope: str
) -> None:
    """#20 item 1: the map tables (line index, line details, entity facts, the Scottish core,
    class members) are read once per data version; an ego map then walks its neighbourhood
    in memory: a 500-node hub map issues no batched read and no read of its lines or facts,
    only the focus's lookup by id and the sources under its title."""
    build_map(recording, "ego", focus="inverclyde-council", depth=1, scope=scope)  # type: ignore[arg-type]
    recording.texts.clear()
    recording.bound.clear()
    model = build_map(recording, "ego", focus="care-inspectorate", depth=1, scope=scope)  # type: ignore[arg-type]
    assert len(model.nodes) > 500
    assert recording.bound == [(query("map_nodes_by_id"), {str(ID["care-inspectorate"])})]
    assert sorted(recording.texts) == sorted([query("map_nodes_by_id"), query("map_sources")])
    recording.texts.clear()
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(recording, "data_version", lambda: "a newer version", raising=False)
    try:
        again = build_map(recording, "ego", focus="care-inspectorate", depth=1, scope=scope)  # type: ignore[arg-type]
    finally:
        monkeypatch.undo()
    assert query("map_line_details") in recording.texts  # a new version is read afresh
    assert again.edges == model.edges


class _Asked:
    """A line index that notes which entities' lines are asked for, and from which side."""

    def __init__(self, index: object) -> None:
        self._index = index
        self.around: set[str] = set()
        self.incoming: set[str] = set()

    def around_(self, iri: str) -> object:
        self.around.add(iri)
        return self._index.around(iri)  # type: ignore[attr-defined]

    def incoming_(self, iri: str) -> object:
        self.incoming.add(iri)
        return self._index.incoming(iri)  # type: ignore[attr-defined]


@pytest.mark.parametrize("scope", ["scotland", "all"])
def test_the_walk_reads_only_the_neighbourhood_and_the_last_ring_from_one_side(
    bundled: Store, scope: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk asks the line index about the entities within ``depth`` of the focus only
    (the cost follows the neighbourhood, not the graph), and a hub's services, at the edge
    of its map, only for the lines into them, which hold every line among the map's
    entities."""
    from govgraph.graph.facts import map_queries
    from govgraph.visualisations.kinds import AGGREGATED_CLASSES

    tables = map_queries.map_tables(bundled)
    asked = _Asked(tables.lines)
    fake = type(
        "Index",
        (),
        {"around": staticmethod(asked.around_), "incoming": staticmethod(asked.incoming_)},
    )()
    monkeypatch.setattr(tables, "lines", fake)
    model = build_map(bundled, "ego", focus="care-inspectorate", depth=1, scope=scope)
    services = {n.id for n in model.nodes if n.type in {str(c) for c in AGGREGATED_CLASSES}}
    assert len(services) > 500
    assert not asked.around & services
    assert services <= asked.incoming
    reached, _ = _reference_ego(bundled, str(ID["care-inspectorate"]), 1, "all")
    assert asked.around | asked.incoming <= reached


def test_an_ego_page_is_kept_per_data_version(
    recording: Recording, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hub's ego map is written once per data version (and focus, depth, date, scope):
    asked again, it is a lookup that reads nothing; a new version, or another depth, is
    built afresh."""
    from govgraph.graph.core.recent import Recent
    from govgraph.visualisations import maps

    monkeypatch.setattr(maps, "_PAGES", Recent(16))
    ask = {"focus": "care-inspectorate", "depth": 1, "served": True}
    first = maps.render_map(recording, "ego", **ask)  # type: ignore[arg-type]
    read = len(recording.texts)
    assert maps.render_map(recording, "ego", **ask) == first  # type: ignore[arg-type]
    assert len(recording.texts) == read
    maps.render_map(recording, "ego", **{**ask, "depth": 2})  # type: ignore[arg-type]
    assert len(recording.texts) > read
    read = len(recording.texts)
    monkeypatch.setattr(maps, "data_version", lambda store: "a newer version")
    assert maps.render_map(recording, "ego", **ask) == first  # type: ignore[arg-type]
    assert len(recording.texts) > read


def test_the_slider_years_are_read_once_per_data_version(
    recording: Recording, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#20 item 2: the years for the date slider scan every dated fact of the graph, so a
    small ego map asked after the first reads them from memory, not from the store; a new
    data version reads them again."""

    years = query("map_years")
    first = build_map(recording, "ego", focus="care-inspectorate", depth=1)  # type: ignore[arg-type]
    assert first.years and 2019 in first.years
    recording.texts.clear()
    again = build_map(recording, "ego", focus="the-promise-scotland", depth=1)  # type: ignore[arg-type]
    assert years not in recording.texts
    assert again.years == first.years
    monkeypatch.setattr(recording, "data_version", lambda: "a newer version", raising=False)
    build_map(recording, "ego", focus="the-promise-scotland", depth=1)  # type: ignore[arg-type]
    assert years in recording.texts


def _reference_ego(store: Store, focus: str, depth: int, scope: str) -> tuple[set[str], int]:
    """The ego map's entities and lines as read from the whole graph (the old way)."""
    edges = extract.canonical_edges(
        relationship_edges(store, extract.relationship_kind_iris()), None
    )
    outside = out_of_scope(store, scope, via_services=True) - {focus}
    step: dict[str, set[str]] = {}
    for e in edges:
        if e.source in outside or e.target in outside:
            continue
        step.setdefault(e.source, set()).add(e.target)
        step.setdefault(e.target, set()).add(e.source)
    seen, frontier = {focus}, [focus]
    for _ in range(depth):
        frontier = [m for n in frontier for m in step.get(n, ()) if m not in seen]
        seen.update(frontier)
    return seen, len(outside)


@pytest.mark.parametrize(
    ("focus", "depth", "scope"),
    [
        ("care-inspectorate", 1, "scotland"),
        ("inverclyde-council", 2, "scotland"),
        ("scottish-government", 1, "scotland"),
        ("scottish-government", 2, "all"),
    ],
)
def test_the_bounded_walk_finds_what_the_whole_graph_says(
    bundled: Store, focus: str, depth: int, scope: str
) -> None:
    iri = str(ID[focus])
    model = build_map(bundled, "ego", focus=focus, depth=depth, scope=scope)
    reached, _ = _reference_ego(bundled, iri, depth, scope)
    assert {n.id for n in model.nodes} <= reached
    assert len(model.nodes) >= 0.9 * len(reached)  # the unnamed are not drawn
    drawn = {n.id for n in model.nodes}
    every = extract.canonical_edges(
        relationship_edges(bundled, extract.relationship_kind_iris()), None
    )
    assert model.edges == extract.within(every, drawn)


def test_the_landscape_is_read_once_per_data_version(recording: Recording) -> None:
    build_map(recording, "landscape")  # type: ignore[arg-type]
    first = len(_whole_graph(recording.texts))
    assert first >= 1
    again = build_map(recording, "landscape", focus="care-inspectorate", served=True)  # type: ignore[arg-type]
    assert len(_whole_graph(recording.texts)) == first
    assert again.focus == str(ID["care-inspectorate"])
    assert all(n.url for n in again.nodes)
    plain = build_map(recording, "landscape")  # type: ignore[arg-type]
    assert not any(n.url for n in plain.nodes)  # a cached table is never changed by a caller


def test_bulk_reads_are_plain_strings(bundled: Store) -> None:
    classes = [c for c in LANDSCAPE_CLASSES]
    rows = bundled.select_strings(query("map_nodes"), {"classes": classes})
    assert rows and all(type(v) is str for r in rows[:50] for v in r.values())
    assert MapRequest(None, 1, None).scope == "scotland"
