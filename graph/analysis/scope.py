"""The Scottish landscape: which bodies the maps and the overlap report look at by default.

The core is every entity a source document (a report or plan, not a dataset) cites, and
every body placed in a Scottish council or health board area (``queries/map_scope_core.rq``
says the same in SPARQL); the scope is the core and the bodies one stated relationship away
from it. UK-wide bodies in the GOV.UK register with no link to the core fall outside: they
answer to UK departments the graph does not hold, so they would only clutter an advisor's
lists of orphans.
"""

from __future__ import annotations

from collections.abc import Iterable

SCOPES = ("scotland", "all")
"""``scotland``: the core and one hop (the default); ``all``: every body in the graph."""


def one_hop(core: set[str], links: Iterable[tuple[str, str]]) -> set[str]:
    """``core`` and whatever one link (either way) joins to it."""
    near = set(core)
    for a, b in links:
        if a in core:
            near.add(b)
        if b in core:
            near.add(a)
    return near
