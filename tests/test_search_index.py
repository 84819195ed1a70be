"""#20 item 2: search whose cost tracks the hits. Answers are pinned from the index before
prefix and word lookups became set operations over sorted keys and "did you mean" a
bounded candidate set (tests/snapshots/search_answers.json), on a synthetic landscape of
templated names (many names share a prefix or a near word, as at 10^6 triples) and on the
bundled data."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from govgraph.graph.facts import search
from govgraph.graph.facts.search import GROUPS, OTHER, SearchIndex, SearchResult, _Entry

PINNED = Path(__file__).parent / "snapshots" / "search_answers.json"
PLACES = ("Glenburn", "Kilwick", "Lochton", "Dunmore", "Ardbank", "Inverside", "Balford")
KINDS = ("community planning partnership", "third-sector organisation", "company", "board")
GROUP = {g.key: g for g in (*GROUPS, OTHER)}


def synthetic_entries(n: int = 600, seed: int = 5) -> list[_Entry]:
    """Templated names like the generator's: bodies with acronym aliases, posts, services."""
    rng = random.Random(seed)
    out: list[_Entry] = []

    def add(name: str, group: str, kind: str, aliases: list[str], scope: int = 1) -> None:
        last = 1 if group in ("services", "other") else 0
        out.append(
            _Entry(
                f"urn:x:{len(out)}",
                name,
                kind,
                GROUP[group],
                (scope, last, len(name), name),
                aliases,
            )
        )

    for i in range(n):
        place, kind = rng.choice(PLACES), rng.choice(KINDS)
        add(
            f"{place} {kind} {i}",
            "bodies",
            "Organisation",
            [f"{place[:3].upper()}{i}"],
            scope=rng.randrange(2),
        )
        if i % 3 == 0:
            add(f"Chair, org {i}", "posts", "Post", [])
        if i % 4 == 0:
            add(f"Care service {i}", "services", "Care service", [])
    add("Convention of Scottish Local Authorities", "bodies", "Organisation", ["COSLA"], 0)
    add("Kinship care", "topics", "Policy area", [], 0)
    add("Kinship Care Collaborative", "bodies", "Organisation", [], 0)
    add("Glenburn community planning partnership 7", "bodies", "Organisation", ["GLE7B"])
    return out


def _typo(name: str, rng: random.Random) -> str:
    dropped = rng.randrange(len(name))
    return name[:dropped] + name[dropped + 1 :]


def queries(entries: list[_Entry], seed: int = 11) -> dict[str, list[str]]:
    """Queries of each way, written as bench_search.py writes them."""
    rng = random.Random(seed)
    sample = rng.sample(entries, 40)
    return {
        "exact": [e.name for e in sample] + ["cosla", "Kinship care"],
        "prefix": [e.name.lower()[: max(3, len(e.name) // 2)] for e in sample]
        + ["gl", "co", "kin", "chair, org 1", "care service 2"],
        "words": [" ".join(reversed(e.name.split())) for e in sample]
        + ["partnership glenburn", "org chair", "planning 7"],
        "typo": [_typo(e.name, rng) for e in sample]
        + ["Glenbrn comunity planing partnership", "Kilwik company", "zzzz qqqq", "cosal"],
    }


def answer(result: SearchResult, full: bool) -> Any:
    """What is pinned: the whole page for the exact ways, the suggestion and the first hit
    for close spellings (the candidates they are looked for among are bounded now)."""
    hits = [[h.iri, h.how, h.matched] for h in result.hits]
    if full:
        return [result.total, result.did_you_mean, result.group_counts, hits]
    return [result.did_you_mean, hits[:1]]


def answers(index: SearchIndex, asked: dict[str, list[str]]) -> dict[str, Any]:
    return {
        way: {q: answer(index.search(q, first=20), way != "typo") for q in texts}
        for way, texts in asked.items()
    }


@pytest.fixture(scope="module")
def synthetic() -> SearchIndex:
    return SearchIndex(synthetic_entries())


@pytest.mark.parametrize("way", ["exact", "prefix", "words", "typo"])
def test_synthetic_answers_are_the_pinned_ones(synthetic: SearchIndex, way: str) -> None:
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))["synthetic"][way]
    asked = queries(synthetic._entries)[way]
    got = answers(synthetic, {way: asked})[way]
    assert got == pinned


def bundled_queries(index: SearchIndex) -> dict[str, list[str]]:
    rng = random.Random(3)
    names = sorted({e.name for e in index._entries})
    sample = rng.sample(names, 40)
    return {
        "exact": sample,
        "prefix": [n.lower()[: max(3, len(n) // 2)] for n in sample] + ["sc", "care", "in"],
        "words": [" ".join(reversed(n.split())) for n in sample],
        "typo": [_typo(n, rng) for n in sample] + ["scottish goverment", "Inverclyd"],
    }


@pytest.mark.parametrize("way", ["exact", "prefix", "words", "typo"])
def test_bundled_answers_are_the_pinned_ones(bundled_index: SearchIndex, way: str) -> None:
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))["bundled"][way]
    got = answers(bundled_index, {way: bundled_queries(bundled_index)[way]})[way]
    assert got == pinned


@pytest.fixture(scope="module")
def bundled_index(bundled_store_path: Path) -> SearchIndex:
    from govgraph.graph.facts.search import build_index
    from govgraph.graph.storage.oxigraph_store import OxigraphStore

    with OxigraphStore(bundled_store_path, read_only=True) as s:
        return build_index(s)


def test_a_close_spelling_is_compared_with_a_bounded_set_of_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Thousands of names share the near word of a typo ("Kilwik" for Kilwick); the costly
    comparison runs on the few names close in every word, not on all of them, and the
    suggestion is the intended name."""
    entries = synthetic_entries(6000)
    index = SearchIndex(entries)
    compared: list[int] = []
    extract = search.process.extract

    def counting(query: str, choices: Any, **kwargs: Any) -> Any:
        if kwargs.get("scorer") is search.fuzz.WRatio:
            compared.append(len(choices))
        return extract(query, choices, **kwargs)

    monkeypatch.setattr(search.process, "extract", counting)
    target = next(e for e in entries if e.name.startswith("Kilwick company"))
    typo = target.name.replace("Kilwick", "Kilwik").replace("company", "compnay")
    found = index.search(typo)
    assert found.did_you_mean == target.name
    # the names and aliases of at most CLOSE_NAMES entities (each body has one alias here)
    assert compared and max(compared) <= 2 * search.CLOSE_NAMES, compared


class _Counted(list[Any]):
    """A list that counts the items read from it."""

    reads = 0

    def __getitem__(self, key: Any) -> Any:
        type(self).reads += 1
        return super().__getitem__(key)


def test_a_short_last_word_narrows_by_sets_not_by_reading_each_candidates_words(
    synthetic: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "kinship c": the "c" starts thousands of names' words; the few names holding
    "kinship" are narrowed by an intersection with the names of "c" words (kept with the
    index after its first use), not by reading each candidate's words in Python, which
    grew with the candidates of the query's rarest word."""
    first = synthetic.search("kinship c")
    monkeypatch.setattr(synthetic, "_words_of", _Counted(synthetic._words_of))
    again = synthetic.search("kinship c")
    assert _Counted.reads == 0
    assert [h.name for h in again.hits] == [h.name for h in first.hits]
    assert {h.name for h in again.hits} == {"Kinship care", "Kinship Care Collaborative"}


def test_a_page_names_what_each_hit_matched_without_reading_its_names_again(
    synthetic: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The words of every name and alias are read once, when the index is built: a search
    splits only the query into words, whatever the size of its page (each hit's matched
    name was worked out by splitting its names again, a cost per hit)."""
    split: list[str] = []
    words = search.search_words
    monkeypatch.setattr(search, "search_words", lambda t: split.append(t) or words(t))
    found = synthetic.search("partnership glenburn")
    assert len(found.hits) == 20 and all(h.how == "words" for h in found.hits)
    assert set(split) == {"partnership glenburn"}


def record() -> None:
    """Write the pinned answers from the current code (run once, before a change)."""
    import sys

    from govgraph.graph.facts.search import build_index
    from govgraph.graph.storage.oxigraph_store import OxigraphStore

    synthetic = SearchIndex(synthetic_entries())
    with OxigraphStore(Path(sys.argv[1]), read_only=True) as s:
        bundled = build_index(s)
    data = {
        "synthetic": answers(synthetic, queries(synthetic._entries)),
        "bundled": answers(bundled, bundled_queries(bundled)),
    }
    PINNED.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    record()
