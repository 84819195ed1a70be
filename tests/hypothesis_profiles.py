"""Hypothesis profiles for the two tiers. ``make test`` runs the ``full`` profile: each
property test draws the number of examples it names. ``make test-fast`` passes
``--hypothesis-profile=fast``, which draws a fifth of them (at least one), so the fast tier
still runs every property test, on fewer inputs, and nothing else changes."""

from __future__ import annotations

from hypothesis import settings

FULL = "full"
FAST = "fast"

settings.register_profile(FULL, max_examples=100)  # Hypothesis's own default
settings.register_profile(FAST, max_examples=20)


def examples(full: int) -> int:
    """``full`` examples under the full profile, scaled by the loaded profile's
    ``max_examples`` against the full profile's 100. Explicit ``@settings(max_examples=)``
    values win over any profile, which is why tests ask this function instead."""
    return max(1, full * settings.default.max_examples // 100)
