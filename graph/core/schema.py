"""Hand-edited YAML files checked against pydantic models, with every problem located.

The schemas of the curated register, the plan, scenarios and route maps are declared once,
as pydantic models; the same models give the JSON Schema editors use
(:func:`json_schema`, ``govgraph schema NAME``). :func:`validate` checks what the one YAML
reader (:mod:`govgraph.graph.core.yaml_reader`) built, and turns each pydantic error into a
:class:`SourceError` at the line and column of the value (or key) at fault, with its field
path; all the problems of a file are raised at once as :class:`SourceErrors`.
"""

from __future__ import annotations

import json
import types
import typing
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    WithJsonSchema,
)

from govgraph.graph.core.dates import DATE_FORM, parse_date
from govgraph.graph.core.errors import SourceError, SourceErrors
from govgraph.graph.core.ids import SLUG
from govgraph.graph.core.text import short_repr
from govgraph.graph.core.yaml_reader import Mark

M = TypeVar("M", bound=BaseModel)


class Record(BaseModel):
    """Base of every schema model: unknown fields are errors (a misspelt field would
    silently lose its value), numbers written where text is expected are read as text."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


def _clean(value: str) -> str:
    if not value.strip():
        raise ValueError("blank")  # reported as a missing field
    return " ".join(value.split())


_TEXT_SCHEMA = WithJsonSchema({"type": ["string", "number"], "minLength": 1})
"""YAML writes ``2016`` or ``1999`` unquoted: numbers are read as their text."""

Text = Annotated[str, AfterValidator(_clean), Field(min_length=1), _TEXT_SCHEMA]
"""Non-empty text, inner whitespace collapsed (blank counts as missing)."""


def _strip(value: str) -> str:
    if not value.strip():
        raise ValueError("blank")  # reported as a missing field
    return value.strip()


Stripped = Annotated[str, AfterValidator(_strip), Field(min_length=1), _TEXT_SCHEMA]
"""Non-empty text as written, outer whitespace dropped."""


def _date(value: str) -> str:
    parse_date(value)  # ValueError: an impossible day or month, at its line
    return value


DateText = Annotated[
    str,
    AfterValidator(_date),
    WithJsonSchema({"type": ["string", "integer"], "pattern": f"^{DATE_FORM.pattern}$"}),
]
"""A date as written: YYYY, YYYY-MM or YYYY-MM-DD (the one date parser's forms), a real
day or month."""

ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
IsoDate = Annotated[str, AfterValidator(_date), Field(pattern=ISO_DATE)]
"""A full date YYYY-MM-DD that is a real day."""

SLUG_PATTERN = f"^{SLUG.pattern}$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
"""An id by the one id rule (:mod:`govgraph.graph.core.ids`)."""


def one_as_list(value: Any) -> Any:
    """A single text where a list is expected, as a one-item list."""
    return [value] if isinstance(value, str) else value


TextList = Annotated[list[Text], BeforeValidator(one_as_list)]
"""A list of text; a single text is accepted as a one-item list."""


def _shape_tag(value: Any) -> str:
    return "<mapping>" if isinstance(value, dict) else "<text>"


SHAPE = Discriminator(_shape_tag)
"""Chooses between a record (``Tag("<mapping>")``) and a plain value (``Tag("<text>")``) by
the value's shape, so an error names one alternative, not both."""


PATTERNS = {
    SLUG_PATTERN: "an id of lower-case letters, digits and '-'",
    ISO_DATE: "a date YYYY-MM-DD",
}
"""What a pattern means, for messages (models may add their own)."""


# --- locating errors ---------------------------------------------------------------------


def validate(model: type[M], data: Any, file: str | None, *, leaf_fields: bool = False) -> M:
    """``data`` (from :func:`~govgraph.graph.core.yaml_reader.load_yaml`) as ``model``;
    every problem is reported at once, each at its line, column and field. Fields are
    named by their path (``actions[0].assessment.status``), or with ``leaf_fields`` by the
    name within their record (``status``)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems: dict[tuple[Any, ...], tuple[tuple[bool, int, int], SourceError]] = {}
        for error in exc.errors(include_url=False):
            path, mark, parent = _locate(data, error["loc"], error["type"])
            if path in problems:
                continue  # one problem per place (a union reports each alternative)
            # in file order; a misspelt field is also a missing one: name the misspelling first
            order = (error["type"] == "missing", *(mark or (0, 0)))
            problem = _problem(model, error, path, mark, parent, file, leaf_fields)
            problems[path] = (order, problem)
        ordered = sorted(problems.values(), key=lambda item: item[0])
        raise SourceErrors([problem for _, problem in ordered]) from None


def _locate(data: Any, loc: tuple[Any, ...], kind: str) -> tuple[tuple[Any, ...], Mark | None, Any]:
    """The data path of ``loc`` (union tags dropped), where it starts (None for data that
    came without positions, such as a GraphQL argument), and its container."""
    path: list[Any] = []
    node, parent = data, None
    mark: Mark | None = getattr(data, "mark", None)
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and isinstance(part, str):
            if part in node:
                extra = last and kind == "extra_forbidden"
                marks = getattr(node, "key_marks" if extra else "value_marks", {})
                mark = marks.get(part, mark)
                path.append(part)
                node, parent = node[part], node
            elif last:
                path.append(part)  # a missing field: at its record
                parent = node
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            marks = getattr(node, "item_marks", None)
            mark = marks[part] if marks else mark
            path.append(part)
            node, parent = node[part], node
        # anything else is a union's tag: not a place in the data
    return tuple(path), mark, parent


def fail(data: Any, path: tuple[Any, ...], message: str, file: str | None) -> SourceError:
    """A SourceError at the value ``path`` leads to in ``data`` (a check the schema cannot
    make: a dangling reference, a duplicate), its field named by its path."""
    _, mark, _ = _locate(data, path, "value")
    line, column = mark or (None, None)
    return SourceError(message, file=file, line=line, column=column, field=field_path(path))


def field_path(path: tuple[Any, ...]) -> str:
    """``('actions', 0, 'id')`` as ``actions[0].id``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(model: Any, loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that holds the last field of ``loc``."""
    holder = model if _is_model(model) else None
    for part in loc:
        model = _unwrap(model, part)
        if isinstance(model, type) and issubclass(model, BaseModel):
            holder = model
            if isinstance(part, str) and part in model.model_fields:
                model = model.model_fields[part].annotation
    return holder


def _unwrap(tp: Any, part: Any) -> Any:
    """Look through Annotated, lists and unions towards the type ``part`` refers to."""
    for _ in range(8):
        origin = typing.get_origin(tp)
        if origin is Annotated:
            meta = [m for m in typing.get_args(tp)[1:] if isinstance(m, Tag)]
            if meta and meta[0].tag != part and isinstance(part, str) and part.startswith("<"):
                return None
            tp = typing.get_args(tp)[0]
        elif origin in (list, tuple) and isinstance(part, int):
            return typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            models = [a for a in typing.get_args(tp) if _unwrap(a, part) is not None]
            fitting = [m for m in models if _is_model(_unwrap(m, part))]
            tp = (fitting or models or [None])[0]
        else:
            return tp
    return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def what(model: type[BaseModel] | None) -> str:
    """How messages name a record of ``model`` (its ``title``), e.g. 'an organisation'."""
    title = model.model_config.get("title") if model else None
    return title or "the record"


def _problem(
    root: type[BaseModel],
    error: Any,
    path: tuple[Any, ...],
    mark: Mark | None,
    parent: Any,
    file: str | None,
    leaf_fields: bool,
) -> SourceError:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    keys = [p for p in path if isinstance(p, str)]
    name = keys[-1] if keys else None
    holder = _model_at(root, error["loc"])
    blank = isinstance(value, str) and not value.strip()
    if kind == "missing" or (value is None and kind.endswith("_type")) or blank:
        message = f"missing required field '{name}' in {what(holder)}"
    elif kind == "extra_forbidden":
        allowed = ", ".join(sorted(holder.model_fields)) if holder else "?"
        message = f"unknown field in {what(holder)}: expected one of {allowed}"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = f"expected {what(holder)} as a mapping of fields, got {_shape(value)}"
    elif kind == "string_type":
        message = f"expected text, got {_shape(value)}"
    elif kind == "too_short" and ctx.get("min_length") == 1:
        message = f"expected a non-empty list, got {short_repr(value)}"
    elif kind == "too_short":
        message = f"expected a list of at least {ctx.get('min_length')} items, got {_shape(value)}"
    elif kind in ("union_tag_not_found", "union_tag_invalid", "scenario_operation"):
        message = error["msg"]
    elif kind == "list_type":
        message = f"expected a list, got {_shape(value)}"
    elif kind == "string_pattern_mismatch":
        meaning = PATTERNS.get(ctx.get("pattern", ""), f"text matching {ctx.get('pattern')}")
        message = f"expected {meaning}, got {short_repr(value)}"
    elif kind in ("literal_error", "enum"):
        message = f"unknown value {short_repr(value)}: expected one of {ctx.get('expected')}"
    elif kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
    else:
        message = f"{error['msg']}, got {short_repr(value)}"
    if leaf_fields:
        field = name if path and isinstance(path[-1], str) else None
    else:
        field = field_path(path) or None
    line, column = mark or (None, None)
    return SourceError(message, file=file, line=line, column=column, field=field)


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return short_repr(value)


# --- JSON Schema for editors -------------------------------------------------------------


def json_schema(model: type[BaseModel], name: str) -> str:
    """The JSON Schema of ``model`` as committed under docs/schemas/ (stable text)."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": f"Made from the model by 'govgraph schema {name}': do not edit by hand.",
        **model.model_json_schema(mode="validation"),
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


__all__ = [
    "SHAPE",
    "DateText",
    "IsoDate",
    "Literal",
    "Record",
    "Slug",
    "Stripped",
    "Tag",
    "Text",
    "TextList",
    "field_path",
    "json_schema",
    "validate",
    "what",
]
