"""Node positions computed in Python, so big maps draw at once with physics off.

Force maps: each connected component is laid out with igraph's Fruchterman-Reingold
(grid variant above 1,000 nodes: O(n) per iteration in C, 0.55 s for 10,000 nodes here,
against 69 s for networkx ``spring_layout`` on 7,400), scaled to a common edge length;
the largest sits at the left and the smaller ones and the isolated nodes (sorted by type,
so colours cluster) fill columns beside it, so the map fills a screen-shaped box. Layered
maps (accountability, actions) place nodes in rows by level, ordered by the barycentre of
their neighbours to limit crossings.

Layouts are cached per data version: the key is a hash of the algorithm, node ids, edges
and levels, in memory and on disk (``$GOVGRAPH_CACHE`` or ``.govgraph/cache``), so a
second build of the same map is instant and any change to the data recomputes.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # at run time igraph is imported where a layout is computed
    import igraph

from govgraph.graph.core.config import CACHE_ENV as CACHE_ENV  # its name, kept here too
from govgraph.graph.core.config import DEFAULT_CACHE as CACHE_FOLDER
from govgraph.graph.core.config import current

Point = tuple[float, float]
Positions = dict[str, Point]

VERSION = "7"
"""Bump when an algorithm changes, so cached layouts are not reused."""
EDGE_LENGTH = 80.0
"""Median edge length in pixels at scale 1."""
DEFAULT_CACHE = Path(CACHE_FOLDER)
_MEMORY: dict[str, Positions] = {}
_MEMORY_MAX = 32


def force_layout(
    nodes: Sequence[str],
    edges: Iterable[tuple[str, str]],
    *,
    groups: dict[str, str] | None = None,
    seed: int = 7,
) -> Positions:
    """Positions for a general graph: components laid out separately and packed."""
    import igraph

    index = {n: i for i, n in enumerate(nodes)}
    pairs = sorted(
        {
            (min(index[a], index[b]), max(index[a], index[b]))
            for a, b in edges
            if a in index and b in index and a != b
        }
    )
    graph = igraph.Graph(n=len(nodes), edges=pairs)
    rng = random.Random(seed)
    igraph.set_random_number_generator(rng)
    try:
        components = sorted(graph.connected_components(), key=lambda c: (-len(c), c[0]))
        blocks: list[Positions] = []
        isolated: list[str] = []
        for comp in components:
            if len(comp) == 1:
                isolated.append(nodes[comp[0]])
                continue
            blocks.append(_component(graph, comp, nodes))
    finally:
        igraph.set_random_number_generator(random)
    key = (groups or {}).get
    isolated.sort(key=lambda n: (key(n) or "", n))
    return _pack(blocks, EDGE_LENGTH * 1.2, isolated)


def _component(graph: igraph.Graph, comp: list[int], nodes: Sequence[str]) -> Positions:
    sub = graph.subgraph(comp)
    if len(comp) == 2:
        coords = [(0.0, 0.0), (EDGE_LENGTH, 0.0)]
    else:
        layout = sub.layout_fruchterman_reingold(niter=500, grid="auto")
        coords = [(float(x), float(y)) for x, y in layout.coords]
        lengths = sorted(math.dist(coords[a], coords[b]) for a, b in sub.get_edgelist() if a != b)
        median = lengths[len(lengths) // 2] if lengths else 1.0
        scale = EDGE_LENGTH / (median or 1.0)
        coords = [(x * scale, y * scale) for x, y in coords]
    return {nodes[i]: c for i, c in zip(comp, coords, strict=True)}


ASPECT = 1.5
"""Width over height of the canvas a map opens in (1400x900 less the legend)."""


def _grid(items: Sequence[str], step: float, rows: int | None = None) -> Positions:
    """A grid, column by column when ``rows`` is given (to fill a column beside a block)."""
    if rows:
        return {n: ((i // rows) * step, (i % rows) * step) for i, n in enumerate(items)}
    cols = max(1, math.ceil(math.sqrt(len(items) * 1.6)))
    return {n: ((i % cols) * step, (i // cols) * step) for i, n in enumerate(items)}


def _box(block: Positions, margin: float) -> tuple[float, float, float, float]:
    xs = [p[0] for p in block.values()]
    ys = [p[1] for p in block.values()]
    return min(xs), min(ys), max(xs) - min(xs) + margin, max(ys) - min(ys) + margin


def _pack(blocks: list[Positions], margin: float, isolated: Sequence[str] = ()) -> Positions:
    """The largest component at the left; smaller components and the isolated nodes packed
    in columns beside it, the column height chosen so the whole map has the canvas's shape
    (:data:`ASPECT`) instead of trailing a grid below the main component."""
    if not blocks and not isolated:
        return {}
    step = EDGE_LENGTH * 0.75
    main_h = _box(blocks[0], margin)[3] if blocks else step
    tallest = max([main_h, *(_box(b, margin)[3] for b in blocks)])
    best: tuple[float, Positions] | None = None
    for k in range(12):
        height = tallest * (1 + k * 0.25)
        out, width = _columns(blocks, margin, isolated, step, height)
        span = max(height, max((p[1] for p in out.values()), default=0.0))
        miss = abs(math.log((width / span) / ASPECT))
        if best is None or miss < best[0]:
            best = (miss, out)
    assert best is not None
    return best[1]


def _columns(
    blocks: list[Positions],
    margin: float,
    isolated: Sequence[str],
    step: float,
    height: float,
) -> tuple[Positions, float]:
    """Blocks in columns no taller than ``height`` (the first block its own column);
    the isolated nodes in a grid of that height. Returns positions and the total width."""
    if isolated:
        rows = max(1, int(height // step))
        blocks = [*blocks, _grid(isolated, step, rows=rows)]
    out: Positions = {}
    x = y = col_width = 0.0
    for n, block in enumerate(blocks):
        minx, miny, w, h = _box(block, margin)
        if n > 0 and y > 0 and y + h > height:
            x, y, col_width = x + col_width, 0.0, 0.0
        for node, (px, py) in block.items():
            out[node] = (round(px - minx + x, 1), round(py - miny + y, 1))
        if n == 0:
            x, y, col_width = w, 0.0, 0.0
        else:
            y += h
            col_width = max(col_width, w)
    return out, x + col_width


def layered_layout(
    levels: dict[str, int],
    edges: Iterable[tuple[str, str]],
    *,
    direction: str = "UD",
    order: dict[str, str] | None = None,
) -> Positions:
    """Rows by level (columns when ``direction`` is LR), ordered by neighbour barycentre;
    a wide level wraps into staggered sub-rows (sub-columns) so the map keeps a shape that
    fits a screen with its labels readable."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        if a in levels and b in levels and a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    rows: dict[int, list[str]] = defaultdict(list)
    sort_key = (order or {}).get
    for n in sorted(levels, key=lambda n: (sort_key(n) or "", n)):
        rows[levels[n]].append(n)
    ranks = sorted(rows)
    pos = {n: float(i) for r in ranks for i, n in enumerate(rows[r])}
    for sweep in range(4):
        sequence = ranks if sweep % 2 == 0 else list(reversed(ranks))
        for r in sequence:

            def bary(n: str, r: int = r) -> float:
                near = [pos[m] for m in neighbours[n] if levels[m] != r]
                return sum(near) / len(near) if near else pos[n]

            rows[r].sort(key=bary)
            for i, n in enumerate(rows[r]):
                pos[n] = float(i)
    # (step along a row, gap between levels, gap between a level's sub-rows, row length)
    along, level_gap, sub_gap, wrap = (
        (190.0, 190.0, 80.0, 14) if direction == "UD" else (46.0, 330.0, 200.0, 14)
    )
    out: Positions = {}
    offset = 0.0
    for r in ranks:
        row = rows[r]
        subs = math.ceil(len(row) / wrap)
        per_sub = math.ceil(len(row) / subs)
        for i, n in enumerate(row):
            sub, col = divmod(i, per_sub)
            u = (col - (per_sub - 1) / 2) * along + (along / 2 if sub % 2 else 0.0)
            v = offset + sub * sub_gap
            out[n] = (u, v) if direction == "UD" else (v, u)
        offset += level_gap + (subs - 1) * sub_gap
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in out.items()}


def layout_key(
    algorithm: str, nodes: Iterable[str], edges: Iterable[tuple[str, str]], *extra: object
) -> str:
    """A hash of everything a layout depends on: the data version, as far as the map goes.
    Nodes are hashed in the order given, because the layouts number them in that order (a
    sorted key once served a layout computed from another order)."""
    h = hashlib.sha256(f"{VERSION}\x00{algorithm}\x00".encode())
    for n in nodes:
        h.update(n.encode() + b"\x00")
    h.update(b"\x01")
    for a, b in sorted(edges):
        h.update(f"{a}\x00{b}\x00".encode())
    h.update(json.dumps(extra, sort_keys=True, default=str).encode())
    return h.hexdigest()


def cache_dir() -> Path:
    return Path(current().cache or DEFAULT_CACHE) / "layouts"


def cached(key: str, compute: Callable[[], Positions]) -> Positions:
    """The layout stored under ``key`` (memory, then disk), else computed and stored.

    A cache that cannot be written (read-only disk) only costs the recomputation."""
    if key in _MEMORY:
        return _MEMORY[key]
    path = cache_dir() / f"{key}.json"
    positions: Positions | None = None
    try:
        raw = json.loads(path.read_text("utf-8"))
        positions = {n: (float(p[0]), float(p[1])) for n, p in raw.items()}
    except (OSError, ValueError, TypeError, IndexError, AttributeError):
        positions = None
    if positions is None:
        positions = compute()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(positions, separators=(",", ":")), "utf-8")
            tmp.replace(path)
        except OSError:
            pass
    if len(_MEMORY) >= _MEMORY_MAX:
        _MEMORY.pop(next(iter(_MEMORY)))
    _MEMORY[key] = positions
    return positions


def clear_memory_cache() -> None:
    _MEMORY.clear()
