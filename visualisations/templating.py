"""The one template environment of the files govgraph writes (maps, reports, impact
reports): autoescaped, strings included, so no data can become markup."""

from __future__ import annotations

from functools import cache
from importlib import resources

from jinja2 import Environment, FileSystemLoader, select_autoescape


@cache
def environment() -> Environment:
    """Built once; filters a template needs are registered here, so every template can use
    them and none is defined twice."""
    from govgraph.visualisations.impact_report import change_facts, count_label, num

    folder = str(resources.files("govgraph.visualisations").joinpath("templates"))
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = num
    env.filters["count_label"] = count_label
    env.filters["facts"] = change_facts
    return env
