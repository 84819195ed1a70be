"""Shared fixtures: every test gets a fresh in-memory store unless it asks for more."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from govgraph.graph.store import Store, open_store

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"
"""The workspace's shared folder (seeds and public datasets); CI has it beside the clone."""


@pytest.fixture
def store() -> Iterator[Store]:
    s = open_store("memory:")
    yield s
    s.close()
