"""Find entities by what people call them: one index per data version behind the site's
search page, the header's suggestions, GraphQL ``search`` and name lookups in the CLI.

Names and aliases are compared through the one name normaliser
(:mod:`govgraph.graph.core.names`), so case, accents, '&'/'and', punctuation, word order
and written-out abbreviations ("IJB") do not matter. Hits are ranked by how they match:

1. the exact name, 2. an exact alias (COSLA, SCRA), 3. the start of a name, 4. the start of
an alias, 5. every word of the query starts a word of a name or alias, in any order;
and, only when nothing matches so, 6. a close spelling (rapidfuzz), offered as "did you
mean". Within a rank: bodies of the Scottish landscape before the rest, care services
(a long tail of thousands) and change events last, then shorter names, then alphabetical.

The index is built once per data version from two scans and answers from memory, so a
query costs what its hits cost, not what the graph costs.
"""

from __future__ import annotations

import bisect
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rdflib import URIRef

from govgraph.graph.core.errors import NotFound, QueryError
from govgraph.graph.core.names import name_key, search_words, substring_key
from govgraph.graph.facts import map_queries
from govgraph.graph.facts.entities import entity_id, iri_for
from govgraph.graph.facts.map_queries import scope_core
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store
from govgraph.graph.storage.version_cache import PerVersion
from govgraph.ontology import model
from govgraph.ontology.terms import GG

MAX_QUERY = 200
"""Longest search text, in characters."""
MAX_HITS = 100
"""Most hits one search returns."""
FUZZY_CUTOFF = 80.0
"""Lowest rapidfuzz WRatio (0-100) that still counts as "did you mean"."""
CLOSE_WORD = 3
"""Shortest query word used to find the names a close spelling is looked for among."""
CLOSE_WORD_CUTOFF = 70.0
"""Lowest rapidfuzz ratio (0-100) of a vocabulary word to a query word that makes the names
holding it candidates for "did you mean"."""
CLOSE_NAMES = 200
"""Most names the query is compared with (WRatio) when looking for a close spelling."""
STOP_WORDS = frozenset({"and", "of", "the", "for", "in"})
"""Words a query may hold that need not appear in a name ("Perth & Kinross")."""

RANKS = ("name", "alias", "name prefix", "alias prefix", "words", "close spelling")
"""How a hit matched, best first (the index into this tuple is the rank)."""


@dataclass(frozen=True)
class Group:
    key: str
    heading: str
    classes: tuple[URIRef, ...]


GROUPS = (
    Group("bodies", "Bodies and groups", (GG.Organisation,)),
    Group("posts", "Posts and people", (GG.Post, GG.Person, GG.Collective)),
    Group("funds", "Funds and programmes", (GG.Fund, GG.Programme)),
    Group("actions", "Plan actions", (GG.Plan, GG.PlanPhase, GG.PriorityArea, GG.Action)),
    Group("topics", "Policy areas and client groups", (GG.PolicyArea, GG.ClientGroup)),
    Group("places", "Places", (GG.Area,)),
    Group("services", "Care services", (GG.CareService,)),
)
"""Result groups, in the order a results page shows them; each gathers the members of its
ontology classes (subclasses included). Anything else falls in "Other"."""
OTHER = Group("other", "Other", ())
LAST = (GROUPS[-1], OTHER)
"""Groups ranked after the rest within a kind of match: care services (thousands, named
after their providers) and other entities (change events such as "... set up")."""


@dataclass(frozen=True)
class Hit:
    iri: str
    name: str
    kind: str
    """The ontology label of the entity's most specific class."""
    group: Group
    rank: int
    """An index into :data:`RANKS`."""
    matched: str
    """The name or alias that matched."""

    @property
    def how(self) -> str:
        return RANKS[self.rank]


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    total: int
    """Hits in all, before ``first`` cut the list."""
    did_you_mean: str | None = None
    """When nothing matched as written: the name of the closest spelling."""
    group_counts: dict[str, int] = field(default_factory=dict)
    """Hits per group key, before any group filter: what each "only show" link would give."""

    def grouped(self) -> list[tuple[Group, list[Hit]]]:
        by_key: dict[str, list[Hit]] = defaultdict(list)
        for hit in self.hits:
            by_key[hit.group.key].append(hit)
        return [(g, by_key[g.key]) for g in (*GROUPS, OTHER) if by_key.get(g.key)]


@dataclass
class _Entry:
    iri: str
    name: str
    kind: str
    group: Group
    order: tuple[int, int, int, str]
    """In scope first, care services last, shorter names, then alphabetical."""
    aliases: list[str] = field(default_factory=list)


class SearchIndex:
    """Every named entity's names, aliases and words, ready to be matched in memory.

    Names and aliases are held as sorted keys (a prefix is a range found by bisection),
    words as postings with running sizes (a query word's prefix range tells how many names
    it would gather before any is gathered), and close spellings through a deletion index
    of the vocabulary; the hits of each kind of match are sets combined in C, so a query
    costs what its hits cost."""

    def __init__(self, entries: list[_Entry]) -> None:
        self._entries = entries
        self._exact: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        keyed: list[tuple[str, int, int, str]] = []
        postings: dict[str, set[int]] = defaultdict(set)
        for i, entry in enumerate(entries):
            for alias_rank, text in ((0, entry.name), *((1, a) for a in entry.aliases)):
                key = name_key(text)
                if not key:
                    continue
                self._exact[key].append((alias_rank, i, text))
                keyed.append((key, alias_rank, i, text))
                for word in search_words(text):
                    postings[word].add(i)
        keyed.sort()
        self._folded = ["\n".join(substring_key(t) for t in (e.name, *e.aliases)) for e in entries]
        """Each entity's names and aliases as the list's search filter reads them (lower
        case, accents and apostrophes gone, punctuation kept), one per line."""
        self._keys = [k[0] for k in keyed]
        self._keyed = keyed
        self._key_of_entry: dict[int, list[int]] = defaultdict(list)
        for n, (_, _, i, _) in enumerate(keyed):
            self._key_of_entry[i].append(n)
        names = [k for k in keyed if k[1] == 0]
        aliases = [k for k in keyed if k[1] == 1]
        self._name_keys = [k[0] for k in names]
        self._name_entry = [k[2] for k in names]
        self._alias_keys = [k[0] for k in aliases]
        self._alias_entry = [k[2] for k in aliases]
        self._vocabulary = sorted(postings)
        self._postings = {w: frozenset(v) for w, v in postings.items()}
        self._posting_list = [self._postings[w] for w in self._vocabulary]
        self._reach = [0]
        """Running total of the postings' sizes along the vocabulary."""
        for found in self._posting_list:
            self._reach.append(self._reach[-1] + len(found))
        self._words_of = [
            frozenset(w for t in (e.name, *e.aliases) for w in search_words(t)) for e in entries
        ]
        by_order = sorted(range(len(entries)), key=lambda i: (entries[i].order, i))
        self._order_pos = [0] * len(entries)
        """Each entry's place in the within-rank order (ties: the first entry first)."""
        for pos, i in enumerate(by_order):
            self._order_pos[i] = pos
        self._group_of = [e.group.key for e in entries]
        self._deletions: dict[str, list[str]] = defaultdict(list)
        """Each vocabulary word, and each spelling of it with one letter dropped, to the
        words: two words one or two edits apart share a key (the close-spelling index)."""
        for word in self._vocabulary:
            for variant in _one_dropped(word):
                self._deletions[variant].append(word)
        self._choices = {n: key for n, key in enumerate(self._keys)}

    def __len__(self) -> int:
        return len(self._entries)

    def search(
        self, text: str, *, first: int = 20, groups: Iterable[str] | None = None
    ) -> SearchResult:
        """Hits for ``text``, best first, at most ``first``; a QueryError for a text over
        :data:`MAX_QUERY` characters or ``first`` outside 0 to :data:`MAX_HITS`."""
        if len(text) > MAX_QUERY:
            raise QueryError(f"the search text is longer than {MAX_QUERY} characters")
        if not 0 <= first <= MAX_HITS:
            raise QueryError(f"first must be between 0 and {MAX_HITS}")
        text = text.strip()
        wanted = set(groups) if groups else None
        known = {g.key for g in (*GROUPS, OTHER)}
        if wanted is not None and wanted - known:
            raise QueryError(
                f"unknown result group {sorted(wanted - known)[0]!r}: expected one of "
                + ", ".join(sorted(known))
            )
        key = name_key(text)
        tiers: list[set[int]] = []
        """The entries matched at each rank, each set holding only what no better rank
        matched."""
        matched: dict[int, str] = {}
        if key:
            exact: dict[int, tuple[int, str]] = {}
            self._match_exact(key, exact)
            matched = {i: m for i, (_, m) in exact.items()}
            tiers = [
                {i for i, (r, _) in exact.items() if r == 0},
                {i for i, (r, _) in exact.items() if r == 1},
                set(self._name_entry[slice(*_span(self._name_keys, key))]),
                set(self._alias_entry[slice(*_span(self._alias_keys, key))]),
                self._match_words(text),
            ]
            seen: set[int] = set()
            for n, tier in enumerate(tiers):
                tiers[n] = tier - seen if seen else tier
                seen |= tier
        did_you_mean = None
        scores: dict[int, float] = {}
        if not any(tiers) and key:
            close: dict[int, tuple[int, str]] = {}
            did_you_mean = self._match_close(key, close, scores)
            tiers = [set(), set(), set(), set(), set(), set(close)]
            matched = {i: m for i, (_, m) in close.items()}
        every = set().union(*tiers)
        found = Counter(map(self._group_of.__getitem__, every))
        counts = {g.key: found[g.key] for g in (*GROUPS, OTHER) if found[g.key]}
        if wanted is not None:
            tiers = [{i for i in tier if self._group_of[i] in wanted} for tier in tiers]
        page: list[tuple[int, int]] = []
        for rank, tier in enumerate(tiers):
            room = first - len(page)
            if room <= 0:
                break
            if rank == 5:  # close spellings: the closest first
                best = heapq.nsmallest(room, tier, key=lambda i: (-scores[i], self._order_pos[i]))
            else:  # only the page is ordered: a short prefix can match 10^4
                best = heapq.nsmallest(room, tier, key=self._order_pos.__getitem__)
            page.extend((i, rank) for i in best)
        words = _content_words(text)
        hits = [self._hit(i, rank, self._matched(i, rank, key, words, matched)) for i, rank in page]
        total = sum(map(len, tiers))
        return SearchResult(text, hits, total, did_you_mean, counts)

    def all_names(self) -> list[tuple[str, str, str]]:
        """(IRI, kind, name or alias as written) for every name the index holds, for the
        coverage check."""
        return [
            (entry.iri, entry.group.key, text)
            for entry in self._entries
            for text in (entry.name, *entry.aliases)
        ]

    def containing(self, text: str) -> list[str]:
        """IRIs of the entities whose name or alias contains ``text`` (the organisations
        list's ``search`` filter), both sides folded by ``entities.normalise``: one pass over
        keys built once per data version, instead of eleven REPLACEs per label in SPARQL."""
        term = substring_key(text).strip()
        if not term:
            return []
        return [e.iri for e, f in zip(self._entries, self._folded, strict=True) if term in f]

    def lookup(self, text: str) -> list[Hit]:
        """Entities whose name or alias is exactly ``text`` (as the name key reads it)."""
        found: dict[int, tuple[int, str]] = {}
        self._match_exact(name_key(text), found)
        return [self._hit(i, r, m) for i, (r, m) in sorted(found.items(), key=lambda kv: kv[1])]

    # --- matching --------------------------------------------------------------------
    def _match_exact(self, key: str, best: dict[int, tuple[int, str]]) -> None:
        for alias_rank, i, text in self._exact.get(key, ()):
            if i not in best or alias_rank < best[i][0]:
                best[i] = (alias_rank, text)

    def _matched(self, i: int, rank: int, key: str, words: list[str], known: dict[int, str]) -> str:
        """The name or alias a page hit matched by (worked out for the page only)."""
        entry = self._entries[i]
        if rank in (0, 1, 5):
            return known[i]
        if rank == 2:
            return entry.name
        if rank == 3:
            return min((name_key(a), a) for a in entry.aliases if name_key(a).startswith(key))[1]
        return self._matched_text(entry, words)

    def _match_words(self, text: str) -> set[int]:
        """Entries where every word of the query starts a word of a name or alias: the word
        gathering fewest names first, then each other word narrows those down (by set
        intersection, or by reading the few candidates' words when its range is wide)."""
        spans = []
        for word in dict.fromkeys(_content_words(text)):
            lo, hi = _span(self._vocabulary, word)
            if lo == hi:
                return set()
            spans.append((self._reach[hi] - self._reach[lo], lo, hi, word))
        spans.sort()
        found: set[int] | frozenset[int] | None = None
        for size, lo, hi, word in spans:
            if found is None:
                found = set().union(*self._posting_list[lo:hi])
            elif hi - lo == 1:
                found = found & self._posting_list[lo]
            elif size <= 32 * len(found):
                found = found & set().union(*self._posting_list[lo:hi])
            else:
                words_of = self._words_of
                found = {i for i in found if any(w.startswith(word) for w in words_of[i])}
            if not found:
                return set()
        return set(found or ())

    def _matched_text(self, entry: _Entry, words: list[str]) -> str:
        for text in (entry.name, *entry.aliases):
            have = search_words(text)
            if all(any(h.startswith(w) for h in have) for w in words):
                return text
        return entry.name

    def _match_close(
        self, key: str, best: dict[int, tuple[int, str]], scores: dict[int, float]
    ) -> str | None:
        close = process.extract(
            key,
            self._close_choices(key),
            scorer=fuzz.WRatio,
            score_cutoff=FUZZY_CUTOFF,
            limit=MAX_HITS,
        )
        for _, score, n in close:
            _, _, i, text = self._keyed[n]
            if score > scores.get(i, 0.0):
                scores[i] = score
                best[i] = (5, text)
        if not scores:
            return None
        top = max(scores, key=lambda i: (scores[i], -self._entries[i].order[0]))
        return self._entries[top].name

    def _close_choices(self, key: str) -> dict[int, str]:
        """The names a close spelling is looked for among, at most :data:`CLOSE_NAMES`:
        those with a word one or two edits from a word of the query (found through the
        deletion index, so without comparing the query with the vocabulary), narrowed by
        each further word that keeps some (the rarest first); the names first in the
        within-rank order when more remain. Only when no word of the query has such a
        near word (run-together words) does a ratio over the vocabulary pick them, as
        before, or, failing that, every name."""
        gathered: list[tuple[int, list[str]]] = []
        for word in {w for w in key.split() if len(w) >= CLOSE_WORD}:
            close = {n for v in _one_dropped(word) for n in self._deletions.get(v, ())}
            if close:
                size = sum(len(self._postings[n]) for n in close)
                gathered.append((size, sorted(close)))
        entries: set[int] = set()
        for size, near in sorted(gathered):
            if not entries:
                entries = set().union(*(self._postings[n] for n in near))
                continue
            if size > 4 * len(entries):  # few candidates left: read their own words
                holding = set(near)
                narrowed = {i for i in entries if not holding.isdisjoint(self._words_of[i])}
            else:
                narrowed = entries & set().union(*(self._postings[n] for n in near))
            if narrowed:
                entries = narrowed
        if not entries:
            return self._close_by_ratio(key)
        if len(entries) > CLOSE_NAMES:
            entries = set(heapq.nsmallest(CLOSE_NAMES, entries, key=self._order_pos.__getitem__))
        return {n: self._keys[n] for i in entries for n in self._key_of_entry[i]}

    def _close_by_ratio(self, key: str) -> dict[int, str]:
        """Names with a word of ratio :data:`CLOSE_WORD_CUTOFF` to a word of the query
        (every name when none, or more than half the names, have one)."""
        entries: set[int] = set()
        for word in {w for w in key.split() if len(w) >= CLOSE_WORD}:
            near = process.extract(
                word,
                self._vocabulary,
                scorer=fuzz.ratio,
                score_cutoff=CLOSE_WORD_CUTOFF,
                limit=None,
            )
            for found, _, _ in near:
                entries |= self._postings[found]
        if not entries or len(entries) * 2 > len(self._entries):
            return self._choices
        return {n: self._keys[n] for i in entries for n in self._key_of_entry[i]}

    def _hit(self, i: int, rank: int, matched: str) -> Hit:
        e = self._entries[i]
        return Hit(e.iri, e.name, e.kind, e.group, rank, matched)


def build_index(store: Store) -> SearchIndex:
    """The index of every named entity in ``store``: two scans and the Scottish scope."""
    names: dict[str, str] = {}
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in store.select(query("search_names")):
        iri, text = str(row["e"]), str(row["name"])
        if str(row["k"]) == "p":
            names.setdefault(iri, text)
        elif text not in aliases[iri]:
            aliases[iri].append(text)
    types: dict[str, set[URIRef]] = defaultdict(set)
    for row in store.select(query("search_types")):
        types[str(row["e"])].add(URIRef(str(row["t"])))
    core = scope_core(store)
    entries = []
    for iri, name in names.items():
        classes = types.get(iri, set())
        group = _group_of(classes)
        specific = model.most_specific(classes)
        kind = model.label(specific) if specific is not None else "entity"
        order = (0 if iri in core else 1, 1 if group in LAST else 0, len(name), name)
        entries.append(_Entry(iri, name, kind, group, order, aliases.get(iri, [])))
    return SearchIndex(entries)


def _span(keys: list[str], prefix: str) -> tuple[int, int]:
    """The range of the sorted ``keys`` that start with ``prefix`` (two bisections)."""
    lo = bisect.bisect_left(keys, prefix)
    return lo, bisect.bisect_left(keys, prefix[:-1] + chr(ord(prefix[-1]) + 1), lo)


def _one_dropped(word: str) -> set[str]:
    """``word`` and every spelling of it with one letter dropped."""
    return {word, *(word[:k] + word[k + 1 :] for k in range(len(word)))}


def _content_words(text: str) -> list[str]:
    words = search_words(text)
    return [w for w in words if w not in STOP_WORDS] or words


def _group_of(classes: set[URIRef]) -> Group:
    ontology = model.model()
    known = {c.iri for c in model.classes()}
    every = set(classes).union(*(ontology.ancestors(c) for c in classes if c in known))
    for group in GROUPS:
        if every & set(group.classes):
            return group
    return OTHER


_INDEXES: PerVersion[SearchIndex] = PerVersion(lambda store: build_index(store))
"""The index of each open store's current data version: the site's search page, its
suggestions, GraphQL ``search`` and the maps' focus by name all read the same one."""


def index_for(store: Store) -> SearchIndex:
    """The search index of ``store`` as it stands (built on first use after each load)."""
    return _INDEXES.get(store)


SUGGESTIONS = 8
"""Closest matches listed when a name is unknown or ambiguous."""


def _listing(hits: list[Hit]) -> str:
    bodies_first = sorted(hits, key=lambda h: h.group.key != "bodies")[:SUGGESTIONS]
    return "; ".join(f"{h.name} ({entity_id(h.iri)})" for h in bodies_first)


def resolve_entity(store: Store, text: str) -> str:
    """The IRI a map's focus or a report's body names: an entity id or IRI, else a name or
    alias read by the site's search (one exact or one matching entity). An unknown or
    ambiguous name raises NotFound or QueryError listing the closest matches, so the user
    can pick one."""
    text = text.strip()
    try:
        iri = str(iri_for(text))
    except (ValueError, QueryError):
        iri = None
    if iri is not None and map_queries.names(store, [iri]):
        return iri
    index = index_for(store)
    exact = index.lookup(text)
    if len(exact) == 1:
        return exact[0].iri
    if len(exact) > 1:
        raise QueryError(f"{text!r} names {len(exact)} entities: {_listing(exact)}")
    found = index.search(text, first=50)
    # only a name or alias the text starts picks by itself; words in any order or a close
    # spelling are offered, never taken (stray text must not draw some map)
    strong = [h for h in found.hits if h.rank <= RANKS.index("alias prefix")]
    if len(strong) == 1 and found.total == 1:
        return strong[0].iri
    if not found.hits:
        guess = f"; did you mean {found.did_you_mean!r}?" if found.did_you_mean else ""
        raise NotFound(f"no entity named {text!r}{guess}")
    raise NotFound(f"no entity named {text!r}; closest matches: {_listing(found.hits)}")
