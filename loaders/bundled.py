"""The bundled dataset: what ``govgraph load`` loads with no argument, in order.

Curated data comes first so that official directories resolve to the curated entities
(by code, then by name) instead of minting second identities; care services come after the
geography they are placed in.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from govgraph.loaders.base import Loader
from govgraph.loaders.registry import loader_class


def data_dir() -> Path:
    return Path(str(resources.files("govgraph").joinpath("data")))


BUNDLED: list[tuple[str, str]] = [
    ("curated", "curated"),
    ("plan", "curated/plan.yaml"),
    ("route-map", "curated/plan.yaml"),
    ("phs-geography", "derived/scot-health-geography"),
    ("statutory", "curated/statutory.yaml"),
    ("care-inspectorate", "derived/care-inspectorate-datastore"),
    ("govuk", "derived/govuk-organisations"),
    ("public-bodies", "derived/uk-public-bodies-directory-2023-24"),
]
"""(kind, path under data/) for each bundled source."""


def bundled_loaders() -> list[Loader]:
    root = data_dir()
    return [loader_class(kind)(root / rel) for kind, rel in BUNDLED]
