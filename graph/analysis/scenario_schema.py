"""The schema of a scenario file (docs/scenarios.md), as pydantic models.

:mod:`govgraph.graph.analysis.scenario` validates a file or a GraphQL argument against
:class:`ScenarioFile`; the JSON Schema editors use (docs/schemas/scenario.schema.json) is
made from it. Which kinds and classes a name may take comes from the ontology and is
checked by the scenario reader, not here.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Discriminator, Field, Tag

from govgraph.graph.core.schema import Record, Stripped

OPERATIONS = ("merge", "abolish", "move", "rename", "add")
"""The keys that say what a change does; a change holds exactly one."""


Name = Stripped
"""A name, alias or id as written (outer spaces dropped)."""


class Merge(Record):
    model_config = ConfigDict(title="a merge")
    merge: Annotated[list[Name], Field(min_length=2)]
    into: Name


class Abolish(Record):
    model_config = ConfigDict(title="an abolition")
    abolish: Name
    transfer_functions_to: Name | None = None


class Move(Record):
    model_config = ConfigDict(title="a move")
    move: Name
    under: Name
    kind: Name | None = None


class Rename(Record):
    model_config = ConfigDict(title="a rename")
    rename: Name
    to: Name


class NewBody(Record):
    model_config = ConfigDict(title="add")
    name: Name
    type: Name
    accountable_to: Name | None = None
    kind: Name | None = None
    members: Annotated[list[Name], Field(min_length=1)] | None = None


class Add(Record):
    model_config = ConfigDict(title="an addition")
    add: NewBody


def _operation(value: Any) -> str | None:
    ops = [k for k in value if k in OPERATIONS] if isinstance(value, dict) else []
    return f"<{ops[0]}>" if len(ops) == 1 else None  # a tag no key can be


Change = Annotated[
    Annotated[Merge, Tag("<merge>")]
    | Annotated[Abolish, Tag("<abolish>")]
    | Annotated[Move, Tag("<move>")]
    | Annotated[Rename, Tag("<rename>")]
    | Annotated[Add, Tag("<add>")],
    Discriminator(
        _operation,
        custom_error_type="scenario_operation",
        custom_error_message=f"a change needs exactly one of {', '.join(OPERATIONS)}",
    ),
]


class ScenarioFile(Record):
    """A scenario: its name and the changes it makes, in order."""

    model_config = ConfigDict(title="a scenario")
    name: Name | None = None
    description: str | None = None
    changes: Annotated[list[Change], Field(min_length=1)]
