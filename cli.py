"""The ``govgraph`` command line: load sources, serve the API, query the graph.

Domain errors end as one clean line on stderr and a non-zero exit; tracebacks never show
local variables (typer's default would print them, secrets included).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from govgraph.graph.core.config import STORE_ENV
from govgraph.graph.core.errors import GovgraphError, QueryError
from govgraph.graph.storage.store import DEFAULT_STORE, Store, open_store
from govgraph.loaders.pipeline import LoadReport

app = typer.Typer(
    name="govgraph",
    help=(
        "A knowledge graph of the governance around Scotland's care system (The Promise).\n\n"
        f"Every command works on one store, chosen by --store URL or ${STORE_ENV}: "
        "'memory:' (in memory, gone on exit), 'oxigraph:PATH' (embedded, on disk), "
        "'oxigraph+versions:PATH' (embedded, each load published whole; the default is "
        f"'{DEFAULT_STORE}', under ./.govgraph/), or 'sparql+http://HOST:PORT/PATH' "
        "(a remote SPARQL 1.1 endpoint)."
    ),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)
_WIDTH = None if sys.stdout.isatty() else 120
"""Piped or logged output keeps whole source names and messages on one line."""
err = Console(stderr=True, width=_WIDTH, markup=False)
out = Console(width=_WIDTH, markup=False)
"""Markup is off: what is printed holds data (names, cells, error messages quoting them), and
``[/x]`` in a CSV cell would otherwise raise MarkupError after the store was published.
Styles are given as :class:`rich.text.Text`."""

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar=STORE_ENV,
        help="Store URL: memory:, oxigraph:PATH, oxigraph+versions:PATH or "
        f"sparql+http://... [default: {DEFAULT_STORE}]",
        show_default=False,
    ),
]


def _open(url: str | None) -> Store:
    return open_store(url)


def _fail(exc: Exception, code: int = 1) -> typer.Exit:
    err.print(Text.assemble(("error:", "red"), f" {exc}"), highlight=False)
    return typer.Exit(code=code)


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Work on the landscape as it stood on this date (YYYY, YYYY-MM or YYYY-MM-DD): "
        "bodies and relationships not valid then are left out.",
        show_default=False,
    ),
]


@contextmanager
def _view(st: Store, as_of: str | None) -> Iterator[Store]:
    """The store itself, or an in-memory copy cut at ``as_of`` (the store is never changed)."""
    if not as_of:
        yield st
        return
    from govgraph.graph.analysis.snapshot import as_of as cut

    snapshot = cut(st, as_of)
    try:
        yield snapshot
    finally:
        snapshot.close()


def _write(text: str, output: str, what: str) -> None:
    data = text.encode("utf-8")
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        Path(output).write_bytes(data)
        err.print(f"wrote {what} ({len(data):,} bytes) to {output}", highlight=False)


@app.command()
def load(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Sources as KIND:PATH or a path (.ttl/.nt/.jsonld, a curated folder). "
            "None: the bundled dataset.",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = None,
    validate: Annotated[bool, typer.Option(help="Run the SHACL shapes afterwards.")] = True,
) -> None:
    """Load sources into the store, one named graph each; reloading replaces a source."""
    from govgraph.loaders.bundled import bundled_loaders
    from govgraph.loaders.pipeline import load_sources
    from govgraph.loaders.registry import loader_for

    try:
        loaders = [loader_for(s) for s in sources] if sources else bundled_loaders()
        with _open(store) as st:
            report = load_sources(st, loaders, validate=validate)
    except GovgraphError as exc:
        raise _fail(exc) from None
    _print_report(report)
    if report.failed:
        raise typer.Exit(code=1)
    if report.validation is not None and not report.validation.conforms:
        err.print(
            Text.assemble(
                ("error:", "red"),
                " the loaded data does not conform to the SHACL shapes (violations above); "
                "fix the sources and load again (`govgraph validate` lists them)",
            ),
            highlight=False,
        )
        raise typer.Exit(code=1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes (several need the versioned default store or a remote one).",
        ),
    ] = 1,
    header_timeout: Annotated[
        float | None,
        typer.Option(
            min=0.1,
            help="Seconds a client has to send a request's headers before it gets a 408 and "
            "is disconnected [default: $GOVGRAPH_HEADER_TIMEOUT or 10].",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Serve GraphQL (with GraphiQL) over HTTP."""
    import uvicorn

    from govgraph.api.app import create_app
    from govgraph.api.server import (
        check_shareable,
        header_timeout_setting,
        http_protocol,
        listen,
        run_workers,
    )
    from govgraph.api.settings import Settings
    from govgraph.graph.core.config import current

    config = current()  # read once, handed down: the app's settings and the header deadline
    try:
        settings = Settings.from_config(config)
        headers_due = header_timeout or header_timeout_setting(config)
        st = _open(store)
        if workers > 1:
            check_shareable(st)
            sock = listen(host, port)  # bound before the banner: a taken port fails clearly
    except (GovgraphError, ValueError) as exc:
        raise _fail(exc) from None
    base = f"http://{host}:{port}"
    out.print(f"govgraph serving {st.url} ({st.count():,} triples)")
    out.print(f"  GraphQL and GraphiQL: {base}/graphql")
    out.print(f"  SPARQL 1.1 (read-only): {base}/sparql")
    out.print(f"  entity pages: {base}/id/{{id}}   ontology: {base}/ontology")
    out.print(f"  maps: {base}/maps/landscape   overlap report: {base}/reports/overlaps")
    out.print(f"  date diff: {base}/reports/diff?from=2020&to=2024   {base}/maps/diff?from=&to=")
    if workers > 1:
        out.print(f"  {workers} worker processes")
        st.close()
        run_workers(st.url, sock, workers, headers_due, settings)
        return
    try:
        uvicorn.run(
            create_app(st, settings=settings),
            host=host,
            port=port,
            log_level="warning",
            server_header=False,
            http=http_protocol(headers_due),
        )
    finally:
        st.close()


@app.command()
def query(
    sparql: Annotated[str | None, typer.Option(help="A SPARQL 1.1 query.")] = None,
    graphql: Annotated[str | None, typer.Option(help="A GraphQL query.")] = None,
    variables: Annotated[
        str | None, typer.Option(help="GraphQL variables as a JSON object.")
    ] = None,
    as_of: AsOfOption = None,
    store: StoreOption = None,
) -> None:
    """Run one SPARQL or GraphQL query and print the result as JSON."""
    if (sparql is None) == (graphql is None):
        raise _fail(ValueError("give exactly one of --sparql or --graphql"))
    try:
        with _open(store) as st, _view(st, as_of) as view:
            if sparql is not None:
                result = _sparql_json(view, sparql)
            else:
                result = _graphql_json(view, graphql or "", variables)
    except (GovgraphError, json.JSONDecodeError) as exc:
        raise _fail(exc) from None
    sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    if isinstance(result, dict) and result.get("errors"):
        raise typer.Exit(code=1)


@app.command()
def validate(store: StoreOption = None) -> None:
    """Check the stored data against the SHACL shapes; one line per violation.

    Exits 1 when there are violations."""
    from govgraph.graph.checks.validation import validate as run_validation

    try:
        with _open(store) as st:
            report = run_validation(st)
    except GovgraphError as exc:
        raise _fail(exc) from None
    if report.conforms:
        out.print("SHACL: conforms (no violations)")
        return
    for line in report.lines():
        sys.stdout.write(line + "\n")
    sys.stdout.flush()
    err.print(f"{len(report.lines())} violation(s)")
    raise typer.Exit(code=1)


@app.command()
def coverage(
    files: Annotated[list[Path], typer.Argument(help="Documents to audit (plain text).")],
    ledgers: Annotated[
        Path | None,
        typer.Option(help="Folder of coverage ledgers [default: data/curated/coverage]"),
    ] = None,
    store: StoreOption = None,
) -> None:
    """List the capitalised names and numbers in each document that resolve to no entity or
    figure and that its coverage ledger does not list as left out; exits 1 when any remain."""
    from govgraph.graph.analysis.coverage import check_documents

    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise _fail(GovgraphError(f"no such document: {missing[0]}"), code=2)
    try:
        with _open(store) as st:
            items = check_documents(files, st, ledgers)
    except GovgraphError as exc:
        raise _fail(exc) from None
    for item in items:
        sys.stdout.write(f"{item}\n")
    sys.stdout.flush()
    err.print(f"{len(items)} unexplained name(s) and number(s) in {len(files)} document(s)")
    if items:
        raise typer.Exit(code=1)


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="ttl, nt, jsonld, graphml, gexf or csv.")
    ] = "ttl",
    output: Annotated[
        str, typer.Option("--output", "-o", help="File to write; - for stdout.")
    ] = "-",
    as_of: AsOfOption = None,
    store: StoreOption = None,
) -> None:
    """Export the landscape: the RDF of every source (ttl, nt, jsonld), or the network of
    entities and stated links for Gephi (graphml, gexf) and spreadsheets (csv)."""
    from govgraph.graph.tools.export import FORMATS
    from govgraph.graph.tools.export import export as run_export

    if fmt not in FORMATS:
        raise _fail(ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}"))
    try:
        with _open(store) as st, _view(st, as_of) as view:
            data = run_export(view, fmt)
    except GovgraphError as exc:
        raise _fail(exc) from None
    if output == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(output).write_bytes(data)
        err.print(f"wrote {len(data):,} bytes to {output}")


def _map_kinds() -> str:
    from govgraph.visualisations.maps import map_kinds

    return ", ".join(map_kinds())


@app.command(name="map")
def map_(
    kind: Annotated[str, typer.Argument(help=f"The kind of map: {_map_kinds()}.")],
    output: Annotated[str, typer.Option("--output", "-o", help="File to write.")],
    focus: Annotated[
        str | None,
        typer.Option(
            help="What the map centres on (accountability, ego; optional elsewhere): a name, "
            "alias or id, read as the site's search reads it."
        ),
    ] = None,
    depth: Annotated[int, typer.Option(help="Hops from the focus.")] = 2,
    scope: Annotated[
        str,
        typer.Option(
            help="'scotland' (the care-system landscape and what a stated line ties to it) "
            "or 'all' (every body, UK-wide directories included)."
        ),
    ] = "scotland",
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The landscape as at this date (YYYY, YYYY-MM, YYYY-MM-DD)."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="html (interactive, works offline), svg (static, real text labels, for "
            "slides) or png (the SVG drawn by headless Chromium, for reports).",
        ),
    ] = "html",
    store: StoreOption = None,
) -> None:
    """Write a network map: an interactive self-contained HTML file, or a static SVG or PNG."""
    from govgraph.visualisations.export import EXPORT_FORMATS, export_map
    from govgraph.visualisations.maps import build_map

    if fmt not in EXPORT_FORMATS:
        raise _fail(QueryError(f"format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}"))
    try:
        with _open(store) as st:
            model = build_map(st, kind, focus=focus, depth=depth, as_of=as_of, scope=scope)
        data = export_map(model, fmt)
    except GovgraphError as exc:
        raise _fail(exc) from None
    Path(output).write_bytes(data)
    err.print(f"wrote {kind} map ({len(data):,} bytes, {fmt}) to {output}")


report_app = typer.Typer(
    help="Reports for the Independent Strategic Advisor.", no_args_is_help=True
)
app.add_typer(report_app, name="report")


@report_app.command("overlaps")
def report_overlaps(
    output: Annotated[str, typer.Option("--output", "-o", help="File to write; - for stdout.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="html, md, csv or json.")] = "html",
    kind: Annotated[
        list[str] | None,
        typer.Option(help="Only findings of this kind (repeatable); see docs/overlaps.md."),
    ] = None,
    min_score: Annotated[float, typer.Option(help="Leave out findings scoring below this.")] = 0.0,
    timestamp: Annotated[
        bool, typer.Option(help="Print the generation time (off: byte-identical reruns).")
    ] = True,
    scope: Annotated[
        str,
        typer.Option(
            help="scotland: accountability anomalies of the Scottish landscape only; all: "
            "of every body, UK-wide directories included."
        ),
    ] = "scotland",
    as_of: AsOfOption = None,
    store: StoreOption = None,
) -> None:
    """Overlaps and anomalies in the landscape, each finding with its evidence and sources."""
    from govgraph.graph.analysis.overlaps import Settings, compute_findings
    from govgraph.visualisations.reports import MEDIA_TYPES, render

    if fmt not in MEDIA_TYPES:
        raise _fail(ValueError(f"unknown format {fmt!r}: use one of {', '.join(MEDIA_TYPES)}"))
    try:
        with _open(store) as st, _view(st, as_of) as view:
            findings = compute_findings(
                view, kinds=kind or None, min_score=min_score, settings=Settings(scope=scope)
            )
        data = render(findings, fmt, timestamp=timestamp, as_of=as_of)
    except GovgraphError as exc:
        raise _fail(exc) from None
    if output == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(output).write_bytes(data)
        err.print(f"wrote {len(findings):,} findings ({len(data):,} bytes) to {output}")


ImpactFormat = Annotated[str, typer.Option("--format", "-f", help="html, md or json.")]
ImpactOutput = Annotated[str, typer.Option("--output", "-o", help="File to write; - for stdout.")]
Timestamp = Annotated[
    bool, typer.Option(help="Print the generation time (off: byte-identical reruns).")
]


def _check_impact_format(fmt: str) -> None:
    from govgraph.visualisations.impact_report import FORMATS

    if fmt not in FORMATS:
        raise _fail(ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}"), code=2)


@report_app.command("diff")
def report_diff(
    date_from: Annotated[
        str, typer.Option("--from", help="The earlier date (YYYY, YYYY-MM or YYYY-MM-DD).")
    ],
    date_to: Annotated[str, typer.Option("--to", help="The later date.")],
    fmt: ImpactFormat = "html",
    output: ImpactOutput = "-",
    timestamp: Timestamp = True,
    store: StoreOption = None,
) -> None:
    """How the landscape changed between two dates: bodies and lines that began or ended,
    and the change events dated in between, each with its sources."""
    from govgraph.graph.analysis.impact import date_diff
    from govgraph.visualisations.diff_map import build_diff_map
    from govgraph.visualisations.impact_report import render_impact

    _check_impact_format(fmt)
    try:
        with _open(store) as st:
            impact, before, after = date_diff(st, date_from, date_to)
            model = build_diff_map(before, after, impact) if fmt == "html" else None
        text = render_impact(impact, fmt, timestamp=timestamp, diff_map=model)
    except GovgraphError as exc:
        raise _fail(exc, code=2) from None
    _write(text, output, f"{len(impact.changes):,} changes")


@app.command()
def scenario(
    file: Annotated[
        Path,
        typer.Argument(help="A scenario YAML file (see docs/scenarios.md).", show_default=False),
    ],
    fmt: ImpactFormat = "html",
    output: ImpactOutput = "-",
    timestamp: Timestamp = True,
    store: StoreOption = None,
) -> None:
    """What-if: apply a scenario (merge, abolish, move, rename, add) to a copy of the
    landscape and report its impact. The stored landscape is never changed; an unknown
    or ambiguous name fails with exit code 2 and writes nothing."""
    from govgraph.graph.analysis.impact import scenario_impact
    from govgraph.graph.analysis.scenario import load_scenario
    from govgraph.visualisations.diff_map import build_diff_map
    from govgraph.visualisations.impact_report import render_impact

    _check_impact_format(fmt)
    try:
        plan = load_scenario(file)
        with _open(store) as st:
            impact, after = scenario_impact(st, plan)
            try:
                model = build_diff_map(st, after, impact) if fmt == "html" else None
            finally:
                after.close()
        text = render_impact(impact, fmt, timestamp=timestamp, diff_map=model)
    except GovgraphError as exc:
        raise _fail(exc, code=2) from None
    except OSError as exc:
        raise _fail(ValueError(f"cannot read {file}: {exc.strerror or exc}"), code=2) from None
    _write(text, output, f"impact report of {len(impact.changes):,} changes")


def _sparql_json(st: Store, text: str) -> Any:
    raw = st.query_serialized(text, "application/sparql-results+json", "application/ld+json")
    return json.loads(raw)


def _graphql_json(st: Store, text: str, variables: str | None) -> dict[str, Any]:
    from anyio import CapacityLimiter

    from govgraph.api.context import Context
    from govgraph.api.schema import schema

    async def run() -> dict[str, Any]:
        ctx = Context(store=st, limiter=CapacityLimiter(4))
        res = await schema.execute(
            text, variable_values=json.loads(variables) if variables else None, context_value=ctx
        )
        body: dict[str, Any] = {"data": res.data}
        if res.errors:
            body["errors"] = [{"message": e.message, "path": e.path} for e in res.errors]
        return body

    return asyncio.run(run())


def _print_report(report: LoadReport) -> None:
    from rich.table import Table

    table = Table(title="Load report", title_justify="left")
    for col in ("source", "triples", "entities", "new", "unresolved", "seconds", "status"):
        table.add_column(col, justify="left" if col in ("source", "status") else "right")
    for s in report.sources:
        table.add_row(
            s.info.id,
            f"{s.triples:,}",
            f"{s.entities:,}",
            f"{s.new_entities:,}",
            str(len(s.unresolved)),
            f"{s.seconds:.2f}",
            Text("FAILED", style="red") if s.error else "ok",
        )
    out.print(table)
    for s in report.sources:
        if s.error:
            failed = Text(f"{s.info.id} failed; its graph is unchanged:", style="red")
            err.print(failed, s.error, highlight=False)
        for name in s.unresolved:
            out.print(f"  unresolved in {s.info.id}: {name}", highlight=False)
        for warning in s.warnings:
            out.print(f"  warning in {s.info.id}: {warning}", highlight=False)
    out.print(
        f"ontology: {report.ontology_triples:,} triples; inferred: {report.inferred_triples:,} "
        f"triples; landscape: {report.total_quads:,} distinct triples"
    )
    if report.validation is not None:
        v = report.validation
        if v.conforms:
            out.print("SHACL: conforms (no violations)")
        else:
            lines = v.lines()
            out.print(f"SHACL: {len(lines)} violation(s)")
            for line in lines:
                out.print(f"  {line}", highlight=False)


@app.command()
def generate(
    organisations: Annotated[
        int, typer.Option("--organisations", "-n", min=10, help="How many bodies.")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Same seed, same bytes.")] = 0,
    output: Annotated[
        str, typer.Option("--output", "-o", help="N-Triples file to write; '-' for stdout.")
    ] = "-",
) -> None:
    """Write a synthetic landscape (invented, realistic in shape) as N-Triples, for scale
    tests and benchmarks: load it with `govgraph load rdf:FILE.nt`."""
    from govgraph.graph.tools.generate import generate as make

    landscape = make(organisations, seed)
    data = landscape.ntriples()
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        Path(output).write_bytes(data)
    p = landscape.planted
    err.print(
        f"{len(landscape.lines):,} triples for {organisations:,} organisations (seed {seed}); "
        f"planted: {len(p.duplicate_remits)} duplicate remits, {len(p.subset_memberships)} "
        f"subset memberships, {len(p.cycles)} reporting cycles"
    )


def schema_models() -> dict[str, Any]:
    """Every hand-edited YAML schema by the name ``govgraph schema`` takes: the curated
    register's files (``curated-<file>``), the plan, scenarios and route maps."""
    from govgraph.graph.analysis.scenario_schema import ScenarioFile
    from govgraph.loaders.curated_schema import FILE_MODELS
    from govgraph.loaders.plan_schema import PlanFile
    from govgraph.loaders.route_map_schema import RouteMapFile

    curated = {f"curated-{name.removesuffix('.yaml')}": m for name, m in FILE_MODELS.items()}
    return {**curated, "plan": PlanFile, "scenario": ScenarioFile, "route-map": RouteMapFile}


SCHEMA_DIR = Path(__file__).parent / "docs" / "schemas"
"""Where the JSON Schemas are committed, one ``NAME.schema.json`` per schema."""


@app.command()
def schema(
    name: Annotated[str, typer.Argument(help="Which schema; 'list' lists them.")] = "list",
    write: Annotated[
        bool, typer.Option("--write", help="Write every schema to docs/schemas/.")
    ] = False,
) -> None:
    """Print the JSON Schema of a YAML file people edit (curated-*, plan, scenario,
    route-map), made from the models the loaders check the files with; point an editor at
    it with '# yaml-language-server: $schema=PATH' (docs/curated-data.md)."""
    from govgraph.graph.core.schema import json_schema

    models = schema_models()
    if write:
        for key, model in models.items():
            (SCHEMA_DIR / f"{key}.schema.json").write_text(
                json_schema(model, key), encoding="utf-8"
            )
        return
    if name == "list":
        out.print("\n".join(models))
        return
    if name not in models:
        err.print(f"unknown schema {name!r}: expected one of {', '.join(models)}")
        raise typer.Exit(2)
    sys.stdout.write(json_schema(models[name], name))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
