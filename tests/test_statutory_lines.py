"""Issue #18 item 2: the statutory lines of integration authorities and territorial health
boards, loaded from the Acts that set them, and expected patterns never flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from govgraph.graph.analysis.overlaps import compute_findings
from govgraph.graph.core.errors import SourceError
from govgraph.graph.storage.store import Store
from govgraph.loaders.curated_statutory import StatutoryLinesLoader
from govgraph.loaders.resolve import Resolver
from govgraph.ontology.terms import ID
from tests.test_overlaps_analyses import DOC, load, named, of

IJB = "https://w3id.org/govgraph/ontology#IntegrationJointBoard"
THB = "https://w3id.org/govgraph/ontology#TerritorialHealthBoard"


def _statutory(s: str, kind: str, o: str, n: int, basis: str = "") -> str:
    extra = f'; gg:statutoryBasis "{basis}"' if basis else ""
    return f"""
id:{s} gg:{kind} id:{o} .
id:rel{n} a gg:Relationship ; gg:subject id:{s} ; gg:relationshipKind gg:{kind} ;
  gg:object id:{o} ; gg:citation id:cite{n} {extra} .
id:cite{n} gg:document id:doc ; gg:locator "s. {n}" .
"""


ACT = "Public Bodies (Joint Working) (Scotland) Act 2014, s. 26"


def _board_pattern(basis: str) -> str:
    """An IJB directing its council and board and reporting to both; the board under the
    Ministers: a loop and two parents, unless the Act sets them."""
    return (
        named(
            ("ijb", "IntegrationJointBoard"),
            ("council", "LocalAuthority"),
            ("board", "TerritorialHealthBoard"),
            ("ministers", "Government"),
        )
        + DOC
        + _statutory("ijb", "directs", "council", 1, basis)
        + _statutory("ijb", "directs", "board", 2, basis)
        + _statutory("ijb", "reportsTo", "council", 3, basis)
        + _statutory("ijb", "reportsTo", "board", 4, basis)
        + _statutory("board", "accountableTo", "ministers", 5, basis)
    )


def test_statutory_patterns_are_lines_but_not_anomalies(store: Store) -> None:
    found = compute_findings(load(store, _board_pattern(ACT)))
    assert not of(found, "accountability-cycle")
    assert not of(found, "several-parents")
    assert not of(found, "orphan")


def test_the_same_lines_without_a_statutory_basis_are_flagged(store: Store) -> None:
    found = compute_findings(load(store, _board_pattern("")))
    assert of(found, "accountability-cycle")
    assert of(found, "several-parents")


def test_no_integration_authority_or_territorial_board_lacks_a_line(
    bundled: Store,
) -> None:
    found = compute_findings(bundled)
    orphans = {f.subjects[0].type for f in of(found, "orphan")}
    assert IJB not in orphans and THB not in orphans
    assert not [f for f in of(found, "orphan") if "Integration" in f.subjects[0].type]


def test_every_statutory_line_cites_its_act_by_section(bundled: Store) -> None:
    rows = bundled.select(
        """
        SELECT ?s ?basis ?loc ?url WHERE {
          ?r gg:statutoryBasis ?basis ; gg:subject ?s ; gg:citation ?c .
          ?c gg:locator ?loc ; gg:document ?d . ?d dcterms:source ?url .
        }"""
    )
    subjects = {str(r["s"]) for r in rows}
    assert len(subjects) >= 31 + 14 - 1  # Highland's partnership reports, not an IJB
    for r in rows:
        assert str(r["loc"]).startswith("s. ")
        assert str(r["url"]).startswith("https://www.legislation.gov.uk/")


def test_an_unknown_code_names_the_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "statutory.yaml"
    path.write_text(
        "sources:\n"
        "  - {id: asp-2014-9, title: Act, publisher: P, date: 2014-04-01,\n"
        "     url: 'https://www.legislation.gov.uk/asp/2014/9'}\n"
        "lines:\n"
        "  - kind: directs\n"
        "    subject: {gss: S37999999}\n"
        "    objects: [{gss: S12000018}]\n"
        "    statutory_basis: s. 26\n"  # required: the schema reports its absence first
        "    sources: [{doc: asp-2014-9, locator: s. 26}]\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as err:
        list(StatutoryLinesLoader(path).triples(Resolver()))
    assert err.value.line == 6 and err.value.field == "subject"
    assert str(ID) not in str(err.value)


def test_a_statutory_basis_outside_the_expected_patterns_is_still_judged(store: Store) -> None:
    """Two working groups reporting to each other are a loop, whatever Act is named."""
    body = (
        named(("wg1", "WorkingGroup"), ("wg2", "WorkingGroup"))
        + DOC
        + _statutory("wg1", "reportsTo", "wg2", 1, ACT)
        + _statutory("wg2", "reportsTo", "wg1", 2, ACT)
    )
    assert of(compute_findings(load(store, body)), "accountability-cycle")
