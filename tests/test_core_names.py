"""The core's name keys: one normaliser, and the variants built on it."""

from __future__ import annotations

from govgraph.graph.core.names import name_key, singular_key


def test_a_heading_spelt_with_and_without_a_plural_is_one_key() -> None:
    assert singular_key("Children’s Hearings System") == singular_key("Children's Hearing System")
    assert singular_key("The Bus") == "bus" == name_key("Bus")  # short words keep their s
