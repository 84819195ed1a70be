"""The bad-input corpus as cases: which loader, how to build the source, what the error says.

Each loader kind has a valid base source (:data:`BASES`). A *corpus* case is a file in
``tests/bad_input/<kind>/`` that takes the place of the base's main file (for the curated
register, ``<file>--<case>.yaml`` takes the place of ``<file>``); a *generated* case is
made from the base at test time (wrong encodings, a BOM, a 100 MB file, binary bytes),
so nothing large is committed. ``tests/test_bad_input.py`` runs them all;
``scripts/bad_input_counts.py`` prints how many there are per loader.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from govgraph.graph.storage.store import Store
from govgraph.loaders.base import MAX_SOURCE_BYTES_ENV, Loader
from govgraph.loaders.generic_csv import GenericCsvLoader
from govgraph.loaders.rdf_file import MAX_STREAM_BYTES_ENV
from govgraph.loaders.registry import loader_class

CORPUS = Path(__file__).parent
FIXTURES = CORPUS.parent / "fixtures"
BIG = 100 * 1024 * 1024


@dataclass(frozen=True)
class Base:
    """Where a kind's valid source comes from and how it is laid out in a work folder."""

    kind: str
    copy: Callable[[Path], Path]
    """Copies the valid source into the folder; returns the loader's path."""
    main: str
    """The main file, relative to the folder: what corpus files and generated cases replace."""
    strict_text: bool = True
    """False for CSV loaders, which read a non-UTF-8 file as Windows-1252 with a warning."""

    def loader(self, path: Path) -> Loader:
        return loader_class(self.kind)(path)


def _copy_file(source: Path, name: str) -> Callable[[Path], Path]:
    def copy(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / name)
        return folder / name

    return copy


def _copy_curated(folder: Path) -> Path:
    shutil.copytree(FIXTURES / "curated_good", folder / "curated")
    return folder / "curated"


def _copy_csv(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("example_bodies.csv", "example_bodies.mapping.yaml"):
        shutil.copyfile(FIXTURES / "csv" / name, folder / name)
    return folder / "example_bodies.csv"


BASES: dict[str, Base] = {
    b.kind: b
    for b in (
        Base("curated", _copy_curated, "curated/organisations.yaml"),
        Base("plan", _copy_file(CORPUS / "plan" / "valid.yaml", "plan.yaml"), "plan.yaml"),
        Base(
            "change-programme",
            _copy_file(FIXTURES / "change_programme_small.txt", "change_programme.txt"),
            "change_programme.txt",
        ),
        Base(
            "phs-geography",
            _copy_file(CORPUS / "phs-geography" / "valid.csv", "ca_hscp_hb_lookup.csv"),
            "ca_hscp_hb_lookup.csv",
            strict_text=False,
        ),
        Base(
            "statutory",
            _copy_file(CORPUS / "statutory" / "valid.yaml", "statutory.yaml"),
            "statutory.yaml",
        ),
        Base(
            "care-inspectorate",
            _copy_file(
                CORPUS / "care-inspectorate" / "valid.csv", "children_care_services_2026-05-31.csv"
            ),
            "children_care_services_2026-05-31.csv",
            strict_text=False,
        ),
        Base(
            "govuk",
            _copy_file(CORPUS / "govuk" / "valid.json", "govuk_organisations.json"),
            "govuk_organisations.json",
        ),
        Base(
            "public-bodies",
            _copy_file(CORPUS / "public-bodies" / "valid.csv", "public_bodies.csv"),
            "public_bodies.csv",
            strict_text=False,
        ),
        Base("csv", _copy_csv, "example_bodies.csv", strict_text=False),
        Base("rdf", _copy_file(FIXTURES / "landscape.ttl", "landscape.ttl"), "landscape.ttl"),
        Base(
            "route-map",
            _copy_file(CORPUS / "route-map" / "valid.yaml", "route-map.yaml"),
            "route-map.yaml",
        ),
    )
}


@dataclass(frozen=True)
class Case:
    kind: str
    name: str
    build: Callable[[Path, Path], tuple[Path, Path]]
    """(work folder, loader path of the base) -> (loader path, the file at fault)."""
    expect: tuple[str, ...] = ()
    """Fragments the error must contain besides the file's name (a line, a field, a word)."""
    loads: bool = False
    """The input is valid after all (a BOM, a formula-looking cell): it must load."""
    keeps: str | None = None
    """For a case that loads: a literal that must be stored exactly as written."""
    env: dict[str, str] = field(default_factory=dict)
    whole_file: bool = False
    """The error is about the file as a whole (it is not a file at all): no line or field."""

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.name}"


# --- corpus cases ---------------------------------------------------------------------------

EXPECT: dict[str, tuple[str, ...]] = {
    # curated (file--case.yaml replaces file)
    "curated/organisations--syntax-error.yaml": ("organisations.yaml:6:10", "YAML syntax"),
    "curated/organisations--aliases-is-a-number.yaml": (":5:", "field 'aliases'"),
    "curated/organisations--name-is-a-list.yaml": (":14:", "field 'name'", "expected text"),
    "curated/organisations--missing-name.yaml": (":13:", "field 'name'", "missing"),
    "curated/organisations--duplicate-id.yaml": (":18:", "field 'id'", "duplicate id"),
    "curated/organisations--impossible-date.yaml": (":8:", "field 'start'", "2021-02-30"),
    "curated/organisations--end-before-start.yaml": (":9:", "field 'end'", "before start"),
    "curated/organisations--timestamp-tag.yaml": (":8:", "field 'start'"),
    "curated/organisations--control-character.yaml": (":14:", "character"),
    "curated/organisations--unknown-policy-area.yaml": (":10:", "field 'policy_areas'"),
    "curated/organisations--policy-area-as-client-group.yaml": (
        ":11:",
        "field 'client_groups'",
        "unknown client group 'housing'",
    ),
    "curated/organisations--top-level-list.yaml": (":1:", "mapping"),
    "curated/organisations--python-object-tag.yaml": (":13:", "python/object"),
    "curated/organisations--alias-bomb.yaml": (":20:13", "aliases expand to more than"),
    "curated/organisations--escaped-control-character.yaml": (":15:11", "U+001B"),
    "curated/organisations--lone-surrogate.yaml": (":15:11", "lone surrogate U+D800"),
    "curated/relationships--unknown-body.yaml": (":4:", "field 'object'", "no-such-body"),
    "curated/relationships--self-relationship.yaml": (":4:", "field 'object'", "itself"),
    "curated/relationships--end-before-start.yaml": (":6:", "field 'end'"),
    "curated/relationships--kind-is-a-list.yaml": (":2:", "field 'kind'"),
    "curated/relationships--cyclic-suborganisation.yaml": (
        ":14:",
        "field 'object'",
        "cycle",
        "body-one -> body-two -> post-one -> body-one",
    ),
    "curated/sources--missing-date.yaml": (":2:", "field 'date'", "missing"),
    "curated/sources--impossible-month.yaml": (":6:", "field 'date'", "2021-13"),
    "curated/figures--value-is-a-list.yaml": (":5:", "field 'value'"),
    "curated/events--unknown-reference.yaml": (":6:", "field 'results_in'", "body-nine"),
    "curated/relationships--unknown-status.yaml": (":5:", "field 'status'", "hoped-for", "planned"),
    "curated/figures--unknown-status.yaml": (":7:", "field 'status'", "rumoured"),
    "curated/organisations--attribute-source-unknown-field.yaml": (
        ":11:",
        "field 'page'",
        "an item of 'policy_areas'",
    ),
    "curated/sources--url-is-a-local-path.yaml": (":8:", "field 'url'", "public http(s)"),
    "curated/sources--licence-is-not-an-address.yaml": (":8:", "field 'licence'", "'OGL'"),
    # plan
    "plan/syntax-error.yaml": ("plan.yaml:12:", "YAML syntax"),
    "plan/leads-is-a-number.yaml": (":11:", "field 'actions[0].leads'", "list"),
    "plan/name-is-a-list.yaml": (":18:", "field 'actions[1].name'"),
    "plan/missing-assessment.yaml": (":17:", "field 'actions[1].assessment'", "missing"),
    "plan/duplicate-action-id.yaml": (":17:", "field 'actions[1].id'", "twice"),
    "plan/unknown-priority-area.yaml": (":19:", "field 'actions[1].priority_area'"),
    "plan/unknown-link.yaml": (":14:", "field 'actions[0].links[0]'", "third"),
    "plan/impossible-assessment-date.yaml": (":15:", "field 'actions[0].assessment.date'"),
    "plan/impossible-milestone-month.yaml": (":13:", "actions[0].milestones[0].date", "2022-13"),
    "plan/impossible-published-date.yaml": (":2:", "field 'document.published'", "2021-02-29"),
    "plan/unknown-field.yaml": (":10:", "field 'actions[0].owner'", "unknown field"),
    "plan/control-character.yaml": (":18:", "character"),
    "plan/two-documents.yaml": (":7:", "YAML syntax"),
    "plan/bad-status.yaml": (":15:", "field 'actions[0].assessment.status'", "DONE"),
    "plan/unknown-lead-tier.yaml": (":13:", "field 'actions[0].leads[1].tier'", "sponsor"),
    "plan/only-a-planned-lead.yaml": (":12:", "field 'actions[0].leads'", "stated lead"),
    "plan/alias-bomb.yaml": (":26:13", "aliases expand to more than"),
    "plan/escaped-nul.yaml": (":19:11", "control character U+0000"),
    "plan/lone-surrogate.yaml": (":19:11", "lone surrogate U+DFFF"),
    # change programme
    "change-programme/no-publication-date.txt": (":114", "field 'Date of publication'"),
    "change-programme/control-character.txt": ("change_programme.txt:3:26", "U+0007"),
    "change-programme/impossible-publication-date.txt": (
        "change_programme.txt:3:",
        "30 February 2022",
    ),
    "change-programme/listed-action-without-section.txt": (":22:", "Kinship Care"),
    "change-programme/area-without-actions.txt": (":23:", "Capacity"),
    # phs geography
    "statutory/unknown-code.yaml": ("statutory.yaml:11:", "field 'objects'", "S12000000"),
    "statutory/not-legislation-url.yaml": (":7:", "field 'url'", "legislation.gov.uk"),
    "statutory/unknown-act.yaml": (":15:", "field 'doc'", "asp-2015-1"),
    "statutory/unknown-kind.yaml": (":9:", "field 'kind'", "bosses"),
    "statutory/not-an-id.yaml": (":11:", "field 'objects'", "is not an id"),
    "phs-geography/ragged-row.csv": ("ca_hscp_hb_lookup.csv:3:", "expected 13 fields"),
    "phs-geography/control-character.csv": (":3:", "field 'CAName'", "U+001B"),
    "phs-geography/missing-column.csv": (":1:", "field 'HBName'", "missing required column"),
    "phs-geography/bad-gss-code.csv": (":3:", "field 'CA'", "X12000006"),
    "phs-geography/impossible-date.csv": (":3:", "field 'CADateEnacted'", "19960230"),
    "phs-geography/archived-before-enacted.csv": (":3:", "field 'HSCPDateArchived'"),
    "phs-geography/duplicate-current-council.csv": (":5:", "field 'CA'", "line 3"),
    "phs-geography/broken-quoting.csv": (":3:", "malformed CSV row"),
    "phs-geography/empty-name.csv": (":3:", "field 'CAName'", "empty"),
    # care inspectorate
    "care-inspectorate/ragged-row.csv": (":3:", "expected 14 fields"),
    "care-inspectorate/missing-column.csv": (":1:", "field 'ServiceName'"),
    "care-inspectorate/bad-cs-number.csv": (":3:", "field 'CSNumber'"),
    "care-inspectorate/duplicate-cs-number.csv": (":5:", "field 'CSNumber'", "line 3"),
    "care-inspectorate/impossible-date.csv": (":3:", "field 'DateReg'", "30/02/2002"),
    "care-inspectorate/unknown-sector.csv": (":3:", "field 'ServiceType'", "Martian"),
    "care-inspectorate/control-character.csv": (":3:", "field 'CSNumber'", "U+001B"),
    "care-inspectorate/broken-quoting.csv": (":3:", "malformed CSV row"),
    # govuk
    "govuk/syntax-error.json": ("govuk_organisations.json:9:12", "invalid JSON"),
    "govuk/not-an-array.json": ("expected a JSON array",),
    "govuk/record-not-an-object.json": ("record 1", "expected an object"),
    "govuk/title-is-a-number.json": ("record 2", "field 'title'", "42"),
    "govuk/title-is-a-list.json": ("record 2", "field 'title'"),
    "govuk/missing-format.json": ("record 3", "field 'format'"),
    "govuk/details-is-a-string.json": ("record 2", "field 'details'"),
    "govuk/parents-is-a-string.json": ("record 1", "field 'parent_organisations'"),
    "govuk/duplicate-slug.json": ("record 4", "field 'details.slug'", "record 2"),
    "govuk/cyclic-parents.json": ("field '", "cycle", "academy-for-social-justice"),
    "govuk/web-url-javascript.json": ("record 3", "field 'web_url'", "javascript:"),
    "govuk/lone-surrogate.json": ("record 2", "field 'title'", "lone surrogate U+D800"),
    "govuk/nul-escape.json": ("record 3", "field 'title'", "U+0000"),
    "govuk/control-character-escape.json": ("record 3", "field 'title'", "U+001B"),
    "govuk/bad-slug.json": ("record 3", "field 'details.slug'"),
    # public bodies
    "public-bodies/ragged-row.csv": ("public_bodies.csv:3:", "expected 11 fields"),
    "public-bodies/control-character.csv": (":2:", "field 'overall_alb_name'", "U+001B"),
    "public-bodies/missing-column.csv": (":1:", "field 'overall_alb_name'"),
    "public-bodies/impossible-date.csv": (":3:", "field 'overall_date_ALB_independent'"),
    "public-bodies/duplicate-body.csv": (":6:", "field 'overall_alb_name'", "line 3"),
    "public-bodies/duplicate-uid.csv": (":3:", "field 'overall_copbt_uid'", "line 2"),
    "public-bodies/empty-name.csv": (":3:", "field 'overall_alb_name'", "empty"),
    "public-bodies/broken-quoting.csv": (":2:", "malformed CSV row"),
    # generic csv: a CSV takes the CSV's place, mapping--*.yaml the mapping's
    "csv/ragged-row.csv": ("example_bodies.csv:3:", "expected 7 fields"),
    "csv/missing-column.csv": (":1:", "field 'name'"),
    "csv/duplicate-id.csv": (":6:", "field 'id'", "line 3"),
    "csv/impossible-date.csv": (":2:", "field 'established'", "2021-02-30"),
    "csv/website-javascript.csv": (":2:", "field 'website'", "javascript:"),
    "csv/control-character.csv": ("example_bodies.csv:3:", "field 'name'", "U+001B"),
    "csv/non-ascii-digits-date.csv": (":2:", "field 'established'", "ASCII digits"),
    "csv/mapping--reserved-graph-curated.yaml": (":3:", "field 'source.id'", "curated"),
    "csv/mapping--reserved-graph-ontology.yaml": (":3:", "field 'source.id'", "govgraph itself"),
    "csv/mapping--reserved-graph-inferred.yaml": (":3:", "field 'source.id'", "govgraph itself"),
    "csv/mapping--bundled-source-id.yaml": (":3:", "field 'source.id'", "govuk source"),
    "csv/broken-quoting.csv": (":2:", "malformed CSV row"),
    "csv/mapping--syntax-error.yaml": ("example_bodies.mapping.yaml:", "YAML syntax"),
    "csv/mapping--codes-is-a-number.yaml": (":17:", "field 'entity.codes'"),
    "csv/mapping--properties-are-strings.yaml": (":21:", "field 'properties'"),
    "csv/mapping--unknown-prefix.yaml": (":25:15", "field 'properties[1].property'", "foo:"),
    "csv/mapping--missing-licence.yaml": ("field 'source.licence'", "missing"),
    "csv/mapping--bad-regular-expression.yaml": (":20:", "field 'entity.codes[0].pattern'"),
    "csv/mapping--relationship-is-text.yaml": (":27:19", "field 'properties[1].relationship'"),
    "csv/mapping--impossible-published-date.yaml": (":6:", "field 'source.published'"),
    "csv/mapping--file-not-csv.yaml": ("field 'file'", "not a .csv file"),
    "csv/mapping--alias-bomb.yaml": (":9:11", "aliases expand to more than"),
    "csv/mapping--lone-surrogate.yaml": (":5:10", "lone surrogate U+D800"),
    "csv/mapping--escaped-control-character.yaml": (":5:10", "control character U+001B"),
    "csv/mapping--type-map-is-a-list.yaml": (":12:", "field 'entity.type.map'"),
    # rdf: each file is loaded as landscape.<ext>, the graph the valid landscape.ttl fills
    "rdf/syntax-error.ttl": ("landscape.ttl:6:", "turtle syntax error"),
    "rdf/undefined-prefix.ttl": (":3:", "nope"),
    "rdf/file-base.ttl": (":1", "file:"),
    "rdf/file-prefix.ttl": (":2", "file:"),
    "rdf/bad-line.nt": ("landscape.nt:2", "nt syntax error"),
    "rdf/syntax-error.jsonld": ("landscape.jsonld:4:", "invalid JSON"),
    "rdf/remote-context.jsonld": ("field '$.@context'", "https://example.org/context.jsonld"),
    "rdf/external-entity.rdf": ("landscape.rdf:2", "entity"),
    "rdf/malformed.rdf": ("landscape.rdf:4:", "mismatched tag"),
    "rdf/only-prefixes.ttl": (":1:", "no triples"),
    "rdf/invalid-iri.ttl": (":3", "not a valid IRI"),
    "rdf/lone-surrogate.ttl": ("landscape.ttl:6:15", "D800", "not a valid unicode character"),
    "rdf/lone-surrogate.nt": ("landscape.nt:2:78", "DC00", "not a valid unicode character"),
    "rdf/lone-surrogate.jsonld": ("landscape.jsonld:4", "lone surrogate U+D800"),
    "rdf/nul-escape.ttl": ("landscape.ttl:6", "control character U+0000"),
    "rdf/escape-character.nt": ("landscape.nt:2", "control character U+001B"),
    "rdf/escape-character.jsonld": ("landscape.jsonld:4", "control character U+001B"),
    "rdf/control-character-iri.ttl": ("landscape.ttl:5:", "not a valid IRI", "U+0000"),
    "rdf/not-a-date.ttl": (
        "landscape.ttl:7",
        "field 'https://w3id.org/govgraph/ontology#startDate'",
    ),
    "rdf/impossible-date.nt": ("landscape.nt:2", "2020-02-30", "day 30 does not exist"),
    "rdf/ill-typed-integer.ttl": ("landscape.ttl:7", "twelve", "not an integer"),
    "rdf/ill-typed-boolean.ttl": ("landscape.ttl:6", "not a boolean"),
    "rdf/ill-typed-decimal.ttl": ("landscape.ttl:6", "not a decimal"),
    "rdf/ill-typed-datetime.ttl": ("landscape.ttl:6", "month 13"),
    "rdf/full-width-year.ttl": ("landscape.ttl:6", "not a year"),
    # route maps (YAML; the CSV and XLSX forms are tested in tests/test_route_maps.py)
    "route-map/missing-column.yaml": (":8:5", "sheet 'milestones', row 2", "column 'text'"),
    "route-map/missing-table.yaml": ("missing table 'milestones'",),
    "route-map/unknown-table.yaml": (":6", "unknown table 'milestone'"),
    "route-map/unknown-column.yaml": (":10:55", "sheet 'responsibilities', row 1", "'owner'"),
    "route-map/unknown-body.yaml": (
        ":11:25",
        "sheet 'responsibilities', row 2, column 'body'",
        "did you mean",
        "Care Agency'?",
    ),
    "route-map/bad-date.yaml": (":7:78", "sheet 'milestones', row 1, column 'due'", "2025-13"),
    "route-map/unknown-dependency.yaml": (
        ":13:31",
        "sheet 'dependencies', row 1, column 'depends_on'",
        "did you mean 'draft'",
    ),
    "route-map/cycle.yaml": (":14:31", "sheet 'dependencies', row 2", "draft -> final -> draft"),
    "route-map/bad-tier.yaml": (":10:49", "column 'tier'", "boss"),
    "route-map/duplicate-id.yaml": (":8:10", "sheet 'milestones', row 2, column 'id'", "twice"),
    "route-map/unknown-route-map.yaml": (":5:29", "did you mean 'alba-care'"),
}
"""Every corpus file, with what its error must say; a file listed nowhere fails a test."""

LOADS: dict[str, str] = {
    "care-inspectorate/formula-injection.csv": '=HYPERLINK("http://evil.example","x")',
    "public-bodies/formula-injection.csv": "Chair (Public Bodies 2023/24): =cmd|' /C calc'!A0",
    "csv/formula-injection.csv": "=1+2+cmd|' /C calc'!A0",
    "csv/rich-markup.csv": "Markup [/x] [bold]Trust",
}
"""Corpus files that are valid: formula-looking cells are kept as the plain text written."""


def _corpus_build(kind: str, source: Path) -> Callable[[Path, Path], tuple[Path, Path]]:
    def build(folder: Path, entry: Path) -> tuple[Path, Path]:
        base = BASES[kind]
        main = folder / base.main
        if kind == "curated":
            target = entry / source.name.split("--", 1)[0]
            shutil.copyfile(source, target.with_suffix(".yaml"))
            return entry, target.with_suffix(".yaml")
        if kind == "csv" and source.name.startswith("mapping--"):
            target = folder / "example_bodies.mapping.yaml"
            shutil.copyfile(source, target)
            if "file-not-csv" in source.name:
                return target, target
            return entry, target
        if kind == "rdf":
            target = folder / f"landscape{source.suffix}"
            shutil.copyfile(source, target)
            return target, target
        shutil.copyfile(source, main)
        return entry, main

    return build


def corpus_files() -> list[Path]:
    return sorted(
        p
        for kind in BASES
        if (CORPUS / kind).is_dir()
        for p in (CORPUS / kind).iterdir()
        if p.is_file() and not p.name.startswith("valid.")
    )


def corpus_cases() -> list[Case]:
    out = []
    for path in corpus_files():
        kind, key = path.parent.name, f"{path.parent.name}/{path.name}"
        out.append(
            Case(
                kind,
                path.name,
                _corpus_build(kind, path),
                EXPECT.get(key, ()),
                loads=key in LOADS,
                keeps=LOADS.get(key),
            )
        )
    return out


# --- generated cases ------------------------------------------------------------------------


def _rewrite(
    kind: str, make: Callable[[bytes], bytes]
) -> Callable[[Path, Path], tuple[Path, Path]]:
    def build(folder: Path, entry: Path) -> tuple[Path, Path]:
        main = folder / BASES[kind].main
        main.write_bytes(make(main.read_bytes()))
        return entry, main

    return build


def _latin1(data: bytes) -> bytes:
    text = data.decode("utf-8-sig")
    index = text.index("e", text.index("\n"))
    return (text[:index] + "é" + text[index + 1 :]).encode("latin-1", errors="replace")


def latin1_line(data: bytes) -> int:
    """The line of the character :func:`_latin1` replaces."""
    text = data.decode("utf-8-sig")
    return text.count("\n", 0, text.index("e", text.index("\n"))) + 1


def _big(kind: str) -> Callable[[Path, Path], tuple[Path, Path]]:
    """A 100 MB file made in a moment: the valid content, then a sparse hole."""

    def build(folder: Path, entry: Path) -> tuple[Path, Path]:
        main = folder / BASES[kind].main
        with main.open("r+b") as handle:
            handle.truncate(BIG)
        return entry, main

    return build


def _named_pipe(kind: str) -> Callable[[Path, Path], tuple[Path, Path]]:
    """The main file replaced by a named pipe, as ``load rdf:fifo.ttl`` once blocked on. A
    daemon thread opens the pipe for writing after 30 s, and a few times more, so that a
    loader which waits on it fails its test (reading an empty file) instead of hanging."""

    def release(pipe: Path) -> None:
        time.sleep(30)
        for _ in range(20):
            # OSError: nobody is waiting (the normal case), or the folder is gone
            with contextlib.suppress(OSError):
                os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
            time.sleep(1)

    def build(folder: Path, entry: Path) -> tuple[Path, Path]:
        main = folder / BASES[kind].main
        main.unlink()
        os.mkfifo(main)
        threading.Thread(target=release, args=(main,), daemon=True).start()
        return entry, main

    return build


def _random(data: bytes) -> bytes:
    return random.Random(9).randbytes(4096)


def _png(data: bytes) -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(3).randbytes(256)


def generated_cases(kind: str) -> list[Case]:
    base = BASES[kind]
    # the RDF base is Turtle, which streams: its own limit, and 100 MiB is read up to the hole
    limit_env = MAX_STREAM_BYTES_ENV if kind == "rdf" else MAX_SOURCE_BYTES_ENV
    big_expect = ("NUL byte",) if kind == "rdf" else ("limit", MAX_SOURCE_BYTES_ENV)
    cases = [
        Case(kind, "empty-file", _rewrite(kind, lambda d: b""), ("empty",)),
        Case(
            kind,
            "utf-16",
            _rewrite(kind, lambda d: d.decode("utf-8").encode("utf-16")),
            (":1:1", "UTF-16", "save it as UTF-8"),
        ),
        Case(kind, "utf-8-bom", _rewrite(kind, lambda d: b"\xef\xbb\xbf" + d), loads=True),
        Case(kind, "100-mb-file", _big(kind), big_expect),
        Case(
            kind,
            "over-configured-limit",
            _rewrite(kind, lambda d: d),
            ("limit", "40-byte", limit_env),
            env={limit_env: "40"},
        ),
        Case(kind, "random-bytes", _rewrite(kind, _random), ("expected text",)),
        Case(kind, "png-image", _rewrite(kind, _png), (":1", "PNG")),
        Case(kind, "named-pipe", _named_pipe(kind), ("named pipe",), whole_file=True),
    ]
    if base.strict_text:
        cases.append(Case(kind, "latin-1", _rewrite(kind, _latin1), ("not UTF-8", "0xe9")))
    else:
        cases.append(Case(kind, "latin-1", _rewrite(kind, _latin1), loads=True))
    if kind == "public-bodies":
        cases.append(
            Case(
                kind,
                "xlsx-saved-as-csv",
                _rewrite(
                    kind, lambda d: b"PK\x03\x04\x14\x00\x06\x00" + random.Random(5).randbytes(64)
                ),
                (":1", "zip", "save it as CSV"),
            )
        )
    if kind == "rdf":
        cases.append(Case(kind, "huge-literal", _huge_literal, ("literal", "limit")))
    return cases


def _huge_literal(folder: Path, entry: Path) -> tuple[Path, Path]:
    main = folder / BASES["rdf"].main
    with main.open("a", encoding="utf-8") as handle:
        handle.write('\n<https://w3id.org/govgraph/id/x> <http://purl.org/dc/terms/description> "')
        handle.write("x" * 1_200_000)
        handle.write('" .\n')
    return entry, main


def all_cases() -> list[Case]:
    return corpus_cases() + [c for kind in BASES for c in generated_cases(kind)]


def loader_for(kind: str, path: Path) -> Loader:
    if kind == "csv" and path.suffix in (".yaml", ".yml"):
        return GenericCsvLoader(path)
    return BASES[kind].loader(path)


# --- running a case -------------------------------------------------------------------------


@dataclass
class Outcome:
    """What happened when a case went through the load pipeline and the loader itself."""

    error: str | None
    """The pipeline's error for the source (None: it loaded)."""
    raised: BaseException | None
    """What the loader raised when called directly (None: nothing)."""
    unchanged: bool
    """Every named graph's digest, and the quad count, equal to before the load."""
    culprit: Path
    literals: set[str]
    """The literals stored afterwards, to check that a cell was kept as written."""


_BASE_GRAPHS: dict[str, dict[str, bytes]] = {}


def base_store(kind: str, work: Path) -> Store:
    """A store holding the fixture landscape and the kind's valid source, with inferences:
    built once per kind, then copied graph by graph into a fresh in-memory store."""
    from govgraph.graph.storage.store import graph_to_ntriples, open_store
    from govgraph.loaders.pipeline import load_sources
    from govgraph.loaders.rdf_file import RdfFileLoader

    if kind not in _BASE_GRAPHS:
        entry = BASES[kind].copy(work / f"base-{kind}")
        with open_store("memory:") as store:
            # The RDF base *is* the fixture landscape (one graph: two sources may not share it)
            landscape = [] if kind == "rdf" else [RdfFileLoader(FIXTURES / "landscape.ttl")]
            report = load_sources(
                store, [*landscape, loader_for(kind, entry)], validate=False, progress=False
            )
            assert not report.failed, [r.error for r in report.failed]
            _BASE_GRAPHS[kind] = {
                str(g): graph_to_ntriples(_graph(store, g)) for g in store.graphs()
            }
    store = open_store("memory:")
    for graph, data in _BASE_GRAPHS[kind].items():
        store.replace_graph(URIRef(graph), data)
    return store


def _graph(store: Store, graph: URIRef) -> Graph:
    g = Graph()
    for triple in store.graph_triples(graph):
        g.add(triple)
    return g


def run_case(case: Case, work: Path) -> Outcome:
    from govgraph.graph.storage.integrity import dataset_digests
    from govgraph.loaders.pipeline import load_sources, resolver_from_store

    store = base_store(case.kind, work)
    saved = {k: os.environ.get(k) for k in case.env}
    try:
        folder = work / case.id.replace("/", "--")
        entry = BASES[case.kind].copy(folder)
        before = dataset_digests(store)
        path, culprit = case.build(folder, entry)
        os.environ.update(case.env)
        report = load_sources(store, [loader_for(case.kind, path)], validate=False, progress=False)
        raised: BaseException | None = None
        try:
            loader = loader_for(case.kind, path)
            loader.info()
            for _ in loader.triples(resolver_from_store(store)):
                pass
        except Exception as exc:  # the test asserts its type
            raised = exc
        after = dataset_digests(store)
        literals = {
            str(row["o"])
            for row in store.select(
                "SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER isLiteral(?o) }"
            )
        }
        return Outcome(report.sources[0].error, raised, before == after, culprit, literals)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        store.close()
