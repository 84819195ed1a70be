"""Directory loaders against the real public datasets and the bundled derived copies.

Real files come from the shared data folder (skipped with a reason when it is absent);
the bundled copies live in data/derived/ and are always present.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from govgraph.graph.core.errors import SourceError
from govgraph.graph.storage.store import Store
from govgraph.loaders.base import Loader
from govgraph.loaders.care_inspectorate import CareInspectorateLoader
from govgraph.loaders.generic_csv import GenericCsvLoader
from govgraph.loaders.govuk import GovukOrganisationsLoader
from govgraph.loaders.phs_geography import PhsGeographyLoader
from govgraph.loaders.public_bodies import UkPublicBodiesLoader
from govgraph.loaders.rdf_file import RdfFileLoader
from govgraph.loaders.resolve import Resolver
from govgraph.ontology.terms import GG, entity

try:
    from tests.conftest import FIXTURES, SHARED
except ImportError:  # pytest run without the repository root on sys.path
    from conftest import FIXTURES, SHARED  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
DERIVED = ROOT / "data" / "derived"
DATA = SHARED / "data"
needs_shared = pytest.mark.skipif(
    not (DATA / "scot-health-geography").is_dir(),
    reason=f"shared public datasets not found at {DATA}",
)
BASES = [
    pytest.param(DERIVED, id="bundled"),
    pytest.param(DATA, id="real", marks=needs_shared),
]
CI_DIR = "care-inspectorate-datastore"
CI_FILE = "children_care_services_2026-05-31.csv"


def run(loader: Loader, resolver: Resolver, store: Store | None = None) -> Graph:
    graph = Graph()
    for triple in loader.triples(resolver):
        graph.add(triple)
    if store is not None:
        store.replace_graph(loader.info().graph, graph)
    return graph


def count(store: Store, where: str) -> int:
    row = store.select_one(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")
    return int(row["n"])  # type: ignore[call-overload]


def geography(base: Path, resolver: Resolver, store: Store | None = None) -> Graph:
    return run(PhsGeographyLoader(base / "scot-health-geography"), resolver, store)


def curated_like(resolver: Resolver) -> dict[str, URIRef]:
    """Entities as the curated register would have them before the directories load."""
    curated = {
        "council": entity("org/inverclyde-council"),
        "board": entity("org/nhs-greater-glasgow-and-clyde"),
        "ijb": entity("org/inverclyde-ijb"),
        "ci": entity("org/care-inspectorate"),
        "sg": entity("org/scottish-government"),
    }
    resolver.add(curated["council"], ["Inverclyde Council"], [("gss", "S12000018")])
    resolver.add(curated["board"], ["NHS Greater Glasgow & Clyde", "NHS GGC"])
    resolver.add(curated["ijb"], ["Inverclyde IJB"])
    resolver.add(curated["ci"], ["The Care Inspectorate", "Care Inspectorate"])
    resolver.add(curated["sg"], ["Scottish Government"])
    return curated


# --- PHS geography -----------------------------------------------------------------------


@pytest.mark.parametrize("base", BASES)
def test_geography_has_32_councils_14_boards_31_integration_authorities(
    base: Path, store: Store
) -> None:
    geography(base, Resolver(), store)
    assert count(store, "?x a gg:LocalAuthority") == 32
    assert count(store, "?x a gg:TerritorialHealthBoard") == 14
    assert count(store, "?x a gg:IntegrationAuthority") == 31
    assert count(store, "?x a gg:CouncilArea") == 32
    assert count(store, "?x a gg:HealthBoardArea") == 14
    # every integration authority partners at least one council and exactly one board
    assert count(store, "?x a gg:IntegrationAuthority ; gg:partnerOf/a gg:LocalAuthority") == 31
    rows = store.select(
        "SELECT ?x (COUNT(?b) AS ?n) WHERE { ?x a gg:IntegrationAuthority ; gg:partnerOf ?b . "
        "?b a gg:TerritorialHealthBoard } GROUP BY ?x"
    )
    assert len(rows) == 31 and all(int(r["n"]) == 1 for r in rows)  # type: ignore[call-overload]
    # Clackmannanshire and Stirling share one integration authority
    clacks = store.select(
        "SELECT ?c WHERE { ?ia gg:gssCode 'S37000005' ; gg:partnerOf ?c . ?c a gg:LocalAuthority }"
    )
    assert len(clacks) == 2
    # every council operates in its area, which carries the same GSS code
    assert (
        count(store, "?x a gg:LocalAuthority ; gg:gssCode ?c ; gg:operatesIn ?a . ?a gg:gssCode ?c")
        == 32
    )


@pytest.mark.parametrize("base", BASES)
def test_every_partnership_is_a_cited_relationship(base: Path, store: Store) -> None:
    geography(base, Resolver(), store)
    direct = count(store, "?ia gg:partnerOf ?p . BIND(CONCAT(STR(?ia), STR(?p)) AS ?x)")
    reified = count(
        store,
        "?x a gg:Relationship ; gg:relationshipKind gg:partnerOf ; gg:subject ?s ; gg:object ?o ;"
        " gg:citation/gg:document ?d . ?s gg:partnerOf ?o",
    )
    # 32 council partnerships + 31 board partnerships (Clackmannanshire and Stirling's
    # one authority partners NHS Forth Valley once)
    assert direct == reified == 63
    assert count(store, "?x a gg:LocalAuthority . FILTER NOT EXISTS { ?x gg:citation ?c }") == 0


def test_only_current_codes_are_loaded() -> None:
    graph = geography(DERIVED, Resolver())
    codes = {str(o) for o in graph.objects(None, GG.gssCode)}
    assert "S12000048" in codes and "S12000024" not in codes  # Perth and Kinross, 2018 code
    assert "S08000031" in codes and "S08000021" not in codes  # NHS GGC, 2019 code
    fife = entity("integration-authority/fife")
    assert str(graph.value(fife, GG.startDate)) == "2016-04-01"  # survives the 2018 code change


@pytest.mark.parametrize("base", BASES)
def test_spellings_resolve_to_one_body(base: Path) -> None:
    resolver = Resolver()
    geography(base, resolver)
    perth = {
        resolver.resolve(n)
        for n in (
            "Perth & Kinross",
            "Perth and Kinross",
            "Perth & Kinross Council",
            "Perth and Kinross Council",
        )
    }
    assert perth == {entity("council/perth-and-kinross")}
    ggc = {
        resolver.resolve(n)
        for n in ("NHS Greater Glasgow & Clyde", "NHS Greater Glasgow and Clyde")
    }
    assert ggc == {entity("health-board/nhs-greater-glasgow-and-clyde")}
    isles = {
        resolver.resolve(n)
        for n in ("Western Isles Council", "Na h-Eileanan Siar", "Comhairle nan Eilean Siar")
    }
    assert isles == {entity("council/na-h-eileanan-siar")}
    assert resolver.resolve_code("gss", "S12000024") == entity("council/perth-and-kinross")


def test_curated_entities_are_resolved_not_duplicated(store: Store) -> None:
    resolver = Resolver()
    curated = curated_like(resolver)
    graph = geography(DERIVED, resolver, store)
    assert count(store, "?x a gg:LocalAuthority") == 32
    assert count(store, "?x a gg:TerritorialHealthBoard") == 14
    assert (curated["council"], RDF.type, GG.LocalAuthority) in graph
    assert (curated["ijb"], GG.partnerOf, curated["council"]) in graph
    assert (curated["ijb"], GG.partnerOf, curated["board"]) in graph
    for iri in curated.values():  # the curated register owns their preferred names
        assert graph.value(iri, SKOS.prefLabel) is None
    assert (entity("council/inverclyde"), None, None) not in graph
    assert (entity("health-board/nhs-greater-glasgow-and-clyde"), None, None) not in graph


def test_reloading_with_a_resolver_from_the_store_keeps_one_preferred_name(store: Store) -> None:
    from govgraph.loaders.pipeline import resolver_from_store

    geography(DERIVED, Resolver(), store)
    geography(DERIVED, resolver_from_store(store), store)
    rows = store.select(
        "SELECT ?x (COUNT(?l) AS ?n) WHERE { ?x skos:prefLabel ?l } "
        "GROUP BY ?x HAVING (COUNT(?l) != 1)"
    )
    assert rows == []
    assert count(store, "?x a gg:LocalAuthority ; skos:prefLabel ?l") == 32


@needs_shared
def test_highland_is_the_only_authority_without_an_ijb_as_whatdotheyknow_lists() -> None:
    graph = geography(DATA, Resolver())
    ijbs = {
        str(graph.value(x, GG.gssCode)) for x in graph.subjects(RDF.type, GG.IntegrationJointBoard)
    }
    authorities = set(graph.subjects(RDF.type, GG.IntegrationAuthority))
    not_ijb = [x for x in authorities if (x, RDF.type, GG.IntegrationJointBoard) not in graph]
    assert not_ijb == [entity("integration-authority/highland")]
    with (DATA / "wdtk-scottish-authorities" / "wdtk_scottish_authorities.csv").open() as f:
        wdtk = [r["name"] for r in csv.DictReader(f) if "ijbscot" in r["tags"].split(",")]
    suffixes = (" Integration Joint Board", " Health and Social Care Partnership Board")
    wdtk_areas = set()
    for name in wdtk:
        for suffix in suffixes:
            name = name.removesuffix(suffix)
        wdtk_areas.add(name)
    ours = {
        str(graph.value(x, SKOS.prefLabel)).removesuffix(suffixes[0])
        for x in graph.subjects(RDF.type, GG.IntegrationJointBoard)
    }
    assert len(ijbs) == 30 and ours == wdtk_areas


def test_missing_lookup_column_names_file_line_and_column(tmp_path: Path) -> None:
    src = (DERIVED / "scot-health-geography" / "ca_hscp_hb_lookup.csv").read_text()
    bad = tmp_path / "ca_hscp_hb_lookup.csv"
    bad.write_text(src.replace("HSCPName", "PartnershipName", 1))
    with pytest.raises(SourceError) as err:
        run(PhsGeographyLoader(tmp_path), Resolver())
    assert (err.value.file, err.value.line, err.value.field) == (str(bad), 1, "HSCPName")


def test_bad_code_and_broken_row_name_their_line(tmp_path: Path) -> None:
    lines = (DERIVED / "scot-health-geography" / "ca_hscp_hb_lookup.csv").read_text().splitlines()
    bad = tmp_path / "ca_hscp_hb_lookup.csv"
    bad.write_text("\n".join([*lines[:5], lines[5].replace("S37000011", "X37"), *lines[6:]]) + "\n")
    with pytest.raises(SourceError) as err:
        run(PhsGeographyLoader(tmp_path), Resolver())
    assert (err.value.line, err.value.field) == (6, "HSCP")
    bad.write_text("\n".join([*lines[:3], lines[3] + ",extra", *lines[4:]]) + "\n")
    with pytest.raises(SourceError, match="expected 13 fields") as err:
        run(PhsGeographyLoader(tmp_path), Resolver())
    assert err.value.line == 4 and str(bad) in str(err.value)


# --- Care Inspectorate --------------------------------------------------------------------


@pytest.mark.parametrize("base", BASES)
def test_childrens_services_have_150_providers_councils_and_regulator(
    base: Path, store: Store
) -> None:
    resolver = Resolver()
    curated = curated_like(resolver)
    geography(base, resolver, store)
    loader = CareInspectorateLoader(base / CI_DIR)
    run(loader, resolver, store)
    assert loader.notes.unresolved == []
    assert count(store, "?x a gg:CareService") == 539
    assert count(store, "?x gg:provides ?s") >= 150
    # local-authority providers are the 32 councils themselves, the board provider a board
    assert count(store, "?x a gg:LocalAuthority ; gg:provides ?s") == 32
    assert count(store, "?x a gg:LocalAuthority") == 32
    assert count(store, "?x a gg:TerritorialHealthBoard ; gg:provides ?s") == 1
    assert (
        count(
            store,
            "?x gg:provides ?s . FILTER(STRSTARTS(STR(?x), STR(id:)) && "
            "CONTAINS(STR(?x), '/provider/') && CONTAINS(STR(?x), 'council'))",
        )
        == 0
    )
    # every service is regulated by the (curated) Care Inspectorate, with a citation
    ci = curated["ci"]
    assert count(store, f"?x a gg:CareService ; gg:regulatedBy <{ci}>") == 539
    assert (
        count(
            store,
            f"?x a gg:Relationship ; gg:relationshipKind gg:regulatedBy ; gg:object <{ci}> ;"
            " gg:citation/gg:locator ?l",
        )
        == 539
    )
    # located in council area, health board area, integration authority and board
    assert count(store, "?x a gg:CareService ; gg:operatesIn/a gg:CouncilArea") == 537
    assert (
        count(store, "?x a gg:CareService ; gg:integrationAuthority/a gg:IntegrationAuthority")
        == 537
    )
    assert count(store, "?x a gg:CareService ; gg:healthBoard/a gg:TerritorialHealthBoard") == 537
    assert (
        count(store, "?x a gg:Company") > 50
        and count(store, "?x a gg:ThirdSectorOrganisation") > 30
    )


def test_perth_and_kinross_council_is_one_provider(store: Store) -> None:
    resolver = Resolver()
    geography(DERIVED, resolver, store)
    graph = run(CareInspectorateLoader(DERIVED / CI_DIR), resolver, store)
    council = entity("council/perth-and-kinross")
    assert len(list(graph.objects(council, GG.provides))) == 3
    assert (council, SKOS.altLabel, None) in graph  # "Perth & Kinross Council" as spelt there


def test_care_inspectorate_is_minted_once_when_no_register_has_it() -> None:
    resolver = Resolver()
    geography(DERIVED, resolver)
    graph = run(CareInspectorateLoader(DERIVED / CI_DIR), resolver)
    ci = entity("care-inspectorate")
    assert (ci, RDF.type, GG.InspectorateOrRegulator) in graph
    assert resolver.resolve("The Care Inspectorate") == ci


@needs_shared
def test_full_datastore_file_yields_the_same_childrens_services() -> None:
    resolver = Resolver()
    geography(DATA, resolver)
    loader = CareInspectorateLoader(DATA / CI_DIR / "care_services_2026-05-31.csv")
    graph = run(loader, resolver)
    assert len(set(graph.subjects(RDF.type, GG.CareService))) == 539
    assert any("not children's services" in w for w in loader.notes.warnings)


def test_missing_ci_column_names_file_line_and_column(tmp_path: Path) -> None:
    src = (DERIVED / CI_DIR / CI_FILE).read_text(encoding="utf-8")
    bad = tmp_path / CI_FILE
    bad.write_text(src.replace("Council_Area_Name", "CouncilArea", 1), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        run(CareInspectorateLoader(bad), Resolver())
    assert (err.value.file, err.value.line, err.value.field) == (str(bad), 1, "Council_Area_Name")


def test_broken_ci_rows_name_their_line(tmp_path: Path) -> None:
    lines = (DERIVED / CI_DIR / CI_FILE).read_text(encoding="utf-8").splitlines()
    bad = tmp_path / CI_FILE
    bad.write_text("\n".join([*lines[:9], "CS12," + lines[9].split(",", 1)[1], *lines[10:]]))
    with pytest.raises(SourceError) as err:
        run(CareInspectorateLoader(bad), Resolver())
    assert (err.value.line, err.value.field) == (10, "CSNumber")
    bad.write_text("\n".join([*lines[:20], '"unterminated,' + lines[20], *lines[21:]]))
    with pytest.raises(SourceError) as err:
        run(CareInspectorateLoader(bad), Resolver())
    assert err.value.line == 21


def test_bom_and_windows_1252_files_load(tmp_path: Path) -> None:
    lines = (DERIVED / CI_DIR / CI_FILE).read_text(encoding="utf-8").splitlines()[:6]
    bom = tmp_path / "children_care_services_bom.csv"
    bom.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    assert len(run(CareInspectorateLoader(bom), Resolver())) > 0
    latin = tmp_path / "children_care_services_1252.csv"
    text = "\n".join([lines[0], lines[1].replace("Linn Moor", "Linn Mòr")]) + "\n"
    latin.write_bytes(text.encode("cp1252"))
    loader = CareInspectorateLoader(latin)
    graph = run(loader, Resolver())
    assert any(str(o) == "Linn Mòr Residential School" for o in graph.objects(None, SKOS.prefLabel))
    assert any("Windows-1252" in w for w in loader.notes.warnings)


# --- GOV.UK and the public bodies directory -----------------------------------------------

GOVUK = {
    "bundled": DERIVED / "govuk-organisations" / "govuk_organisations.json",
    "real": DATA / "govuk-organisations" / "govuk_extant_orgs.json",
}
PUBLIC_BODIES = {
    "bundled": DERIVED / "uk-public-bodies-directory-2023-24",
    "real": DATA
    / "uk-public-bodies-directory-2023-24"
    / "public_bodies_directory_2023_24_data.csv",
}
WHICH = [pytest.param("bundled"), pytest.param("real", marks=needs_shared)]


@pytest.mark.parametrize("which", WHICH)
def test_govuk_organisations_with_parent_links(which: str, store: Store) -> None:
    resolver = Resolver()
    curated = curated_like(resolver)
    graph = run(GovukOrganisationsLoader(GOVUK[which]), resolver, store)
    assert count(store, "?x gg:govukSlug ?s") == 663
    links = "?c gg:subOrganisationOf ?p . BIND(CONCAT(STR(?c), STR(?p)) AS ?x)"
    assert count(store, links) == 640  # 646 parent links, 6 to parents no longer extant
    assert count(store, "?x a gg:GovernmentUnit ; gg:govukSlug ?s") >= 150
    assert count(store, "?x a gg:NonMinisterialOffice") == 20
    home = entity("govuk/home-office")
    assert (entity("govuk/uk-visas-and-immigration"), GG.subOrganisationOf, home) in graph
    # GOV.UK's "The Scottish Government" is the curated Scottish Government
    assert (curated["sg"], GG.govukSlug, None) in graph
    assert (entity("govuk/the-scottish-government"), None, None) not in graph


def test_govuk_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "orgs.json"
    bad.write_text('[\n  {"title": "A", "format": "Other",\n   "details": {"slug": "a"}\n  ,]\n')
    with pytest.raises(SourceError) as err:
        run(GovukOrganisationsLoader(bad), Resolver())
    assert (err.value.file, err.value.line) == (str(bad), 4)
    bad.write_text(json.dumps([{"title": "", "format": "Other", "details": {"slug": "a"}}]))
    with pytest.raises(SourceError, match="record 1") as err:
        run(GovukOrganisationsLoader(bad), Resolver())
    assert err.value.field == "title"


@pytest.mark.parametrize("which", WHICH)
def test_public_bodies_sponsored_by_govuk_departments(which: str, store: Store) -> None:
    resolver = Resolver()
    run(GovukOrganisationsLoader(GOVUK["bundled"]), resolver, store)
    loader = UkPublicBodiesLoader(PUBLIC_BODIES[which])
    graph = run(loader, resolver, store)
    bodies = set(graph.subjects(GG.sponsoredBy, None))
    assert len(bodies) >= (143 if which == "bundled" else 250)
    sponsors = set(graph.objects(None, GG.sponsoredBy))
    minted = {s for s in sponsors if "/department/" in str(s)}
    # only the departments GOV.UK does not list under the same name are minted
    assert minted <= {
        entity("department/office-of-the-secretary-of-state-for-scotland"),
        entity("department/uk-supreme-court"),
    }
    assert count(
        store, "?x a gg:Relationship ; gg:relationshipKind gg:sponsoredBy ; gg:citation ?c"
    ) == len(bodies)
    ofsted = resolver.resolve("Ofsted")
    assert ofsted == entity("govuk/ofsted")
    assert (ofsted, RDF.type, GG.NonMinisterialOffice) in graph
    boundary = resolver.resolve("Boundary Commission for Scotland")
    assert boundary is not None and (boundary, GG.sponsoredBy, None) in graph
    assert count(store, "?x a gg:Post ; gg:postIn ?b") >= 130


def test_public_bodies_missing_column_and_bad_row(tmp_path: Path) -> None:
    src = next((DERIVED / "uk-public-bodies-directory-2023-24").glob("*.csv")).read_text()
    bad = tmp_path / "bodies.csv"
    bad.write_text(src.replace("overall_classification", "classification", 1))
    with pytest.raises(SourceError) as err:
        run(UkPublicBodiesLoader(bad), Resolver())
    assert (err.value.line, err.value.field) == (1, "overall_classification")
    header = src.splitlines()[0]
    bad.write_text(header + "\n2023/24," + "," * (header.count(",") - 1) + "\n")
    with pytest.raises(SourceError) as err:
        run(UkPublicBodiesLoader(bad), Resolver())
    assert (err.value.line, err.value.field) == (2, "overall_alb_name")


# --- generic CSV and RDF files ------------------------------------------------------------


def test_generic_csv_resolves_by_code_and_reports_unknown_references() -> None:
    resolver = Resolver()
    geography(DERIVED, resolver)
    loader = GenericCsvLoader(FIXTURES / "csv" / "example_bodies.csv")
    graph = run(loader, resolver)
    trust, forum = entity("example/ex-1"), entity("example/ex-3")
    assert (trust, RDF.type, GG.ThirdSectorOrganisation) in graph
    assert str(graph.value(trust, GG.startDate)) == "2001-05-01"
    assert (forum, GG.memberOf, trust) in graph
    assert (None, GG.relationshipKind, GG.memberOf) in graph
    # "Perth & Kinross Council" with code S12000048 is the PHS council, not a new body
    assert (entity("example/ex-2"), None, None) not in graph
    assert (entity("council/perth-and-kinross"), SKOS.altLabel, None) in graph
    assert loader.notes.unresolved == [
        "'Nowhere Known Body' (example_bodies.csv line 5, column parent)"
    ]


def test_generic_csv_mapping_errors_name_file_and_line(tmp_path: Path) -> None:
    shutil_copy = (FIXTURES / "csv" / "example_bodies.csv").read_text()
    (tmp_path / "bodies.csv").write_text(shutil_copy)
    mapping = (FIXTURES / "csv" / "example_bodies.mapping.yaml").read_text().splitlines()
    (tmp_path / "bodies.mapping.yaml").write_text(
        "\n".join([*mapping[:6], "  id: [unclosed", *mapping[7:]])
    )
    with pytest.raises(SourceError) as err:
        GenericCsvLoader(tmp_path / "bodies.csv").info()
    assert err.value.file == str(tmp_path / "bodies.mapping.yaml") and err.value.line == 8
    text = "\n".join(mapping).replace("column: established", "column: founded")
    (tmp_path / "bodies.mapping.yaml").write_text(text)
    with pytest.raises(SourceError) as err:
        run(GenericCsvLoader(tmp_path / "bodies.csv"), Resolver())
    assert (err.value.file, err.value.line, err.value.field) == (
        str(tmp_path / "bodies.csv"),
        1,
        "founded",
    )


@needs_shared
def test_wdtk_mapping_resolves_integration_joint_boards_to_phs() -> None:
    resolver = Resolver()
    geography(DATA, resolver)
    graph = run(
        GenericCsvLoader(ROOT / "data" / "mappings" / "wdtk_scottish_authorities.yaml"), resolver
    )
    ijbs = set(graph.subjects(RDF.type, GG.IntegrationJointBoard))
    assert len([x for x in ijbs if "/integration-authority/" in str(x)]) == 29
    councils = set(graph.subjects(RDF.type, GG.LocalAuthority))
    assert len(councils) == 32 and all("/council/" in str(c) for c in councils)


def test_rdf_files_load_and_errors_carry_positions(tmp_path: Path) -> None:
    ttl = tmp_path / "extra.ttl"
    ttl.write_text(
        "@prefix gg: <https://w3id.org/govgraph/ontology#> .\n<urn:x:a> gg:partnerOf <urn:x:b> .\n"
    )
    assert len(run(RdfFileLoader(ttl), Resolver())) == 1
    ttl.write_text('@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n')
    with pytest.raises(SourceError) as err:
        run(RdfFileLoader(ttl), Resolver())
    assert err.value.line == 3 and err.value.column is not None
    nt = tmp_path / "extra.nt"
    nt.write_text("<http://a> <http://b> <http://c> .\n\n<http://a> <http://b> oops .\n")
    with pytest.raises(SourceError) as err:
        run(RdfFileLoader(nt), Resolver())
    assert err.value.line == 3


def test_json_ld_never_fetches_a_remote_context(tmp_path: Path) -> None:
    doc = tmp_path / "extra.jsonld"
    doc.write_text(json.dumps({"@context": "https://schema.org/", "@id": "urn:x:a", "name": "A"}))
    with pytest.raises(SourceError, match="remote JSON-LD context"):
        run(RdfFileLoader(doc), Resolver())
    nested = {"@context": [{"@import": "http://example.org/ctx.jsonld"}], "@id": "urn:x:a"}
    doc.write_text(json.dumps(nested))
    with pytest.raises(SourceError, match="remote JSON-LD context"):
        run(RdfFileLoader(doc), Resolver())
    scoped = {"@context": {"t": {"@id": "http://e/t", "@context": "http://e/c"}}, "@id": "urn:x"}
    doc.write_text(json.dumps(scoped))
    with pytest.raises(SourceError, match="remote JSON-LD context"):
        run(RdfFileLoader(doc), Resolver())
    inline = {"@context": {"name": "http://schema.org/name"}, "@id": "urn:x:a", "name": "A"}
    doc.write_text(json.dumps(inline))
    assert len(run(RdfFileLoader(doc), Resolver())) == 1
    doc.write_text('{"@id": "urn:x:a",\n "name": }')
    with pytest.raises(SourceError) as err:
        run(RdfFileLoader(doc), Resolver())
    assert (err.value.line, err.value.column) == (2, 10)


# --- bundled data -------------------------------------------------------------------------


def bundled_loaders() -> Iterator[Loader]:
    yield PhsGeographyLoader(DERIVED / "scot-health-geography")
    yield CareInspectorateLoader(DERIVED / CI_DIR)
    yield GovukOrganisationsLoader(DERIVED / "govuk-organisations")
    yield UkPublicBodiesLoader(DERIVED / "uk-public-bodies-directory-2023-24")


@pytest.mark.slow
def test_all_bundled_directories_load_with_every_name_resolved(store: Store) -> None:
    """How fast they load is for the benchmarks (``make bench-load``), not for a test."""
    resolver = Resolver()
    for loader in bundled_loaders():
        run(loader, resolver, store)
        assert loader.notes.unresolved == [], loader.kind
    # every organisation minted by these sources cites its source
    assert (
        count(
            store,
            "?x a ?t . VALUES ?t { gg:LocalAuthority gg:Company gg:ThirdSectorOrganisation "
            "gg:ExecutiveNDPB gg:TerritorialHealthBoard } FILTER NOT EXISTS { ?x gg:citation ?c }",
        )
        == 0
    )


def test_attribution_credits_every_bundled_publisher() -> None:
    text = (DERIVED / "ATTRIBUTION.md").read_text()
    for credit in (
        "Public Health Scotland",
        "mySociety",
        "CC-BY-4.0",
        "Care Inspectorate",
        "Cabinet Office",
        "GOV.UK",
        "Open Government Licence v3.0",
    ):
        assert credit in text
    assert "wdtk" not in {p.name for p in DERIVED.iterdir()}


@needs_shared
def test_derive_script_reproduces_the_committed_copies(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "derive_bundled", ROOT / "scripts" / "derive_bundled.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([str(DATA), "--out", str(tmp_path)]) == 0
    produced = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert produced == sorted(p.relative_to(DERIVED) for p in DERIVED.rglob("*") if p.is_file())
    for rel in produced:
        assert (tmp_path / rel).read_bytes() == (DERIVED / rel).read_bytes(), rel
