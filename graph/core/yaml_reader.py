"""The one YAML reader for every YAML file the product reads: the curated register, the
plan, scenario files and CSV mappings.

People edit these files by hand, so every complaint points at a line and column. The
reader composes the document into nodes (which keep their positions) and, while
composing, refuses what no source needs and what would hurt the server:

* alias expansion beyond :data:`MAX_ALIAS_EXPANSION` nodes, counted at each alias before
  any expanded value is built, so a "billion laughs" bomb of a few hundred bytes is
  refused at the alias that tips it over, in milliseconds;
* an alias inside the collection it names (a recursive structure);
* control characters and lone surrogates written as escapes (``"\\x1b"``, ``"\\0"``,
  ``"\\ud800"``); the YAML library already refuses them written raw.

:func:`compose_yaml` gives the checked nodes (the plan reader works on nodes so every
scalar stays the text the editor typed); :func:`load_yaml` constructs them into
:class:`MarkedDict` and :class:`MarkedList` values that remember where each key, value
and item starts. Dates stay text in both, so an impossible one is reported at its line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.source_files import read_source_text
from govgraph.graph.core.text import short_repr, text_problem

T = TypeVar("T")

Mark = tuple[int, int]
"""1-based (line, column)."""

MAX_ALIAS_EXPANSION = 10_000
"""How many nodes aliases may add to a document once expanded. The bundled files use no
aliases at all; a handful of ``<<: *defaults`` merges in a mapping stays far below."""


class MarkedDict(dict[str, Any]):
    """A YAML mapping that knows where it and each of its keys and values start."""

    mark: Mark = (0, 0)
    key_marks: dict[str, Mark]
    value_marks: dict[str, Mark]


class MarkedList(list[Any]):
    """A YAML sequence that knows where it and each of its items start."""

    mark: Mark = (0, 0)
    item_marks: list[Mark]


def node_mark(node: yaml.Node | yaml.Event) -> Mark:
    """The 1-based (line, column) where a node or event starts ((0, 0) when unknown: the
    parser marks every node and event it makes)."""
    mark = node.start_mark
    if mark is None:
        return (0, 0)
    return mark.line + 1, mark.column + 1


class _Loader(yaml.SafeLoader):
    """SafeLoader that checks while composing (see the module docstring) and constructs
    marked mappings and lists. Dates stay text."""

    def __init__(self, text: str, file: str | None) -> None:
        super().__init__(text)
        self.file = file
        self.expanded = 0
        self.sizes: dict[int, int] = {}
        self.open_anchors: set[str] = set()

    def fail(self, message: str, mark: Mark, field: str | None = None) -> SourceError:
        return SourceError(message, file=self.file, line=mark[0], column=mark[1], field=field)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            name = event.anchor or ""
            node = self.anchors.get(name)
            if name in self.open_anchors:
                raise self.fail(
                    f"alias *{name[:40]} refers to the collection it is in",
                    node_mark(event),
                )
            if node is not None:
                self.expanded += self.size(node)
                if self.expanded > MAX_ALIAS_EXPANSION:
                    raise self.fail(
                        f"YAML aliases expand to more than {MAX_ALIAS_EXPANSION:,} values "
                        f"(at *{name[:40]}): write the values out instead",
                        node_mark(event),
                    )
            return super().compose_node(parent, index)
        anchor = getattr(event, "anchor", None)
        if anchor is None:
            return super().compose_node(parent, index)
        self.open_anchors.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self.open_anchors.discard(anchor)

    def compose_scalar_node(self, anchor: Any) -> yaml.ScalarNode:
        # ``anchor`` is the anchor's name (str | None); types-PyYAML declares it a dict
        node = super().compose_scalar_node(anchor)
        problem = text_problem(node.value)
        if problem:
            raise self.fail(f"YAML value holds {problem}", node_mark(node))
        return node

    def size(self, node: yaml.Node) -> int:
        """How many nodes ``node`` stands for once its aliases are expanded (memoised, so a
        bomb costs one visit per distinct node)."""
        known = self.sizes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(self.size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(self.size(k) + self.size(v) for k, v in node.value)
        else:
            total = 1
        self.sizes[id(node)] = total
        return total


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> MarkedDict:
    own = {id(key) for key, _ in node.value}
    loader.flatten_mapping(node)  # ``<<: *base`` pairs first; the mapping's own keys win
    out = MarkedDict()
    out.mark = node_mark(node)
    out.key_marks, out.value_marks = {}, {}
    merged: set[str] = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise loader.fail(f"expected a field name, got {short_repr(key)}", node_mark(key_node))
        if key in out:
            if id(key_node) not in own:
                continue  # a key merged twice: the first merge wins
            if key not in merged:
                raise loader.fail(
                    f"field '{key}' appears twice in one record", node_mark(key_node), key
                )
            merged.discard(key)
        elif id(key_node) not in own:
            merged.add(key)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_marks[key] = node_mark(key_node)
        out.value_marks[key] = node_mark(value_node)
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> MarkedList:
    out = MarkedList(loader.construct_object(child, deep=True) for child in node.value)
    out.mark = node_mark(node)
    out.item_marks = [node_mark(child) for child in node.value]
    return out


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> str:
    """An explicit !!timestamp stays text."""
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_yaml(path: Path) -> Any:
    """The document in ``path`` (size-checked, strictly UTF-8) as :func:`load_yaml` reads
    it; any problem is a SourceError at its line."""
    return load_yaml(read_source_text(path), str(path))


def compose_yaml(text: str, file: str | None = None) -> yaml.Node | None:
    """The checked node tree of the single document in ``text`` (None when it is empty);
    any problem is a SourceError at its line and column in ``file``."""
    node: yaml.Node | None = _read(text, file, construct=False)
    return node


def load_yaml(text: str, file: str | None = None) -> Any:
    """The document in ``text`` as plain values, mappings and lists as :class:`MarkedDict`
    and :class:`MarkedList`; any problem is a SourceError at its line and column."""
    return _read(text, file, construct=True)


def _read(text: str, file: str | None, *, construct: bool) -> Any:
    loader = _reading(text, file, lambda: _Loader(text, file))  # checks raw characters
    try:
        node = _reading(text, file, loader.get_single_node)
        if node is None or not construct:
            return node
        return _reading(text, file, lambda: loader.construct_document(node))
    finally:
        loader.dispose()


def _reading(text: str, file: str | None, step: Callable[[], T]) -> T:
    """Run one step of the reader, turning the YAML library's errors into SourceErrors."""
    try:
        return step()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise SourceError(
            f"YAML syntax error: {what}",
            file=file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise yaml_error(exc, text, file) from None
    except RecursionError:
        raise SourceError("YAML nested too deeply to read", file=file) from None
    except (ValueError, TypeError) as exc:  # an explicit tag such as !!timestamp 2021-02-30
        raise SourceError(f"YAML value cannot be read: {str(exc)[:200]}", file=file) from None


def yaml_error(exc: yaml.YAMLError, text: str, file: str | None) -> SourceError:
    """A SourceError for a YAML error without a mark: the reader's (a control character or
    an unpaired surrogate), whose position is a character index."""
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        what = getattr(exc, "reason", "") or "unreadable character"
        return SourceError(
            f"YAML cannot contain this character: {what}", file=file, line=line, column=column
        )
    return SourceError(f"YAML error: {str(exc)[:200]}", file=file)
