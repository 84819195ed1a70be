"""Shared helpers for the Plan 21-24 tests: the seed document and the curated resolver."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from govgraph.loaders.bundled import data_dir
from govgraph.loaders.change_programme import parse_change_programme
from govgraph.loaders.plan_model import Plan
from govgraph.loaders.resolve import Resolver
from govgraph.ontology.terms import ID
from tests.conftest import SHARED

SEED_NAME = "003_491c0dde5aa65afd.txt"
SEED = SHARED / "seeds" / SEED_NAME
CURATED = data_dir() / "curated"
PLAN_YAML = CURATED / "plan.yaml"


def seed_plan() -> Plan:
    if not SEED.exists():
        pytest.skip(f"the shared seed {SEED} is not available (CI checks it out beside the repo)")
    return parse_change_programme(SEED.read_text(encoding="utf-8"), SEED_NAME)


def curated_resolver() -> Resolver:
    """The resolver the curated register gives: loaded through the curated loader when it
    exists, else from the names and aliases in its YAML files; skip when there is none."""
    if not (CURATED / "organisations.yaml").exists():
        pytest.skip("data/curated/organisations.yaml does not exist yet")
    try:
        from govgraph.graph.storage.store import open_store
        from govgraph.loaders.curated import CuratedLoader  # type: ignore[import-not-found]
        from govgraph.loaders.pipeline import load_sources, resolver_from_store
    except ImportError:
        return _resolver_from_yaml(CURATED)
    store = open_store("memory:")
    try:
        report = load_sources(store, [CuratedLoader(CURATED)], validate=False, progress=False)
        if report.failed:
            pytest.fail(f"the curated register does not load: {report.failed[0].error}")
        return resolver_from_store(store)
    finally:
        store.close()


def _resolver_from_yaml(folder: Path) -> Resolver:
    resolver = Resolver()
    for name in ("organisations.yaml", "collectives.yaml"):
        path = folder / name
        if not path.exists():
            continue
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        records = (
            raw
            if isinstance(raw, list)
            else next((v for v in (raw or {}).values() if isinstance(v, list)), [])
        )
        for record in records:
            if isinstance(record, dict) and record.get("id") and record.get("name"):
                names = [record["name"], *(record.get("aliases") or [])]
                resolver.add(ID[str(record["id"])], [str(n) for n in names])
    return resolver
