"""The one construction of a Jinja environment: autoescaped (strings included, so no data
can become markup) with the shared filters, for the files govgraph writes (maps, reports,
impact reports) and, with their own folder, the pages the API serves."""

from __future__ import annotations

from functools import cache
from importlib import resources
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import URIRef

TEMPLATES = str(resources.files("govgraph.visualisations").joinpath("templates"))
"""The folder of the written files' templates (maps, reports, impact reports)."""


def sentence(text: str) -> str:
    """Capital first letter only: Jinja's ``capitalize`` lowers the rest
    ("Inspectorateorregulator")."""
    return text[:1].upper() + text[1:] if text else text


def label(iri: str | None) -> str:
    """An ontology term's label, for templates that show a kind by its IRI."""
    from govgraph.ontology import model

    return model.label(URIRef(iri)) if iri else ""


def make_environment(folder: str, *, trim_blocks: bool) -> Environment:
    """An environment loading ``folder``, with the one autoescape policy and every filter
    a template needs registered here, so none is defined twice. ``trim_blocks`` (and
    ``lstrip_blocks``) is the whitespace rule of the folder's templates."""
    from govgraph.visualisations.impact_report import change_facts, count_label, num

    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=trim_blocks,
        lstrip_blocks=trim_blocks,
    )
    env.filters["num"] = num
    env.filters["count_label"] = count_label
    env.filters["facts"] = change_facts
    env.filters["urlencode_params"] = urlencode
    env.filters["sentence"] = sentence
    env.globals["label"] = label
    return env


@cache
def environment() -> Environment:
    """The written files' environment, built once."""
    return make_environment(TEMPLATES, trim_blocks=True)
