"""A body's page draws it and its direct neighbours as a small static SVG whose labels
cannot overlap; a hub with more neighbours than fit gets the link to the clustered map."""

from __future__ import annotations

import itertools
import re
import xml.dom.minidom

import pytest
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import GG
from govgraph.visualisations.thumbnail import ROW, Neighbour, ego_svg


def _neighbours(count: int) -> list[Neighbour]:
    return [
        Neighbour(
            f"urn:n{i}",
            f"Neighbour {i} with a name far longer than any column holds",
            str(GG.Team),
            str(GG.reportsTo),
            "receives reports from",
        )
        for i in range(count)
    ]


def test_neighbours_stand_in_two_columns_a_row_apart_with_names_escaped() -> None:
    svg = ego_svg("Centre <Body>", str(GG.Board), _neighbours(9), max_neighbours=20)
    assert svg is not None
    xml.dom.minidom.parseString(svg)  # well-formed, names escaped
    labels = [
        (float(x), float(y))
        for x, y in re.findall(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor', svg)
    ]
    assert len(labels) == 9
    for side in {x for x, _ in labels}:
        ys = sorted(y for x, y in labels if x == side)
        assert all(b - a >= ROW for a, b in itertools.pairwise(ys))
    assert "…" in svg and "receives reports from" in svg  # cut names, and the legend


def test_no_drawing_for_a_body_alone_or_a_hub() -> None:
    assert ego_svg("Centre", str(GG.Board), _neighbours(0), max_neighbours=20) is None
    assert ego_svg("Centre", str(GG.Board), _neighbours(21), max_neighbours=20) is None


@pytest.mark.slow
def test_entity_pages_draw_small_neighbourhoods_only(bundled: Store) -> None:
    with TestClient(create_app(bundled)) as client:
        ijb = client.get("/id/inverclyde-ijb", headers={"Accept": "text/html"}).text
        hub = client.get("/id/care-inspectorate", headers={"Accept": "text/html"}).text
    assert '<figure class="gg-ego">' in ijb and "Inverclyde Council</text>" in ijb
    assert '<figure class="gg-ego">' not in hub and "/maps/ego?focus=care-inspectorate" in hub
