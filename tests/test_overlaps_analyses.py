"""Each overlap analysis on a small hand-built graph where the findings are known in advance,
with negative cases where nothing must be flagged."""

from __future__ import annotations

import pytest
from rdflib import Graph

from govgraph.graph.analysis.findings import Finding, finding_id
from govgraph.graph.analysis.overlaps import FindingsCache, Settings, compute_findings, data_version
from govgraph.graph.core.errors import QueryError
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import GRAPH, ID

PREFIXES = """
@prefix gg: <https://w3id.org/govgraph/ontology#> .
@prefix id: <https://w3id.org/govgraph/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""


def load(store: Store, body: str) -> Store:
    store.replace_graph(GRAPH["test"], Graph().parse(data=PREFIXES + body, format="turtle"))
    return store


def named(*pairs: tuple[str, str]) -> str:
    return "\n".join(f'id:{i} a gg:{t} ; skos:prefLabel "{i}" .' for i, t in pairs)


def of(findings: list[Finding], kind: str) -> list[Finding]:
    return [f for f in findings if f.kind == kind]


def ids(f: Finding) -> list[str]:
    return [s.id.removeprefix(str(ID)) for s in f.subjects]


def cited(s: str, kind: str, o: str, n: int) -> str:
    """A stated relationship with a reified node citing a document."""
    return f"""
id:{s} gg:{kind} id:{o} .
id:rel{n} a gg:Relationship ; gg:subject id:{s} ; gg:relationshipKind gg:{kind} ;
  gg:object id:{o} ; gg:citation id:cite{n} .
id:cite{n} gg:document id:doc ; gg:locator "section {n}" .
"""


DOC = 'id:doc dcterms:title "Test source" .'


# --- remit ----------------------------------------------------------------------------
REMIT = (
    named(
        ("a", "Board"),
        ("b", "Committee"),
        ("c", "Board"),
        ("d", "Board"),
        ("e", "ExecutiveNDPB"),
        ("f", "ExecutiveNDPB"),
        ("kinship", "PolicyArea"),
        ("education", "PolicyArea"),
        ("place", "CouncilArea"),
    )
    + """
id:a gg:hasInterestIn id:kinship . id:b gg:hasRemitIn id:kinship .
id:a gg:hasInterestIn id:education . id:b gg:hasInterestIn id:education .
id:c gg:hasInterestIn id:education . id:d gg:hasInterestIn id:education .
id:e gg:operatesIn id:place . id:f gg:operatesIn id:place .
"""
)


def test_bodies_sharing_a_rare_policy_area_are_a_remit_overlap(store: Store) -> None:
    found = compute_findings(load(store, REMIT))
    pairs = of(found, "remit-overlap")
    assert [ids(f) for f in pairs] == [["a", "b"]]
    assert "kinship" in pairs[0].explanation and "education" in pairs[0].explanation
    assert {"remit"} <= set(pairs[0].details["dimensions"]) | {"remit"}
    assert pairs[0].evidence, "a finding must carry its facts"


def test_a_policy_area_many_hold_is_one_crowded_finding_not_many_pairs(store: Store) -> None:
    found = compute_findings(load(store, REMIT))
    crowded = of(found, "crowded-policy-area")
    assert [ids(f) for f in crowded] == [["education", "a", "b", "c", "d"]]
    assert not any({"c", "d"} == set(ids(f)) for f in of(found, "remit-overlap"))


def test_sharing_a_place_only_is_not_an_overlap(store: Store) -> None:
    found = compute_findings(load(store, REMIT))
    assert not any("e" in ids(f) for f in found if f.kind != "orphan")


def test_remit_threshold_is_configurable(store: Store) -> None:
    load(store, REMIT)
    strict = compute_findings(store, settings=Settings(remit_threshold=0.99))
    assert not of(strict, "remit-overlap")


CLIENTS = (
    named(
        ("kin1", "ThirdSectorOrganisation"),
        ("kin2", "Board"),
        ("yj1", "Board"),
        ("yj2", "WorkingGroup"),
        ("yj3", "ExecutiveNDPB"),
        ("lone", "Board"),
        ("kinship-families", "ClientGroup"),
        ("young-offenders", "ClientGroup"),
        ("care-leavers", "ClientGroup"),
    )
    + """
id:kin1 gg:servesClientGroup id:kinship-families .
id:kin2 gg:servesClientGroup id:kinship-families .
id:yj1 gg:servesClientGroup id:young-offenders . id:yj2 gg:servesClientGroup id:young-offenders .
id:yj3 gg:servesClientGroup id:young-offenders . id:lone gg:servesClientGroup id:care-leavers .
"""
)


def test_bodies_serving_the_same_people_are_a_remit_overlap(store: Store) -> None:
    found = compute_findings(load(store, CLIENTS))
    pairs = of(found, "remit-overlap")
    assert [ids(f) for f in pairs] == [["kin1", "kin2"]]
    assert pairs[0].details["dimensions"] == ["client"]
    assert "serves kinship-families" in pairs[0].explanation
    assert [f.text for f in pairs[0].evidence] == [
        "kin1 serves kinship-families.",
        "kin2 serves kinship-families.",
    ]


def test_a_client_group_many_serve_is_one_crowded_finding_not_many_pairs(store: Store) -> None:
    found = compute_findings(load(store, CLIENTS))
    crowded = of(found, "crowded-client-group")
    assert [ids(f) for f in crowded] == [["young-offenders", "yj1", "yj2", "yj3"]]
    assert crowded[0].explanation.startswith("3 bodies serve young-offenders")
    assert not of(found, "crowded-policy-area")
    assert not any("yj1" in ids(f) for f in of(found, "remit-overlap"))
    assert not any("lone" in ids(f) for f in found if f.kind != "orphan")


# --- membership -----------------------------------------------------------------------
MEMBERS = (
    named(
        ("g1", "Board"),
        ("g2", "Committee"),
        ("g3", "Board"),
        ("g4", "Board"),
        ("g5", "WorkingGroup"),
        ("g6", "Board"),
        ("p1", "Person"),
        ("p2", "Person"),
        ("p3", "Person"),
        ("p4", "Person"),
        ("p5", "Person"),
        ("chair", "Post"),
        ("org", "ExecutiveNDPB"),
        ("q", "Person"),
    )
    + """
id:p1 gg:memberOf id:g1, id:g2, id:g5 . id:p2 gg:memberOf id:g1, id:g2 . id:p3 gg:memberOf id:g1 .
id:p4 gg:memberOf id:g3 . id:p5 gg:memberOf id:g4 .
id:chair gg:chairs id:g6 ; gg:postIn id:org . id:q gg:holdsPost id:chair .
id:q gg:memberOf id:g5 .
"""
)


def test_a_group_whose_members_all_sit_on_another_is_a_subset(store: Store) -> None:
    found = compute_findings(load(store, MEMBERS))
    assert [ids(f) for f in of(found, "membership-subset")] == [["g2", "g1"]]


def test_groups_with_no_member_in_common_are_not_flagged(store: Store) -> None:
    found = compute_findings(load(store, MEMBERS))
    for f in of(found, "membership-overlap") + of(found, "membership-subset"):
        assert not {"g3", "g4"} & set(ids(f))


def test_someone_on_many_groups_is_reported(store: Store) -> None:
    found = compute_findings(load(store, MEMBERS))
    # q works in org (holds a post there), chairs g6 through that post and sits on g5
    assert {ids(f)[0] for f in of(found, "many-seats")} == {"p1", "q"}


def test_a_post_links_its_holder_and_its_body_to_the_group_it_chairs(store: Store) -> None:
    found = compute_findings(load(store, MEMBERS), settings=Settings(membership_threshold=0.1))
    pair = [f for f in of(found, "membership-overlap") if set(ids(f)) == {"g5", "g6"}]
    assert pair, "q holds the chair of g6 and sits on g5: an interlock through a post"
    assert any("holds the post" in e.text for e in pair[0].evidence)


# --- accountability -------------------------------------------------------------------
ACCOUNT = (
    named(
        ("a", "ExecutiveNDPB"),
        ("b", "ExecutiveNDPB"),
        ("c", "Government"),
        ("x", "Board"),
        ("d", "Committee"),
        ("e", "Committee"),
        ("f", "PublicBody"),
        ("g", "Company"),
        ("h", "AdvisoryNDPB"),
        ("ijb", "IntegrationJointBoard"),
        ("council", "LocalAuthority"),
        ("unit", "Directorate"),
    )
    + DOC
    + cited("x", "reportsTo", "a", 1)
    + cited("a", "reportsTo", "b", 2)
    + cited("b", "sponsoredBy", "c", 3)
    + cited("a", "sponsoredBy", "c", 4)
    + cited("d", "reportsTo", "e", 5)
    + cited("e", "reportsTo", "d", 6)
    + cited("h", "sponsoredBy", "b", 7)
    + cited("ijb", "directs", "council", 9)
    + cited("unit", "subOrganisationOf", "c", 10)
    + "id:h gg:fundedBy id:c .\n"
)


def test_several_parents_counts_distinct_bodies_above(store: Store) -> None:
    found = compute_findings(load(store, ACCOUNT))
    several = {ids(f)[0]: ids(f)[1:] for f in of(found, "several-parents")}
    assert several == {"a": ["b", "c"], "h": ["b", "c"]}


def test_a_loop_of_lines_is_a_cycle(store: Store) -> None:
    found = compute_findings(load(store, ACCOUNT))
    assert [sorted(ids(f)) for f in of(found, "accountability-cycle")] == [["d", "e"]]


def test_a_line_others_imply_is_redundant(store: Store) -> None:
    found = compute_findings(load(store, ACCOUNT))
    redundant = [ids(f) for f in of(found, "redundant-line")]
    assert ["a", "c"] in redundant
    assert ["b", "c"] not in redundant and ["x", "a"] not in redundant


EVERYWHERE = Settings(scope="all")


def test_orphans_only_where_a_line_is_expected(store: Store) -> None:
    found = compute_findings(load(store, ACCOUNT), settings=EVERYWHERE)
    orphans = {ids(f)[0] for f in of(found, "orphan")}
    assert orphans == {"f", "ijb"}  # not the company, government, council or a unit in c


SCOPED = (
    named(
        ("seed-named", "ExecutiveNDPB"),
        ("local", "Board"),
        ("near", "AdvisoryNDPB"),
        ("uk-wide", "ExecutiveNDPB"),
        ("area", "CouncilArea"),
    )
    + '\nid:seed a gg:SourceDocument ; dcterms:title "A seed report" .\n'
    + 'id:dataset a gg:Dataset ; dcterms:title "A register" .\n'
    + 'id:seed-named gg:citation [ gg:document id:seed ; gg:locator "p. 3" ] .\n'
    + 'id:uk-wide gg:citation [ gg:document id:dataset ; gg:locator "row 9" ] .\n'
    + "id:local gg:operatesIn id:area .\n"
    + "id:near gg:advises id:seed-named .\n"
)


def test_orphans_are_looked_for_in_the_scottish_landscape_unless_asked(store: Store) -> None:
    """The core is what a source document cites or what sits in an area; one stated link
    from it is in scope; a body only a dataset lists, linked to nothing, is not."""
    load(store, SCOPED)
    scoped = {ids(f)[0] for f in of(compute_findings(store, kinds=["orphan"]), "orphan")}
    assert scoped == {"seed-named", "local", "near"}
    everywhere = compute_findings(store, kinds=["orphan"], settings=EVERYWHERE)
    assert {ids(f)[0] for f in everywhere} == {"seed-named", "local", "near", "uk-wide"}
    with pytest.raises(QueryError, match="unknown scope"):
        Settings(scope="uk")


def test_directs_is_read_upwards(store: Store) -> None:
    found = compute_findings(load(store, ACCOUNT))
    assert "council" not in {ids(f)[0] for f in of(found, "orphan")}
    chains = of(found, "accountability-chain")
    assert [ids(f) for f in chains] == [["x", "a", "b", "c"]]
    assert chains[0].details["length"] == 3


def test_only_uncited_lines_are_unsourced(store: Store) -> None:
    found = compute_findings(load(store, ACCOUNT))
    assert [ids(f) for f in of(found, "unsourced-line")] == [["h", "c"]]


# --- plan leadership ------------------------------------------------------------------
PLAN = (
    named(
        ("sg", "Government"),
        ("cosla", "Organisation"),
        ("la", "Collective"),
        ("hb", "Collective"),
        ("a1", "Action"),
        ("a2", "Action"),
        ("a3", "Action"),
        ("a4", "Action"),
        ("a5", "Action"),
    )
    + """
id:a1 gg:leadOrganisation id:sg, id:cosla, id:la, id:hb .
id:a2 gg:leadOrganisation id:la, id:hb .
id:a3 gg:leadOrganisation id:sg, id:cosla .
id:a4 gg:leadOrganisation id:sg ; gg:linkedAction id:a2 .
id:a5 gg:leadOrganisation id:cosla ; gg:linkedAction id:a3 ;
  gg:hasAssessment id:x5 . id:x5 gg:assessmentStatus gg:LittleOrNoWork ;
  gg:assessmentDate "2021-06-25" .
id:a3 gg:hasAssessment id:x3 . id:x3 gg:assessmentStatus gg:WorkUnderway .
"""
)


def test_leadership_findings_on_a_small_plan(store: Store) -> None:
    found = compute_findings(load(store, PLAN))
    assert [ids(f)[0] for f in of(found, "many-leads")] == ["a1"]
    generic = {ids(f)[0]: f.score for f in of(found, "generic-leads")}
    assert generic == {"a2": 1.0, "a1": 0.5}
    assert sorted(ids(f)[0] for f in of(found, "leads-many-actions")) == ["cosla", "sg"]
    assert [ids(f) for f in of(found, "co-leads")] == [["cosla", "sg"], ["hb", "la"]]
    assert [ids(f) for f in of(found, "linked-disjoint-leads")] == [["a2", "a4"]]
    assert [ids(f)[0] for f in of(found, "little-work")] == ["a5"]


def test_linked_actions_sharing_a_lead_are_not_flagged(store: Store) -> None:
    found = compute_findings(load(store, PLAN))
    assert not any({"a3", "a5"} == set(ids(f)) for f in of(found, "linked-disjoint-leads"))


# --- rationalisation ------------------------------------------------------------------
MERGE = (
    named(
        ("parent", "HealthAndSocialCarePartnership"),
        ("g1", "Board"),
        ("g2", "Board"),
        ("g3", "Board"),
        ("other", "ExecutiveNDPB"),
        ("area", "PolicyArea"),
        ("x", "PolicyArea"),
        ("y", "PolicyArea"),
    )
    + """
id:g1 gg:subOrganisationOf id:parent ; gg:hasInterestIn id:area .
id:g2 gg:subOrganisationOf id:parent ; gg:hasInterestIn id:area .
id:g3 gg:subOrganisationOf id:other ; gg:hasInterestIn id:x .
id:other gg:hasInterestIn id:y .
"""
)


def test_groups_under_one_parent_with_one_remit_are_a_candidate(store: Store) -> None:
    found = compute_findings(load(store, MERGE))
    cands = of(found, "rationalisation")
    assert [ids(f) for f in cands] == [["g1", "g2"]]
    assert "parent" in cands[0].explanation and cands[0].details["pairs"][0]["remit"] > 0


def test_one_signal_alone_makes_no_merger(store: Store) -> None:
    """A shared remit alone is a cluster with a recommendation (issue #18), never a merger."""
    only_remit = MERGE.replace("id:g2 gg:subOrganisationOf id:parent ;", "id:g2")
    found = compute_findings(load(store, only_remit))
    actions = [f.details["recommendation"]["action"] for f in of(found, "rationalisation")]
    assert actions and not {"merge", "fold-into-parent"} & set(actions)


def test_sharing_a_parliament_or_government_above_is_no_parent_signal(store: Store) -> None:
    """Every public body answers to a legislature or government in the end: an oversight
    board and the team that supports it, both reporting to Parliament, are no merger; the
    same two under a local partnership are."""
    pair = (
        named(("top", "Parliament"), ("board", "Board"), ("team", "Team"))
        + cited("board", "reportsTo", "top", 1)
        + cited("team", "reportsTo", "top", 2)
        + cited("team", "supports", "board", 3)
        + DOC
    )
    assert not of(compute_findings(load(store, pair)), "rationalisation")
    under_government = pair.replace("id:top a gg:Parliament", "id:top a gg:Government")
    assert not of(compute_findings(load(store, under_government)), "rationalisation")
    local = pair.replace("id:top a gg:Parliament", "id:top a gg:HealthAndSocialCarePartnership")
    cands = of(compute_findings(load(store, local)), "rationalisation")
    assert [ids(f) for f in cands] == [["board", "team"]]


# --- ids, filtering and the cache -----------------------------------------------------
def test_ids_depend_on_kind_and_subjects_not_order_or_score() -> None:
    assert finding_id("remit-overlap", ["b", "a"]) == finding_id("remit-overlap", ["a", "b"])
    assert finding_id("remit-overlap", ["a", "b"]) != finding_id("co-leads", ["a", "b"])
    assert finding_id("accountability-chain", ["a", "b"], ordered=True) != finding_id(
        "accountability-chain", ["b", "a"], ordered=True
    )


def test_min_score_and_kinds_filter(store: Store) -> None:
    load(store, PLAN)
    found = compute_findings(store, kinds=["co-leads"], min_score=0.6)
    assert {f.kind for f in found} == set() or all(f.score >= 0.6 for f in found)
    assert all(f.kind == "co-leads" for f in found)


def test_unknown_kind_is_a_clear_error(store: Store) -> None:
    from govgraph.graph.core.errors import QueryError

    with pytest.raises(QueryError, match="unknown finding kind 'nope'"):
        compute_findings(store, kinds=["nope"])


def test_cache_computes_once_per_data_version(store: Store) -> None:
    load(store, PLAN)
    cache = FindingsCache()
    first = cache.get(store)
    assert cache.get(store, kinds=["co-leads"]) == of(first, "co-leads")
    version = data_version(store)
    assert cache.version == version
    load(store, REMIT)
    assert data_version(store) != version
    assert of(cache.get(store), "remit-overlap")


def test_all_iri_answers_decode_by_the_fast_path_exactly_as_row_by_row() -> None:
    """The whole-text decoding of all-IRI answers gives the rows the per-cell decoding
    gives, and any literal, blank node or empty cell sends an answer to the latter."""
    from govgraph.graph.analysis.overlap_facts import _decoded, _iri_rows

    iri = "?s\t?o\n<http://a/1>\t<http://b/\u00e9>\n<http://a/2>\t<http://b/3>\n"
    assert [tuple(r) for r in _decoded(iri.encode())] == [
        ("http://a/1", "http://b/\u00e9"),
        ("http://a/2", "http://b/3"),
    ]
    assert _iri_rows(iri.partition("\n")[2], 2) is not None
    for body in (
        '<http://a/1>\t"x y"\n<http://a/2>\t<http://b/3>\n',
        "<http://a/1>\t_:b0\n",
        "<http://a/1>\t\n<http://a/2>\t<http://b/3>\n",
        "<http://a/1>\t1\n",
        '"lit"\t<http://a/1>\n',
    ):
        assert _iri_rows(body, 2) is None, body
    mixed = '?s\t?o\n<http://a/1>\t"x\\ty"@en\n<http://a/2>\t<http://b/3>\n'
    assert [list(r) for r in _decoded(mixed.encode())] == [
        ["http://a/1", "x\ty"],
        ["http://a/2", "http://b/3"],
    ]
    assert [list(r) for r in _decoded(mixed.encode(), iris=True)] == [["http://a/2", "http://b/3"]]
    assert list(_decoded(b"?s\t?o\n")) == []
    assert [tuple(r) for r in _decoded(b"?s\n<http://a/1>\n<http://a/2>\n")] == [
        ("http://a/1",),
        ("http://a/2",),
    ]


def test_findings_leave_the_collector_no_young_objects_to_walk(landscape: Store) -> None:
    """What the analyses built is long-lived: it goes to the oldest generation at once, so
    rendering a report at 10^5 bodies does not pay young passes over millions of objects."""
    import gc

    compute_findings(landscape)
    young, middle, _ = gc.get_count()
    assert gc.isenabled()
    assert young < gc.get_threshold()[0] and middle == 0
