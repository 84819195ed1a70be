"""Prove the ontology plus data consistent with a real OWL 2 DL reasoner (HermiT).

owlready2 reads N-Triples (not Turtle) and fetches ``owl:imports`` from the network, so the
graph is written as N-Triples without imports into a private directory, where owlready2
loads it (proving it is OWL that owlready2 accepts). The reasoner is the HermiT bundled with
owlready2, run on that file as a Java subprocess killed after ``timeout`` seconds. It runs
HermiT's consistency check (``-k``) rather than ``sync_reasoner_hermit``, which always
classifies classes, properties and individuals: on the bundled data that takes minutes,
while the consistency check takes seconds. Unsatisfiable classes are looked for on the
ontology alone (``-U``), where classification is cheap. Pellet is never used: the copy
bundled with owlready2 0.51 needs Java 25.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Identifier

from govgraph.graph.checks.ontology_graph import ontology_ntriples
from govgraph.graph.core.errors import GovgraphError
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store, bind_values
from govgraph.ontology.model import model
from govgraph.ontology.terms import BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH

_IMPORTS = b"<http://www.w3.org/2002/07/owl#imports>"


class ReasonerError(GovgraphError):
    """HermiT could not run: Java is missing, it failed, or it ran out of time."""


@dataclass(frozen=True)
class ConsistencyResult:
    consistent: bool
    explanation: str
    """One paragraph a reader can act on; empty when consistent with no unsatisfiable class."""
    clashes: tuple[str, ...] = ()
    """Entities typed with classes the ontology declares disjoint, one line each."""
    unsatisfiable_classes: tuple[str, ...] = ()
    """Classes that can have no instance (the ontology contradicts itself about them)."""
    seconds: float = 0.0


def _data_ntriples(source: Store | Graph) -> bytes:
    if isinstance(source, Graph):
        out = source.serialize(format="nt", encoding="utf-8")
        return out if isinstance(out, bytes) else out.encode()
    values = {"ontology": [ONTOLOGY_GRAPH], "inferred": [INFERRED_GRAPH]}
    return source.query_serialized(
        bind_values(query("asserted_triples"), values),
        "application/n-triples",
        "application/n-triples",
    )


def _without_imports(data: bytes) -> bytes:
    return b"\n".join(line for line in data.splitlines() if _IMPORTS not in line) + b"\n"


def disjoint_clashes(data: Graph) -> list[str]:
    """Entities whose asserted classes (or their ancestors) are declared disjoint."""
    m = model()
    lines: list[str] = []
    entities = {e for e in data.subjects(RDF.type, None) if isinstance(e, Identifier)}
    for entity in sorted(entities):
        types = sorted(
            t for t in data.objects(entity, RDF.type) if isinstance(t, URIRef) and t in m.classes
        )
        for a, b in combinations(types, 2):
            if isinstance(a, URIRef) and isinstance(b, URIRef) and m.are_disjoint(a, b):
                name = data.value(entity, SKOS.prefLabel)
                iri = str(entity)
                short = iri[len(BASE) :] if iri.startswith(BASE) else iri
                who = f"{name} ({short})" if name is not None else short
                lines.append(
                    f"{who} is typed both '{m.label(a)}' and '{m.label(b)}', "
                    "which the ontology declares disjoint"
                )
    return lines


def _hermit(
    args: list[str], path: Path, timeout: float, *, data_literals: bool = False
) -> subprocess.CompletedProcess[str]:
    """HermiT as shipped. ``data_literals`` lets it skip literals typed outside OWL 2's
    datatype map (the data's xsd:date and xsd:gYear values, which no OWL 2 DL reasoner
    interprets); the ontology itself uses none, so it is checked without the flag."""
    import owlready2.reasoning

    command = [
        owlready2.JAVA_EXE,
        f"-Xmx{owlready2.reasoning.JAVA_MEMORY}M",
        "-cp",
        owlready2.reasoning._HERMIT_CLASSPATH,  # the jar bundled with owlready2
        "org.semanticweb.HermiT.cli.CommandLine",
        *(["--ignoreUnsupportedDatatypes"] if data_literals else []),
        "-N",
        *args,
        path.as_uri(),
    ]
    try:
        return subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False, cwd=path.parent
        )
    except subprocess.TimeoutExpired as exc:
        raise ReasonerError(f"HermiT did not finish within {timeout:g} s") from exc


def _load_with_owlready(path: Path) -> None:
    """Parse the file with owlready2 in a throw-away world; imports were stripped, and the
    search path is the private directory, so nothing is fetched."""
    import owlready2

    owlready2.onto_path[:] = [str(path.parent)]
    world = owlready2.World()
    try:
        world.get_ontology(path.as_uri()).load()
    except Exception as exc:  # owlready2 raises bare exceptions on malformed input
        raise ReasonerError(f"owlready2 could not load the graph: {exc}") from exc
    finally:
        world.close()


def _unsatisfiable(output: str) -> tuple[str, ...]:
    names = (line.strip() for line in output.splitlines())
    return tuple(sorted(n for n in names if n.startswith("http") and not n.endswith("#Nothing")))


def ontology_is_consistent(ontology: bytes, timeout: float = 120.0) -> bool:
    """Stock HermiT's consistency check (no flag) over an ontology document (N-Triples or
    RDF/XML, as served): proof that it is OWL 2 DL that standard tools load."""
    with tempfile.TemporaryDirectory(prefix="govgraph-hermit-") as tmp:
        path = Path(tmp) / "ontology.owl"
        path.write_bytes(ontology)
        checked = _hermit(["-k"], path, timeout)
    if "is satisfiable" in checked.stdout:
        return True
    if "Inconsistent" in checked.stdout + checked.stderr:
        return False
    tail = " | ".join((checked.stderr or checked.stdout).strip().splitlines()[-4:])
    raise ReasonerError(f"HermiT failed: {tail}")


def check_consistency(source: Store | Graph, timeout: float = 120.0) -> ConsistencyResult:
    """Run HermiT over the shipped ontology plus the asserted data of ``source``."""
    if shutil.which("java") is None:
        raise ReasonerError(
            "the OWL consistency check runs HermiT, which needs Java 17 or later on PATH "
            "(for example: apt-get install openjdk-17-jre-headless)"
        )
    data = _data_ntriples(source)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="govgraph-hermit-") as tmp:
        ontology = Path(tmp) / "govgraph-ontology.nt"
        ontology.write_bytes(_without_imports(ontology_ntriples()))
        combined = Path(tmp) / "govgraph-check.nt"
        combined.write_bytes(_without_imports(ontology_ntriples() + b"\n" + data))
        _load_with_owlready(combined)
        checked = _hermit(["-k"], combined, timeout, data_literals=True)
        consistent = "is satisfiable" in checked.stdout
        if not consistent and "Inconsistent" not in checked.stdout + checked.stderr:
            tail = " | ".join((checked.stderr or checked.stdout).strip().splitlines()[-3:])
            raise ReasonerError(f"HermiT failed: {tail}")
        unsatisfiable: tuple[str, ...] = ()
        if consistent:
            remaining = max(1.0, timeout - (time.perf_counter() - started))
            unsatisfiable = _unsatisfiable(_hermit(["-U"], ontology, remaining).stdout)
    seconds = time.perf_counter() - started

    if consistent:
        explanation = (
            "The ontology declares these classes but they can have no instances: "
            + ", ".join(unsatisfiable)
            if unsatisfiable
            else ""
        )
        return ConsistencyResult(True, explanation, (), unsatisfiable, seconds)

    graph = Graph()
    graph.parse(data=data, format="nt")
    clashes = tuple(disjoint_clashes(graph))
    if clashes:
        explanation = "HermiT found the data inconsistent with the ontology: " + "; ".join(clashes)
    else:
        explanation = (
            "HermiT found the data inconsistent with the ontology, but no entity is typed with "
            "two disjoint classes: look for a property whose domain or range implies a "
            "disjoint type, or a second value of a functional property"
        )
    return ConsistencyResult(False, explanation, clashes, (), seconds)
