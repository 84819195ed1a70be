"""What a scenario or the passage of time changes in the landscape, item by item, with the
facts each item rests on.

Both landscapes are read with the overlap analyses' bulk fetch (graph/analysis/overlap_facts.py), so
lines, memberships and leads are judged on what sources state, never on the inferred
closure, and every item can cite the citations of the statements it is about. Findings are
compared by id (stable by kind and subjects, graph/analysis/findings.py).

Counting. ``bodies`` and ``groups`` count organisations in the Scottish care-system
landscape: entities the source documents cite or that are placed in a council or health
board area (graph/map_queries.scope_core), in either landscape, plus bodies the comparison
finds added. Groups are gg:Group and its subclasses; bodies every other gg:Organisation.
The UK-wide directories (GOV.UK, the public bodies directory) would otherwise swamp the
figures; ``bodies_all`` and ``groups_all`` count every organisation in the graph.
``lines``, ``memberships`` and ``findings`` count stated accountability lines,
stated memberships and overlap findings.

Successors. A body removed by a scenario's merge or transfer, or renamed into a new
identity in the data (``renamedFrom``, ``succeeds``), has a successor: a line or membership
that reappears with the successor in its place is reported as redirected or merged, not as
removed and added.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import URIRef

from govgraph.graph.analysis.findings import Fact, Finding, Subject
from govgraph.graph.analysis.impact_model import CATEGORIES, Change, Impact
from govgraph.graph.analysis.overlap_accountability import Line, lines
from govgraph.graph.analysis.overlap_facts import Facts, fetch, label
from govgraph.graph.analysis.overlaps import findings_from_facts
from govgraph.graph.analysis.scenario import Scenario, StepRecord, applied_scenario
from govgraph.graph.analysis.snapshot import Cut, Landscape
from govgraph.graph.core.errors import QueryError
from govgraph.graph.facts.entities import check_date, get_entities, get_sources
from govgraph.graph.facts.map_queries import scope_core
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store
from govgraph.ontology import model
from govgraph.ontology.terms import GG

LineKey = tuple[str, str, str]
"""(lower, upper, kind read upward)."""
Edge = tuple[str, str, str, str]
"""(subject, kind, object, graph) as stated."""

_MEMBER = str(GG.memberOf)
_HAS_MEMBER = str(GG.hasMember)
_SUCCESSION = {  # kind -> True when the subject is the successor
    str(GG.renamedFrom): True,
    str(GG.succeeds): True,
    str(GG.renamedTo): False,
    str(GG.succeededBy): False,
}


@dataclass
class _Side:
    """One landscape, read once."""

    facts: Facts
    findings: list[Finding]
    scope: set[str]
    lines: dict[LineKey, list[Line]] = field(default_factory=dict)
    members: dict[tuple[str, str], list[Edge]] = field(default_factory=dict)
    others: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    leads: dict[str, dict[str, str]] = field(default_factory=dict)
    """action -> lead -> a graph stating it."""

    def exists(self, iri: str) -> bool:
        return iri in self.facts.types

    def bodies(self) -> set[str]:
        """Organisations, groups and posts (one pass over the entities, kept by the facts:
        a namespace attribute per entity and class cost 0.7 s of a diff)."""
        return set(self.facts.of_class(GG.Organisation, GG.Group, GG.Post))


def _read(store: Store, findings: list[Finding] | None) -> _Side:
    enabled = gc.isenabled()
    gc.disable()
    try:
        facts = fetch(store)
    finally:
        if enabled:
            gc.enable()
    return _side(facts, findings, scope_core(store))


def _side(facts: Facts, findings: list[Finding] | None, scope: set[str]) -> _Side:
    """One landscape from its facts: its findings computed when not given."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        found = findings if findings is not None else findings_from_facts(facts)
    finally:
        if enabled:
            gc.enable()
    side = _Side(facts, list(found), scope)
    for ln in lines(facts):
        side.lines.setdefault((ln.lower, ln.upper, ln.kind), []).append(ln)
    for p in model.relationship_kinds():
        kind = str(p.iri)
        accountability = model.accountability_direction(p.iri) is not None
        for s, o, g in facts.pairs(p.iri):
            if kind == _MEMBER:
                side.members.setdefault((s, o), []).append((s, kind, o, g))
            elif kind == _HAS_MEMBER:
                side.members.setdefault((o, s), []).append((s, kind, o, g))
            elif not accountability and s != o:
                side.others.setdefault((s, kind, o), []).append(g)
    for a, lead, g in facts.pairs(GG.leadOrganisation):
        side.leads.setdefault(a, {}).setdefault(lead, g)
    return side


# --- the comparison ---------------------------------------------------------------------------


class _Builder:
    def __init__(self, b: _Side, a: _Side, steps: Sequence[StepRecord | str]) -> None:
        self.b, self.a = b, a
        self.records = [s for s in steps if isinstance(s, StepRecord)]
        self.changes: list[Change] = []
        self.succ: dict[str, str] = {}
        self.transfer: dict[str, str] = {}
        for rec in self.records:
            self.succ.update(rec.successors)
            self.transfer.update(rec.transfers)
        for kind, forward in _SUCCESSION.items():
            for s, o, _ in a.facts.pairs(URIRef(kind)):
                new, old = (s, o) if forward else (o, s)
                if not a.exists(old) and a.exists(new):
                    self.succ.setdefault(old, new)

    # --- helpers -----------------------------------------------------------------------
    def successor(self, iri: str, *, functions: bool = False) -> str:
        """The body in ``iri``'s place after the change: a merge's target; with
        ``functions``, also the body that took over an abolished body's functions (which
        does not take its place under a parent or in a group)."""
        seen = {iri}
        while not self.a.exists(iri):
            nxt = self.succ.get(iri) or (self.transfer.get(iri) if functions else None)
            if nxt is None or nxt in seen:
                break
            iri = nxt
            seen.add(iri)
        return iri

    def name(self, iri: str) -> str:
        if self.a.exists(iri) or iri in self.a.facts.names:
            return self.a.facts.name(iri)
        return self.b.facts.name(iri)

    def subject(self, iri: str) -> Subject:
        side = self.a if self.a.exists(iri) else self.b
        return side.facts.subject(iri)

    def step_facts(self, iris: Iterable[str]) -> tuple[Fact, ...]:
        wanted = set(iris)
        chosen = [r for r in self.records if r.touched & wanted] or self.records
        return tuple(Fact(r.text + ".", (r.source,)) for r in chosen)

    def add(
        self,
        category: str,
        iris: Sequence[str],
        summary: str,
        evidence: Iterable[Fact],
        before: str | None = None,
        after: str | None = None,
        finding: Finding | None = None,
    ) -> None:
        subjects = tuple(self.subject(i) for i in dict.fromkeys(iris))
        facts = tuple(dict.fromkeys([*evidence, *self.step_facts(iris)]))
        if any(f.sources for f in facts):  # a body the scenario made has no citation
            facts = tuple(f for f in facts if f.sources)
        self.changes.append(Change(category, subjects, summary, facts, before, after, finding))

    def line_text(self, side: _Side, key: LineKey) -> str:
        lower, upper, kind = key
        return f"{side.facts.name(lower)} {_verb(kind)} {side.facts.name(upper)}"

    def line_facts(self, side: _Side, key: LineKey) -> list[Fact]:
        return [ln.fact(side.facts) for ln in side.lines.get(key, [])]

    def entity_fact(self, side: _Side, iri: str, text: str) -> Fact:
        return side.facts.entity_fact(text, iri)

    def describe_body(self, side: _Side, iri: str) -> Fact:
        kind = side.facts.type_of(iri)
        what = model.label(URIRef(kind)) if kind else "entity"
        article = "an" if what[:1].lower() in "aeiou" else "a"
        return self.entity_fact(side, iri, f"{side.facts.name(iri)} is {article} {what}.")

    # --- categories ----------------------------------------------------------------------
    def bodies(self) -> None:
        before, after = self.b.bodies(), self.a.bodies()
        for e in sorted(before - after):
            succ = self.successor(e, functions=True)
            if succ == e:
                tail = ""
            elif e in self.succ:
                tail = f"; {self.name(succ)} takes its place"
            else:
                tail = f"; its functions pass to {self.name(succ)}"
            self.add(
                "body-removed",
                [e, *([succ] if succ != e else [])],
                f"{self.b.facts.name(e)} no longer exists{tail}.",
                [self.describe_body(self.b, e)],
                before=self.b.facts.name(e),
                after=self.name(succ) if succ != e else None,
            )
        for e in sorted(after - before):
            self.add(
                "body-added",
                [e],
                f"{self.a.facts.name(e)} is added.",
                [self.describe_body(self.a, e)],
                after=self.a.facts.name(e),
            )
        for e in sorted(before & after):
            old, new = self.b.facts.name(e), self.a.facts.name(e)
            if old != new:
                self.add(
                    "body-renamed",
                    [e],
                    f"{old} is renamed {new}.",
                    [self.entity_fact(self.b, e, f"{old} is the name the sources give.")],
                    before=old,
                    after=new,
                )

    def accountability(self) -> None:
        lb, la = set(self.b.lines), set(self.a.lines)
        removed, added = sorted(lb - la), sorted(la - lb)
        consumed: set[LineKey] = set()
        for key in removed:
            lower, upper, kind = key
            l2, u2 = self.successor(lower), self.successor(upper, functions=True)
            target: LineKey | None = None
            if (l2, u2) != (lower, upper):
                options = [k for k in sorted(la) if k[0] == l2 and k[1] == u2]
                target = next((k for k in options if k[2] == kind), options[0] if options else None)
            if target is None and self.a.exists(lower):
                target = next((k for k in added if k[0] == lower and k not in consumed), None)
            if target is None:
                self.add(
                    "line-removed",
                    [lower, upper],
                    f"The line '{self.line_text(self.b, key)}' is removed.",
                    self.line_facts(self.b, key),
                    before=self.line_text(self.b, key),
                )
                continue
            consumed.add(target)
            self.add(
                "line-redirected",
                [lower, upper, *target[:2]],
                f"The line '{self.line_text(self.b, key)}' becomes "
                f"'{self.line_text(self.a, target)}'.",
                [*self.line_facts(self.b, key), *self.line_facts(self.a, target)],
                before=self.line_text(self.b, key),
                after=self.line_text(self.a, target),
            )
        for key in added:
            if key not in consumed:
                self.add(
                    "line-added",
                    [key[0], key[1]],
                    f"New line: {self.line_text(self.a, key)}.",
                    self.line_facts(self.a, key),
                    after=self.line_text(self.a, key),
                )
        had = {k[0] for k in lb}
        has = {k[0] for k in la}
        for e in sorted(had - has):
            if not self.a.exists(e):
                continue
            keys = sorted(k for k in lb if k[0] == e)
            texts = "; ".join(self.line_text(self.b, k) for k in keys)
            self.add(
                "body-orphaned",
                [e, *(k[1] for k in keys)],
                f"{self.name(e)} is left with no accountability line.",
                [f for k in keys for f in self.line_facts(self.b, k)],
                before=texts,
                after="no accountability line",
            )

    def leads(self) -> None:
        for action in sorted(set(self.b.leads) | set(self.a.leads)):
            if not (self.a.exists(action) and self.b.exists(action)):
                continue
            old, new = self.b.leads.get(action, {}), self.a.leads.get(action, {})
            if set(old) == set(new):
                continue
            lost, gained = sorted(set(old) - set(new)), sorted(set(new) - set(old))
            facts = [self._lead_fact(self.b, action, x, g) for x, g in sorted(old.items())]
            facts += [self._lead_fact(self.a, action, x, new[x]) for x in gained]
            names_old = ", ".join(self.b.facts.name(x) for x in sorted(old)) or "none"
            names_new = ", ".join(self.a.facts.name(x) for x in sorted(new)) or "none"
            action_name = self.name(action)
            if not new:
                self.add(
                    "lead-lost",
                    [action, *lost],
                    f"The action '{action_name}' is left with no lead (was {names_old}).",
                    facts,
                    before=names_old,
                    after="none",
                )
            else:
                self.add(
                    "lead-changed",
                    [action, *lost, *gained],
                    f"The leads of the action '{action_name}' change from {names_old} "
                    f"to {names_new}.",
                    facts,
                    before=names_old,
                    after=names_new,
                )

    def _lead_fact(self, side: _Side, action: str, lead: str, graph: str) -> Fact:
        text = f"{side.facts.name(lead)} is named a lead for the action {side.facts.name(action)}."
        return side.facts.entity_fact(text, action, [graph])

    def _edge_facts(self, side: _Side, edges: Iterable[Edge]) -> list[Fact]:
        out: list[Fact] = []
        for s, p, o, g in edges:
            text = f"{side.facts.name(s)} {label(p)} {side.facts.name(o)}."
            out.append(side.facts.edge_fact(text, s, p, o, [g]))
        return out

    def memberships(self) -> None:
        mb, ma = set(self.b.members), set(self.a.members)
        into: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for m, g in sorted(mb - ma):
            target = (self.successor(m), self.successor(g, functions=True))
            if target != (m, g) and target in ma and target[0] != target[1]:
                into[target].append((m, g))
                continue
            self.add(
                "membership-removed",
                [m, g],
                f"{self.b.facts.name(m)} is no longer a member of {self.b.facts.name(g)}.",
                self._edge_facts(self.b, self.b.members[(m, g)]),
                before=f"member of {self.b.facts.name(g)}",
            )
        for (m, g), sources in sorted(into.items()):
            olds = [og for _, og in sources]
            merged = len(sources) + ((m, g) in mb) >= 2
            was = " and ".join(self.b.facts.name(x) for x in olds)
            if merged:
                summary = (
                    f"{self.name(m)}'s memberships of {was} become one membership "
                    f"of {self.name(g)}."
                )
            else:
                summary = f"{self.b.facts.name(sources[0][0])}'s membership of {was} passes to "
                summary += f"{self.name(g)}."
            facts = [f for k in sources for f in self._edge_facts(self.b, self.b.members[k])]
            facts += self._edge_facts(self.a, self.a.members[(m, g)])
            self.add(
                "membership-merged",
                [m, g, *olds, *(s for s, _ in sources)],
                summary,
                facts,
                before=f"member of {was}",
                after=f"member of {self.name(g)}",
            )
        mapped = set(into)
        for m, g in sorted(ma - mb):
            if (m, g) in mapped:
                continue
            self.add(
                "relationship-changed",
                [m, g],
                f"{self.a.facts.name(m)} becomes a member of {self.a.facts.name(g)}.",
                self._edge_facts(self.a, self.a.members[(m, g)]),
                after=f"member of {self.a.facts.name(g)}",
            )

    def others(self) -> None:
        ob, oa = set(self.b.others), set(self.a.others)
        mapped: set[tuple[str, str, str]] = set()
        for key in sorted(ob - oa):
            s, p, o = key
            edges = [(s, p, o, g) for g in self.b.others[key]]
            text = f"{self.b.facts.name(s)} {label(p)} {self.b.facts.name(o)}"
            s2, o2 = self.successor(s, functions=True), self.successor(o, functions=True)
            new = (s2, p, o2)
            if new != key and new in oa:
                mapped.add(new)
                after = f"{self.name(s2)} {label(p)} {self.name(o2)}"
                facts = self._edge_facts(self.b, edges)
                facts += self._edge_facts(self.a, [(s2, p, o2, g) for g in self.a.others[new]])
                summary = f"'{text}' becomes '{after}'."
                self.add("relationship-changed", [s, o, s2, o2], summary, facts, text, after)
            else:
                why = " (it would refer to itself)" if s2 == o2 and new != key else ""
                summary = f"'{text}' no longer holds{why}."
                facts = self._edge_facts(self.b, edges)
                self.add("relationship-changed", [s, o], summary, facts, text, None)
        for key in sorted(oa - ob):
            if key in mapped:
                continue
            s, p, o = key
            text = f"{self.a.facts.name(s)} {label(p)} {self.a.facts.name(o)}"
            facts = self._edge_facts(self.a, [(s, p, o, g) for g in self.a.others[key]])
            self.add("relationship-changed", [s, o], f"New: '{text}'.", facts, None, text)

    def findings(self) -> None:
        before = {f.id: f for f in self.b.findings}
        after = {f.id: f for f in self.a.findings}
        for fid in sorted(set(before) - set(after)):
            f = before[fid]
            self.add(
                "finding-resolved",
                [s.id for s in f.subjects],
                f"Resolved: {f.explanation}",
                f.evidence or self._subject_facts(self.b, f),
                finding=f,
            )
        for fid in sorted(set(after) - set(before)):
            f = after[fid]
            self.add(
                "finding-new",
                [s.id for s in f.subjects],
                f"New: {f.explanation}",
                f.evidence or self._subject_facts(self.a, f),
                finding=f,
            )

    def _subject_facts(self, side: _Side, f: Finding) -> list[Fact]:
        return [self.describe_body(side, s.id) for s in f.subjects if side.exists(s.id)]


def _verb(kind: str) -> str:
    text = label(kind)
    return f"is {text}" if text.endswith(" by") or text.startswith("accountable") else text


def _counts(side: _Side, scope: set[str]) -> dict[str, int]:
    f = side.facts
    groups = set(f.of_class(GG.Group))
    bodies = set(f.of_class(GG.Organisation)) - groups
    return {
        "bodies": len(bodies & scope),
        "groups": len(groups & scope),
        "bodies_all": len(bodies),
        "groups_all": len(groups),
        "lines": len(side.lines),
        "memberships": len(side.members),
        "findings": len(side.findings),
    }


def compare(
    before: Store,
    after: Store,
    *,
    title: str,
    before_label: str,
    after_label: str,
    steps: Sequence[StepRecord | str] = (),
    findings_before: list[Finding] | None = None,
    findings_after: list[Finding] | None = None,
) -> Impact:
    """The changes from ``before`` to ``after``, in report order, each with its evidence.

    ``steps`` are the applied scenario's step records (their facts are cited by the changes
    they touch) or plain descriptions; findings are computed when not given.
    """
    return _compare(
        _read(before, findings_before),
        _read(after, findings_after),
        title=title,
        before_label=before_label,
        after_label=after_label,
        steps=steps,
    )


def _compare(
    b: _Side,
    a: _Side,
    *,
    title: str,
    before_label: str,
    after_label: str,
    steps: Sequence[StepRecord | str],
    extra: Iterable[Change] = (),
) -> Impact:
    builder = _Builder(b, a, steps)
    builder.bodies()
    builder.accountability()
    builder.leads()
    builder.memberships()
    builder.others()
    builder.findings()
    changes = [*builder.changes, *extra]
    rank = {c: i for i, c in enumerate(CATEGORIES)}
    changes.sort(
        key=lambda c: (
            rank[c.category],
            (c.after or "") if c.category == "event" else "",
            [s.id for s in c.subjects],
            c.summary,
        )
    )
    added = a.bodies() - b.bodies()
    scope = b.scope | a.scope | added
    touched = {s.id for c in changes for s in c.subjects}
    for rec in builder.records:
        touched |= {e for e in rec.touched if a.exists(e) or b.exists(e)}
    texts = tuple(s.summary if isinstance(s, StepRecord) else str(s) for s in steps)
    return Impact(
        title=title,
        before_label=before_label,
        after_label=after_label,
        counts_before=_counts(b, scope),
        counts_after=_counts(a, scope),
        changes=tuple(changes),
        steps=texts,
        touched=frozenset(touched),
    )


def scenario_impact(
    store: Store, scenario: Scenario, *, findings_before: list[Finding] | None = None
) -> tuple[Impact, Store]:
    """The impact of a scenario on the stored landscape, and the landscape after it.
    ``findings_before`` (the store's current findings, e.g. from a FindingsCache) saves
    one run of the analyses."""
    applied = applied_scenario(store, scenario)
    impact = compare(
        store,
        applied.store,
        title=scenario.name,
        before_label="Today",
        after_label=f"After '{scenario.name}'",
        steps=applied.steps,
        findings_before=findings_before,
    )
    return impact, applied.store


# --- the landscape over time -----------------------------------------------------------------


def _later(date: str, than: str) -> bool:
    """Whether ``date`` may fall after ``than``: compared at the coarser precision, a date
    within the other's year or month counts as later when it is the more precise."""
    n = min(len(date), len(than))
    return date[:n] > than[:n] or (date[:n] == than[:n] and len(date) > len(than))


def _not_after(date: str, than: str) -> bool:
    n = min(len(date), len(than))
    return date[:n] <= than[:n]


def events_between(store: Store, date_from: str, date_to: str) -> list[Change]:
    """A change of category ``event`` for each ChangeEvent dated in (from, to]."""
    rows = store.select(query("impact_events"))
    events: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        ev = events[str(row["ev"])]
        for key in ("type", "date", "name", "affects", "results"):
            if key in row:
                ev[key].add(str(row[key]))
    chosen = {
        e: ev
        for e, ev in events.items()
        if _later(min(ev["date"]), date_from) and _not_after(min(ev["date"]), date_to)
    }
    sources = get_sources(store, [URIRef(e) for e in chosen])
    about_iris = {URIRef(x) for ev in chosen.values() for x in ev["affects"] | ev["results"]}
    names = {str(k): v.name for k, v in get_entities(store, sorted(about_iris)).items()}
    out: list[Change] = []
    for e, ev in sorted(chosen.items(), key=lambda kv: (min(kv[1]["date"]), kv[0])):
        date = min(ev["date"])
        kinds = sorted(model.label(URIRef(t)) for t in ev["type"])
        name = min(ev["name"]) if ev["name"] else e.rsplit("/", 1)[-1]
        about = sorted(ev["affects"] | ev["results"])
        subjects = (
            Subject(e, name, min(ev["type"])),
            *(Subject(x, names.get(x, x.rsplit("/", 1)[-1])) for x in about),
        )
        refs = tuple(sources.get(URIRef(e), ()))
        text = f"{name} ({', '.join(kinds)}), dated {date}."
        out.append(Change("event", subjects, f"{date}: {name}.", (Fact(text, refs),), after=date))
    return out


def date_diff(store: Store, date_from: str, date_to: str) -> tuple[Impact, Cut, Cut]:
    """The landscape on ``date_from`` against ``date_to``: the impact, with an ``event``
    change for each change event dated in (from, to], and the landscape on each date
    (:class:`~govgraph.graph.analysis.snapshot.Cut`, which the difference map reads). Both
    are cut from one reading of the stored facts: no copy of the store, no re-inferring."""
    for d in (date_from, date_to):
        if not isinstance(d, str):
            raise QueryError(f"dates must be YYYY-MM-DD, YYYY-MM or YYYY, not {d!r}")
        check_date(d)
    n = min(len(date_from), len(date_to))
    if date_from[:n] > date_to[:n]:
        raise QueryError(f"the first date ({date_from}) must not be after the second ({date_to})")
    base = Landscape(store)  # both dates are cut from one reading of the stored facts
    before, after = base.at(date_from), base.at(date_to)
    impact = _compare(
        _side(before.facts, None, before.scope_core()),
        _side(after.facts, None, after.scope_core()),
        title=f"Landscape on {date_from} against {date_to}",
        before_label=f"On {date_from}",
        after_label=f"On {date_to}",
        steps=(),
        extra=events_between(store, date_from, date_to),
    )
    return impact, before, after
