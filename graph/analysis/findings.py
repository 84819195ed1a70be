"""Findings: what an overlap analysis hands to reports, the API and scenario diffs.

A finding is identified by its kind and its subjects, never by its score or wording, so the
same overlap found before and after a change (issue #10's what-ifs) keeps the same id and
two runs can be diffed id by id. Serialisation is deterministic: the same findings always
give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from govgraph.graph.facts.records import SourceRef


@dataclass(frozen=True, order=True)
class Subject:
    """An entity a finding is about: its IRI, the name people use (COSLA), its most specific
    class (IRI or '') and, when the name is an abbreviation, the full name (for a hover)."""

    id: str
    name: str
    type: str = ""
    long: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, str]:
        out = {"id": self.id, "name": self.name, "type": self.type}
        if self.long:
            out["long"] = self.long
        return out


@dataclass(frozen=True)
class Fact:
    """One statement a finding rests on, in plain words, with where it comes from."""

    text: str
    sources: tuple[SourceRef, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "sources": [{"title": s.title, "locator": s.locator} for s in self.sources],
        }


@dataclass(frozen=True)
class Finding:
    kind: str
    """One of :data:`govgraph.graph.analysis.overlaps.KINDS`."""
    subjects: tuple[Subject, ...]
    score: float
    """Higher means more worth an advisor's attention; comparable within a kind only."""
    explanation: str
    evidence: tuple[Fact, ...] = ()
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Structured extras for tables and maps (shared areas, chain length, ...); JSON-safe."""
    identity: int = 0
    """How many leading subjects identify the finding (0: all). A body on many groups is
    the same finding when it joins one more: only the body enters the id."""

    @cached_property
    def id(self) -> str:
        """Computed once per finding (sorting, de-duplicating and every format ask for it)."""
        ordered = self.kind in ORDERED_KINDS
        keys = self.subjects[: self.identity] if self.identity else self.subjects
        return finding_id(self.kind, [s.id for s in keys], ordered=ordered)

    @property
    def names(self) -> str:
        return ", ".join(s.name for s in self.subjects)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "score": round(self.score, 4),
            "subjects": [s.to_dict() for s in self.subjects],
            "explanation": self.explanation,
            "evidence": [f.to_dict() for f in self.evidence],
            "details": self.details,
            "identity": self.identity,
        }


def finding_id(kind: str, subject_ids: Sequence[str], *, ordered: bool = False) -> str:
    """``kind-<12 hex>``: a hash of the kind and the subjects (as a set unless ``ordered``)."""
    ids = list(subject_ids) if ordered else sorted(set(subject_ids))
    digest = hashlib.sha256("\n".join([kind, *ids]).encode("utf-8")).hexdigest()[:12]
    return f"{kind}-{digest}"


def sort_findings(findings: Iterable[Finding], kind_order: Sequence[str] = ()) -> list[Finding]:
    """Kinds in ``kind_order``, then by score (highest first), then by the facts behind it
    (more first: of two equal scores, the one resting on more evidence leads), then by id: a
    total order."""
    rank = {k: i for i, k in enumerate(kind_order)}
    return sorted(
        findings,
        key=lambda f: (rank.get(f.kind, len(rank)), -round(f.score, 6), -len(f.evidence), f.id),
    )


def to_json(findings: Iterable[Finding], meta: dict[str, Any] | None = None) -> str:
    """Findings as a JSON document with sorted keys, so equal findings give equal bytes.

    Written one finding at a time (the same text ``json.dumps(..., sort_keys=True)`` gives
    for the whole document): a tree of dicts for 10^5 findings would need gigabytes."""
    encode = json.JSONEncoder(**_JSON).encode
    parts = ['{"findings":[']
    for i, f in enumerate(findings):
        parts.append(("," if i else "") + encode(f.to_dict()))
    parts.append('],"meta":' + json.dumps(meta or {}, **_JSON) + "}\n")
    return "".join(parts)


_JSON: dict[str, Any] = {"ensure_ascii": False, "sort_keys": True, "separators": (",", ":")}


def from_dict(data: dict[str, Any]) -> Finding:
    """The inverse of :meth:`Finding.to_dict` (ids are recomputed, not trusted)."""
    return Finding(
        kind=data["kind"],
        subjects=tuple(Subject(**s) for s in data["subjects"]),
        score=float(data["score"]),
        explanation=data["explanation"],
        evidence=tuple(
            Fact(f["text"], tuple(SourceRef(s["title"], s.get("locator")) for s in f["sources"]))
            for f in data["evidence"]
        ),
        details=data.get("details", {}),
        identity=int(data.get("identity", 0)),
    )


ORDERED_KINDS = frozenset({"accountability-chain"})
"""Kinds whose subject order is part of what was found (and of the id): a chain runs from
the lowest body up; every other kind is about a set of subjects."""
