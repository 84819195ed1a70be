"""Rationalisation what-ifs as data: a YAML list of changes applied to a copy of the graph.

A scenario file is a mapping with ``name:`` and ``changes:``, each change one of::

    - merge: [A, B]              # names, aliases or ids of existing bodies or groups
      into: C                    # an existing body, or a new name (the new body takes A's class)
    - abolish: X
      transfer_functions_to: Y   # optional
    - move: X
      under: Y
      kind: sponsoredBy          # optional; default X's current kind (the most
      #                          frequent; reportsTo on a tie), else reportsTo
    - rename: X
      to: New name
    - add: {name: N, type: Board, accountable_to: Y, kind: reportsTo, members: [A, B]}

Semantics, so an advisor can predict what a step does:

* merge: every relationship, policy interest or remit, area and alias of a merged body is
  re-stated of the target (in its original source graph, so it keeps its citations), and
  every statement naming it as object (lines to it, memberships in it, plan leads) is
  re-pointed to the target. Self-references this creates (A reportsTo B) are dropped, and
  duplicate memberships collapse into one. Old names become aliases of the target. A new
  target gets the IRI of its slugified name and the asserted class of the first body.
* abolish: the body and every statement about it go. With ``transfer_functions_to`` its
  functions move like a merge's (lines of bodies answering to it, the groups it chairs,
  administers or hosts, its members, its leads, remits and interests), but not its own
  place in the landscape: its accountability lines upward, memberships, and being a part,
  post or guest of another body are dropped, since the receiving body keeps its own.
* move: the body's upward accountability lines (stated either way round) are replaced by
  one line of ``kind`` to the new parent.
* rename: a new preferred name; the old one becomes an alias.
* add: a new body with its class, an optional line upward and optional members.

New statements go in the named graph ``ggraph:scenario`` titled after the scenario, so an
impact report cites the scenario step for them. Resolution is all-or-nothing and happens
before anything is copied: an unknown or ambiguous name is an error naming the name, the
step and the file line, and the given store is never written.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from govgraph.graph.analysis.scenario_schema import (
    Abolish,
    Change,
    Merge,
    Move,
    Rename,
    ScenarioFile,
)
from govgraph.graph.analysis.snapshot import (
    copy_store,
    mentions,
    oxigraph,
    rematerialise,
    remove_entities,
)
from govgraph.graph.core.errors import NotFound, SourceError
from govgraph.graph.core.names import name_key
from govgraph.graph.core.schema import validate
from govgraph.graph.core.text import short_repr
from govgraph.graph.core.yaml_reader import MarkedDict, MarkedList, read_yaml
from govgraph.graph.facts.records import SourceRef
from govgraph.graph.storage.oxigraph_store import plain
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store
from govgraph.ontology import model
from govgraph.ontology.terms import GG, GRAPH, ID, INFERRED_GRAPH, entity, slugify

SCENARIO_GRAPH = GRAPH["scenario"]
"""Where a scenario's own statements go (new bodies, names, moved lines)."""

MAX_CHANGES = 20
"""Changes one scenario may hold, from a file (``govgraph scenario``) or from GraphQL: each
is applied to a copy of the whole landscape and adds to the report, so a few hundred
would take gigabytes."""


class ScenarioError(NotFound, SourceError):
    """A scenario names a body that does not exist, or several: both a missing entity
    (for the API) and an error in a source file (with its line, for the CLI)."""


# --- the scenario as data ------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One change of a scenario, as written."""

    number: int
    op: str
    subjects: tuple[str, ...]
    """The bodies the change is about: merged, abolished, moved or renamed (names as given)."""
    target: str | None = None
    """``into``, ``transfer_functions_to``, ``under``, or an added body's ``accountable_to``."""
    new_name: str | None = None
    """``rename ... to``, or an added body's name."""
    kind: URIRef | None = None
    type: URIRef | None = None
    members: tuple[str, ...] = ()
    origin: str = "scenario"
    line: int | None = None

    @property
    def where(self) -> str:
        file = Path(self.origin).name or self.origin
        return f"{file} line {self.line}" if self.line else file

    def describe(self, shown: Mapping[str, str] | None = None) -> str:
        """The step in plain words; ``shown`` maps what the step says to what a reader
        should see (a body's name where the step gave its id)."""
        n = (lambda x: shown.get(x, x)) if shown else (lambda x: x)
        subjects = [n(x) for x in self.subjects]
        target = n(self.target) if self.target else self.target
        if self.op == "merge":
            return f"merge {_and(subjects)} into {target}"
        if self.op == "abolish":
            if target:
                return f"abolish {subjects[0]}, transferring its functions to {target}"
            return f"abolish {subjects[0]}"
        if self.op == "move":
            how = f" ({model.label(self.kind)})" if self.kind else ""
            return f"move {subjects[0]} under {target}{how}"
        if self.op == "rename":
            return f"rename {subjects[0]} to {self.new_name}"
        text = f"add {self.new_name} ({model.label(self.type)})" if self.type else "add"
        if target:
            how = model.label(self.kind or GG.reportsTo)
            text += f", accountable to {target} ({how})"
        if self.members:
            text += f", with members {_and([n(m) for m in self.members])}"
        return text


@dataclass(frozen=True)
class Scenario:
    name: str
    steps: tuple[Step, ...]
    origin: str = "scenario"


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def load_scenario(path: Path | str) -> Scenario:
    """Read a scenario file; bad YAML or a bad change is a SourceError with its line."""
    path = Path(path)
    if not path.is_file():
        raise SourceError("no such scenario file", file=str(path))
    return parse_scenario(read_yaml(path), str(path))


def parse_scenario(data: Any, origin: str = "scenario") -> Scenario:
    """A Scenario from parsed YAML (a mapping with ``name`` and ``changes``) or from a
    plain list of changes (as the GraphQL field passes them), checked against
    :class:`~govgraph.graph.analysis.scenario_schema.ScenarioFile` (every problem at once)."""
    if isinstance(data, list):
        data = {"changes": data}
    if not isinstance(data, Mapping):
        raise SourceError(
            "expected a scenario as a mapping with 'name' and 'changes'", file=origin, line=1
        )
    changes = data.get("changes")
    if isinstance(changes, list) and len(changes) > MAX_CHANGES:
        raise _error(
            origin,
            changes,
            MAX_CHANGES,
            f"a scenario may hold at most {MAX_CHANGES} changes, not {len(changes)}: "
            "split it into several scenarios",
            "changes",
        )
    checked = validate(ScenarioFile, data, origin, leaf_fields=True)
    name = checked.name or Path(origin).stem or "Scenario"
    raws: list[Any] = data["changes"]
    pairs = zip(raws, checked.changes, strict=True)
    steps = tuple(_step(origin, raw, n, change) for n, (raw, change) in enumerate(pairs, 1))
    return Scenario(name, steps, origin)


def _line(container: Any, key: str | int | None) -> int | None:
    if isinstance(container, MarkedDict):
        if isinstance(key, str) and key in container.value_marks:
            return container.value_marks[key][0]
        return container.mark[0] or None
    if isinstance(container, MarkedList):
        if isinstance(key, int) and 0 <= key < len(container.item_marks):
            return container.item_marks[key][0]
        return container.mark[0] or None
    return None


def _error(
    origin: str, container: Any, key: str | int | None, message: str, field: str | None = None
) -> SourceError:
    name = field or (key if isinstance(key, str) else None)
    return SourceError(message, file=origin, line=_line(container, key), field=name)


def _kind(origin: str, change: Any, key: str, value: str | None) -> URIRef | None:
    if value is None:
        return None
    kinds = {p.iri.split("#")[-1]: p.iri for p in model.accountability_kinds()}
    if value not in kinds:
        raise _error(
            origin,
            change,
            key,
            f"unknown accountability kind {short_repr(value)}: use one of "
            + ", ".join(sorted(kinds)),
        )
    return kinds[value]


def _class(origin: str, change: Any, key: str, value: str) -> URIRef:
    classes = {c.iri.split("#")[-1]: c.iri for c in model.organisation_classes()}
    classes |= {c.iri.split("#")[-1]: c.iri for c in model.agent_classes()}
    if value not in classes:
        raise _error(
            origin,
            change,
            key,
            f"unknown type {short_repr(value)}: use a class such as Board, "
            "Committee, WorkingGroup, ExecutiveNDPB or PublicBody",
        )
    return URIRef(classes[value])


def _step(origin: str, raw: Any, number: int, change: Change) -> Step:
    base: dict[str, Any] = {"number": number, "origin": origin, "line": _line(raw, None)}
    if isinstance(change, Merge):
        return Step(op="merge", subjects=tuple(change.merge), target=change.into, **base)
    if isinstance(change, Abolish):
        return Step(
            op="abolish", subjects=(change.abolish,), target=change.transfer_functions_to, **base
        )
    if isinstance(change, Move):
        kind = _kind(origin, raw, "kind", change.kind)
        return Step(op="move", subjects=(change.move,), target=change.under, kind=kind, **base)
    if isinstance(change, Rename):
        return Step(op="rename", subjects=(change.rename,), new_name=change.to, **base)
    spec = change.add
    return Step(
        op="add",
        subjects=(),
        target=spec.accountable_to,
        new_name=spec.name,
        kind=_kind(origin, raw["add"], "kind", spec.kind),
        type=_class(origin, raw["add"], "type", spec.type),
        members=tuple(spec.members or ()),
        **base,
    )


# --- resolving names against a store --------------------------------------------------------


@dataclass(frozen=True)
class ResolvedStep:
    step: Step
    subjects: tuple[str, ...]
    """IRIs of the merged, abolished, moved or renamed bodies."""
    target: str | None = None
    """IRI of the merge target, the receiving body, the new parent, or the new body."""
    target_is_new: bool = False
    parent: str | None = None
    """An added body's parent."""
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResolvedScenario:
    scenario: Scenario
    steps: tuple[ResolvedStep, ...]
    names: dict[str, str] = field(default_factory=dict, compare=False)
    """IRI -> preferred name, for every body a step names (new ones included)."""


def _key(name: str) -> str:
    return name_key(name)


class _Names:
    """Every agent's names, and what earlier steps of the scenario added or removed."""

    def __init__(self, store: Store) -> None:
        self.by_name: dict[str, dict[str, bool]] = {}
        self.preferred: dict[str, str] = {}
        for row in store.select(query("scenario_names")):
            e, label = str(row["e"]), str(row["label"])
            primary = str(row["primary"]).lower() == "true"
            slot = self.by_name.setdefault(_key(label), {})
            slot[e] = slot.get(e, False) or primary
            if primary and (e not in self.preferred or label < self.preferred[e]):
                self.preferred[e] = label
        self.removed: dict[str, int] = {}
        self.created: set[str] = set()

    def add(self, iri: str, name: str) -> None:
        self.by_name.setdefault(_key(name), {})[iri] = True
        self.preferred[iri] = name
        self.created.add(iri)

    def lookup(self, name: str) -> list[str]:
        """Candidates: an id or IRI first, then the one preferred name, then aliases."""
        if name.startswith(str(ID)) and name in self.preferred:
            return [name]
        if str(ID) + name in self.preferred:
            return [str(ID) + name]
        slot = {e: p for e, p in self.by_name.get(_key(name), {}).items() if e not in self.removed}
        primary = sorted(e for e, p in slot.items() if p)
        return primary if len(primary) == 1 else sorted(slot)

    def resolve(self, name: str, step: Step, field: str) -> str:
        found = self.lookup(name)
        gone = [e for e, _ in self.by_name.get(_key(name), {}).items() if e in self.removed]
        if not found and gone:
            raise self.error(
                f"{short_repr(name)} no longer exists: step {self.removed[gone[0]]} removed it",
                step,
                field,
            )
        if not found:
            near = difflib.get_close_matches(_key(name), list(self.by_name), n=3, cutoff=0.75)
            hint = f" (did you mean {', '.join(repr(n) for n in near)}?)" if near else ""
            raise self.error(
                f"no body, group or post is named {short_repr(name)}{hint}: use its name, "
                "an alias or its id",
                step,
                field,
            )
        if len(found) > 1:
            listed = "; ".join(f"{self.preferred.get(e, e)} (id {_id(e)})" for e in found[:5])
            raise self.error(
                f"{short_repr(name)} names {len(found)} bodies: {listed}. Use an id", step, field
            )
        return found[0]

    @staticmethod
    def error(message: str, step: Step, field: str) -> ScenarioError:
        return ScenarioError(
            f"step {step.number} ({step.op}): {message}",
            file=step.origin,
            line=step.line,
            field=field,
        )


def _id(iri: str) -> str:
    return iri[len(str(ID)) :] if iri.startswith(str(ID)) else iri


def resolve_scenario(scenario: Scenario, store: Store) -> ResolvedScenario:
    """Resolve every name of every step, in order (a later step may use a body an earlier
    one created); nothing is changed. Raises :class:`ScenarioError` (a NotFound and a
    SourceError) naming the name, the step and the line."""
    names = _Names(store)
    out: list[ResolvedStep] = []
    for step in scenario.steps:
        out.append(_resolve_step(step, names, store))
    used = {e for r in out for e in (*r.subjects, r.target, r.parent, *r.members) if e}
    return ResolvedScenario(
        scenario, tuple(out), {e: names.preferred.get(e, _id(e)) for e in sorted(used)}
    )


def _new_iri(name: str, step: Step, names: _Names, store: Store) -> str:
    slug = slugify(name)
    if not slug:
        raise names.error(f"{short_repr(name)} cannot be made into an id", step, "name")
    iri = str(entity(slug))
    taken = iri in names.created or bool(
        store.select(query("scenario_used_iris"), {"ids": [URIRef(iri)]})
    )
    if taken:
        raise names.error(
            f"the new body {short_repr(name)} would take the id {short_repr(slug)}, which "
            "already names an "
            "entity: choose another name",
            step,
            "name",
        )
    return iri


def _resolve_step(step: Step, names: _Names, store: Store) -> ResolvedStep:
    field = {"add": "add"}.get(step.op, step.op)
    subjects = tuple(names.resolve(n, step, field) for n in step.subjects)
    if len(set(subjects)) != len(subjects):
        raise names.error("the same body is named twice", step, field)
    if step.op == "merge":
        assert step.target is not None
        found = names.lookup(step.target)
        if len(found) > 1:
            names.resolve(step.target, step, "into")  # raises: ambiguous
        if found:
            target, is_new = found[0], False
        else:
            target, is_new = _new_iri(step.target, step, names, store), True
            names.add(target, step.target)
        for s in subjects:
            if s != target:
                names.removed[s] = step.number
        return ResolvedStep(step, subjects, target, is_new)
    if step.op == "abolish":
        heir = names.resolve(step.target, step, "transfer_functions_to") if step.target else None
        if heir == subjects[0]:
            raise names.error("a body cannot transfer its functions to itself", step, field)
        names.removed[subjects[0]] = step.number
        return ResolvedStep(step, subjects, heir)
    if step.op == "move":
        assert step.target is not None
        target = names.resolve(step.target, step, "under")
        if target == subjects[0]:
            raise names.error("a body cannot be moved under itself", step, "under")
        return ResolvedStep(step, subjects, target)
    if step.op == "rename":
        assert step.new_name is not None
        names.by_name.setdefault(_key(step.new_name), {})[subjects[0]] = True
        names.preferred[subjects[0]] = step.new_name
        return ResolvedStep(step, subjects)
    assert step.new_name is not None
    if names.lookup(step.new_name):
        existing = names.lookup(step.new_name)[0]
        raise names.error(
            f"{short_repr(step.new_name)} already names {names.preferred.get(existing)} (id "
            f"{_id(existing)})",
            step,
            "name",
        )
    parent = names.resolve(step.target, step, "accountable_to") if step.target else None
    members = tuple(names.resolve(m, step, "members") for m in step.members)
    new = _new_iri(step.new_name, step, names, store)
    names.add(new, step.new_name)
    return ResolvedStep(step, (), new, True, parent=parent, members=members)


# --- applying ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepRecord:
    """What one applied step did: the evidence an impact cites for the changes it caused."""

    number: int
    text: str
    """"Scenario step 1 (file.yaml line 3): merge A and B into C"."""
    source: SourceRef
    touched: frozenset[str]
    """IRIs the step is about (bodies named, created or re-pointed to)."""
    successors: dict[str, str] = field(default_factory=dict, compare=False)
    """Body IRI -> the body that takes its place entirely (merge)."""
    transfers: dict[str, str] = field(default_factory=dict, compare=False)
    """Body IRI -> the body that takes over its functions but not its own place
    (abolish with transfer_functions_to)."""
    notes: tuple[str, ...] = ()
    """What the step did to the statements, in plain words."""

    @property
    def summary(self) -> str:
        return self.text + (f" ({'; '.join(self.notes)})" if self.notes else "")


@dataclass(frozen=True)
class Applied:
    store: Store
    steps: tuple[StepRecord, ...]
    resolved: ResolvedScenario


def apply_scenario(store: Store, scenario: Scenario | ResolvedScenario) -> Store:
    """The landscape after the scenario: a changed in-memory copy, inferences recomputed.
    ``store`` is never written."""
    return applied_scenario(store, scenario).store


def applied_scenario(store: Store, scenario: Scenario | ResolvedScenario) -> Applied:
    """Like :func:`apply_scenario`, with a record of what each step did."""
    resolved = (
        scenario if isinstance(scenario, ResolvedScenario) else resolve_scenario(scenario, store)
    )
    out = copy_store(store)
    out.drop_graph(INFERRED_GRAPH)
    engine = oxigraph(out)
    title = f"Scenario: {resolved.scenario.name}"
    _add(engine, URIRef(str(SCENARIO_GRAPH)), DCTERMS.title, title, literal=True)
    records = [_apply(engine, r, resolved) for r in resolved.steps]
    rematerialise(out)
    return Applied(out, tuple(records), resolved)


# Quad-level helpers over the copy's engine.

_G = ox.NamedNode(str(SCENARIO_GRAPH))
_RELATIONSHIP_KINDS = frozenset(str(p.iri) for p in model.relationship_kinds())
_CARRY = _RELATIONSHIP_KINDS | {
    str(GG.operatesIn),
    str(GG.hasInterestIn),
    str(GG.hasRemitIn),
    str(SKOS.altLabel),
}
"""What a merged body's statements about itself pass to the target."""
_REPOINT = _RELATIONSHIP_KINDS | {str(GG.leadOrganisation), str(GG.subject), str(GG.object)}
"""Statements naming a merged body as object that are re-pointed to the target."""
_PLACE = frozenset(
    str(p) for p in (GG.memberOf, GG.subOrganisationOf, GG.hostedBy, GG.postIn, GG.holdsPost)
)


def _lower_side(kind: str) -> str | None:
    """For a kind placing one body under another: 's' or 'o', the lower side."""
    direction = model.accountability_direction(URIRef(kind))
    if direction is not None:
        return "o" if direction[1] else "s"
    if kind in _PLACE:
        return "s"
    prop = model.model().properties.get(URIRef(kind))
    if prop is not None and prop.inverse is not None and str(prop.inverse) in _PLACE:
        return "o"
    return None


def _upward_side(kind: str) -> str | None:
    direction = model.accountability_direction(URIRef(kind))
    if direction is None:
        return None
    return "o" if direction[1] else "s"


def _node(term: str) -> ox.NamedNode:
    return ox.NamedNode(term)


def _add(
    engine: ox.Store, s: URIRef | str, p: URIRef | str, o: URIRef | str, *, literal: bool = False
) -> None:
    obj: ox.NamedNode | ox.Literal = ox.Literal(str(o)) if literal else _node(str(o))
    engine.add(ox.Quad(_node(str(s)), _node(str(p)), obj, _G))


def _state(engine: ox.Store, s: str, kind: str, o: str, step: Step) -> None:
    """A direct triple and its reified relationship, stated by the scenario."""
    _add(engine, s, kind, o)
    digest = hashlib.sha256(f"{s} {kind} {o}".encode()).hexdigest()[:16]
    rel = str(entity(f"rel/scenario/{digest}"))
    _add(engine, rel, RDF.type, GG.Relationship)
    _add(engine, rel, GG.relationshipKind, kind)
    _add(engine, rel, GG.subject, s)
    _add(engine, rel, GG.object, o)
    _add(
        engine,
        rel,
        DCTERMS.description,
        f"Scenario step {step.number}: {step.describe()}",
        literal=True,
    )


def _value(engine: ox.Store, s: str, p: URIRef) -> list[ox.Quad]:
    return [q for q in engine.quads_for_pattern(_node(s), _node(str(p)), None)]


def _rel_info(engine: ox.Store, rel: ox.NamedNode | ox.BlankNode) -> tuple[str, str, str]:
    def one(p: URIRef) -> str:
        for q in engine.quads_for_pattern(rel, _node(str(p)), None):
            return str(plain(q.object).value)
        return ""

    return one(GG.subject), one(GG.relationshipKind), one(GG.object)


def _absorb(
    engine: ox.Store, old: str, new: str, *, keep_place: bool, merged: set[str]
) -> Counter[str]:
    """Re-state ``old``'s statements of ``new``, then remove ``old``; see the module doc."""
    done: Counter[str] = Counter()

    def r(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Any:
        if isinstance(term, ox.NamedNode) and (term.value == old or term.value in merged):
            return _node(new)
        return term

    rels: set[ox.NamedNode | ox.BlankNode] = set()
    for q in sorted(mentions(engine, old), key=str):
        s, p, o, g = plain(q.subject), q.predicate.value, plain(q.object), q.graph_name
        engine.remove(q)
        if p in (str(GG.subject), str(GG.object)):
            rels.add(s)  # judged below, whole
            engine.add(ox.Quad(s, q.predicate, r(o), g))
            continue
        own = isinstance(s, ox.NamedNode) and s.value == old
        if p in _RELATIONSHIP_KINDS:
            side = _lower_side(p)
            if not keep_place and side == ("s" if own else "o"):
                done["position statements dropped"] += 1
                continue
            s2, o2 = r(s), r(o)
            if s2 == o2:
                done["self-references dropped"] += 1
                continue
            quad = ox.Quad(s2, q.predicate, o2, g)
            done["statements re-pointed" if quad not in engine else "duplicates merged"] += 1
            engine.add(quad)
        elif own and p in _CARRY:
            engine.add(ox.Quad(_node(new), q.predicate, o, g))
            done["names, areas and interests carried"] += 1
        elif own and p == str(SKOS.prefLabel):
            engine.add(ox.Quad(_node(new), _node(str(SKOS.altLabel)), o, _G))
        elif not own and p in _REPOINT:
            engine.add(ox.Quad(s, q.predicate, _node(new), g))
            done["statements re-pointed"] += 1
    for rel in sorted(rels, key=str):
        start, kind, end = _rel_info(engine, rel)
        lower = _lower_side(kind)
        was_place = (lower == "s" and start == new) or (lower == "o" and end == new)
        if start == end or (not keep_place and was_place):
            for q in list(engine.quads_for_pattern(rel, None, None)):
                if q.graph_name != _node(str(INFERRED_GRAPH)):
                    engine.remove(q)
    remove_entities(engine, [old])
    return done


def _notes(counts: Counter[str]) -> tuple[str, ...]:
    return tuple(f"{n} {what}" for what, n in sorted(counts.items()) if n)


def _shown(r: ResolvedStep, resolved: ResolvedScenario) -> dict[str, str]:
    """A body the step names by its id or IRI (a recommendation's scenario does), as its
    name: a reader of the impact sees "Inverclyde Council", not "inverclyde-council"."""
    step = r.step
    pairs = [
        *zip(step.subjects, r.subjects, strict=False),
        *zip(step.members, r.members, strict=False),
    ]
    if step.target and r.target and not r.target_is_new:
        pairs.append((step.target, r.target))
    return {
        said: resolved.names[iri]
        for said, iri in pairs
        if said in (iri, _id(iri)) and iri in resolved.names
    }


def _apply(engine: ox.Store, r: ResolvedStep, resolved: ResolvedScenario) -> StepRecord:
    step = r.step
    name = resolved.scenario.name
    text = f"Scenario step {step.number} ({step.where}): {step.describe(_shown(r, resolved))}"
    source = SourceRef(f"Scenario: {name}", f"step {step.number}, {step.where}")
    touched = {*r.subjects, *(x for x in (r.target, r.parent) if x), *r.members}
    successors: dict[str, str] = {}
    transfers: dict[str, str] = {}
    counts: Counter[str] = Counter()
    if step.op == "merge":
        assert r.target is not None
        if r.target_is_new:
            first = r.subjects[0]
            for q in _value(engine, first, RDF.type):
                if str(plain(q.object).value).startswith(str(GG)):
                    _add(engine, r.target, RDF.type, plain(q.object).value)
            _add(engine, r.target, SKOS.prefLabel, step.target or "", literal=True)
        merged = {s for s in r.subjects if s != r.target}
        for s in r.subjects:
            if s != r.target:
                counts += _absorb(engine, s, r.target, keep_place=True, merged=merged)
                successors[s] = r.target
    elif step.op == "abolish":
        body = r.subjects[0]
        if r.target:
            counts += _absorb(engine, body, r.target, keep_place=False, merged=set())
            transfers[body] = r.target
        else:
            counts["statements removed"] += remove_entities(engine, [body])
    elif step.op == "move":
        assert r.target is not None
        counts += _move(engine, r.subjects[0], r.target, step)
    elif step.op == "rename":
        body = r.subjects[0]
        for q in _value(engine, body, SKOS.prefLabel):
            engine.remove(q)
            _add(engine, body, SKOS.altLabel, plain(q.object).value, literal=True)
        _add(engine, body, SKOS.prefLabel, step.new_name or "", literal=True)
    else:
        assert r.target is not None and step.type is not None
        _add(engine, r.target, RDF.type, step.type)
        _add(engine, r.target, SKOS.prefLabel, step.new_name or "", literal=True)
        if r.parent:
            _state(engine, r.target, str(step.kind or GG.reportsTo), r.parent, step)
        for m in r.members:
            _state(engine, m, str(GG.memberOf), r.target, step)
    return StepRecord(
        step.number, text, source, frozenset(touched), successors, transfers, _notes(counts)
    )


def _move(engine: ox.Store, body: str, parent: str, step: Step) -> Counter[str]:
    done: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for q in sorted(mentions(engine, body), key=str):
        p = q.predicate.value
        side = _upward_side(p)
        own = isinstance(q.subject, ox.NamedNode) and q.subject.value == body
        if side is not None and side == ("s" if own else "o"):
            direction = model.accountability_direction(URIRef(p))
            assert direction is not None
            kinds[str(direction[0])] += 1
            engine.remove(q)
            done["accountability lines removed"] += 1
        elif p in (str(GG.subject), str(GG.object)):
            s, kind, o = _rel_info(engine, plain(q.subject))
            up = _upward_side(kind)
            if up is not None and (s if up == "s" else o) == body:
                for rq in list(engine.quads_for_pattern(q.subject, None, None)):
                    engine.remove(rq)
    kind = (
        str(step.kind)
        if step.kind
        else (
            sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0] != str(GG.reportsTo), kv[0]))[0][0]
            if kinds
            else str(GG.reportsTo)
        )
    )
    _state(engine, body, kind, parent, step)
    return done


def scenario_names(resolved: ResolvedScenario) -> Iterable[str]:
    """The preferred names of the bodies a scenario names, for messages."""
    return resolved.names.values()
