"""The OWASP GraphQL limits as strawberry extensions: depth, aliases, tokens, an estimated
cost, bounded parser and validation caches, and error masking that keeps useful errors.

The depth, alias, cost and introspection limits are one validation rule (one walk of the
document), and with the validation cache it runs once per distinct document, not once per
request.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    InlineFragmentNode,
    IntValueNode,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
    parse,
)
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.schema.schema import validate_document

from govgraph.api.persisted import persisted_queries
from govgraph.api.settings import Settings
from govgraph.graph.core.errors import GovgraphError

SIZE_ARGUMENTS = {"first": 500, "depth": 3, "maxLength": 8}
"""Arguments that bound a list, with the largest value each accepts (used for variables)."""

COSTLY_FIELDS: dict[tuple[str, str], str | None] = {
    ("Query", "overlaps"): "asOf",
    ("Query", "scenario"): None,
}
"""Fields that cut or copy the whole landscape (a snapshot at a date, a scenario), each
when the named argument is given (None: always). Each costs two fifths of a query's
budget, so one query holds at most two (as many as the server runs at once by default)
with room left for what they select."""
COSTLY_SHARE = 0.4

INTROSPECTION_LISTS = frozenset(
    {"types", "fields", "inputFields", "interfaces", "possibleTypes", "enumValues", "args"}
    | {"directives"}
)
"""Introspection fields that answer lists: nesting them is how an introspection bomb grows."""
MAX_INTROSPECTION_LISTS = 3
"""GraphiQL's introspection query nests three (types > fields > args); a bomb nests more."""
PRODUCTION_INTROSPECTION_ROOTS = 1
"""In production one ``__schema`` or ``__type`` per request: GraphiQL needs no more."""


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


_Measures = tuple[int, int, int, int]
"""What one walk of a selection set finds, fragments expanded: its depth (introspection
fields left out), aliases, estimated cost per unit of the caller's multiplier (capped just
above the budget, so a fan-out bomb never builds huge numbers), and how many introspection
lists it nests. Plain tuples: a frozen dataclass per selection cost more than the rule's
arithmetic."""
_NOTHING: _Measures = (0, 0, 0, 0)
_LEAF: _Measures = (0, 0, 1, 0)
"""A leaf costs itself and each value it may return."""
_ROOTS = ("__schema", "__type")


@dataclass(frozen=True)
class _FieldInfo:
    """What the rule needs of one field of one type, read from the schema once."""

    child: GraphQLNamedType | None
    """The field's named type (what its selection set selects on)."""
    defaults: tuple[tuple[str, int, int | None], ...]
    """Each size argument with its cap and its schema default (None: no integer default)."""
    plain_list: bool
    """A list that is not a connection's edges: ``list_estimate`` items when unsized."""
    costly: tuple[bool, str | None]
    """Whether it is in :data:`COSTLY_FIELDS`, and the argument that makes it costly."""


def _field_info(parent: GraphQLNamedType, name: str, field_def: Any) -> _FieldInfo:
    field_type = field_def.type
    named = get_named_type(field_type)
    defaults = []
    for arg, cap in SIZE_ARGUMENTS.items():
        arg_def = field_def.args.get(arg) if field_def.args else None
        default = getattr(arg_def, "default_value", None)
        usable = isinstance(default, int) and not isinstance(default, bool)
        defaults.append((arg, cap, default if usable else None))
    unwrapped = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    plain_list = not named.name.endswith("Edge") and isinstance(unwrapped, GraphQLList)
    key = (parent.name, name)
    return _FieldInfo(
        named, tuple(defaults), plain_list, (key in COSTLY_FIELDS, COSTLY_FIELDS.get(key))
    )


def limits_rule(
    *,
    max_depth: int,
    max_aliases: int,
    max_cost: int,
    list_estimate: int,
    introspection_roots: int | None,
    introspection: bool = True,
) -> type[ValidationRule]:
    """The depth, alias, cost and introspection limits as one validation rule: a single
    walk of the document, each fragment measured once and remembered (cost is linear in
    the multiplier of the field it is spread under, so a fragment's cost per unit is
    reused at every spread), and what it needs of each field read from the schema once per
    schema, not per field of each document. Four rules walked the document four times, and
    strawberry's own limiters re-walk a fragment at every spread (hours of CPU for ten
    spreads of a fragment spreading another ten times).

    * depth: fields nest at most ``max_depth`` deep per operation;
    * aliases: at most ``max_aliases`` aliased fields in the document, counted as often as
      fragments repeat them;
    * cost: each field costs 1 per time it may be resolved; a list field multiplies its
      children by its ``first`` argument (the cap when a variable), else ``list_estimate``
      (a connection's edges are already counted by its ``first``); ``depth`` and
      ``maxLength`` multiply by their value; a field of :data:`COSTLY_FIELDS` adds
      ``COSTLY_SHARE`` of ``max_cost``;
    * introspection (when allowed): lists (types, fields, args...) nest at most
      :data:`MAX_INTROSPECTION_LISTS` deep, so ``fields { type { fields ...`` bombs are
      refused; with ``introspection_roots`` (production), at most that many ``__schema`` or
      ``__type`` fields per document, so aliases cannot multiply a full introspection.
    """
    costly = int(max_cost * COSTLY_SHARE)
    cap = max_cost + 1
    tables: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], _FieldInfo | None]] = (
        weakref.WeakKeyDictionary()
    )
    """Per schema: (type name, field name) -> what the rule needs of that field."""

    class LimitsRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.schema = context.schema
            table = tables.get(self.schema)
            if table is None:
                table = tables[self.schema] = {}
            self.table = table
            self.fragments = _fragments(context.document)
            self.memo: dict[tuple[str, bool], _Measures] = {}
            self.roots: set[int] = set()
            """``__schema`` and ``__type`` fields met by the walk (by node: a fragment
            walked twice, or spread twice, holds its fields once)."""
            aliases, nesting = 0, 0
            for op in context.document.definitions:
                if not isinstance(op, OperationDefinitionNode):
                    continue
                root = self.schema.get_root_type(op.operation)
                height, found_aliases, cost, lists = self.walk(
                    op.selection_set, root, False, frozenset()
                )
                aliases += found_aliases
                nesting = max(nesting, lists)
                name = op.name.value if op.name else "anonymous"
                if height > max_depth:
                    self.report_error(
                        GraphQLError(f"'{name}' exceeds maximum operation depth of {max_depth}", op)
                    )
                if root is not None and cost > max_cost:
                    shown = f"{cost:,}" if cost < cap else f"over {max_cost:,}"
                    self.report_error(
                        GraphQLError(
                            f"query cost {shown} exceeds the limit of {max_cost:,}: ask for "
                            "fewer items (first:) or fewer nested lists",
                            op,
                        )
                    )
            if aliases > max_aliases:
                shown = f"{aliases}" if aliases < 10**6 else "more than a million"
                self.report_error(GraphQLError(f"{shown} aliases found. Allowed: {max_aliases}"))
            if introspection and nesting > MAX_INTROSPECTION_LISTS:
                self.report_error(
                    GraphQLError(
                        f"introspection nests {nesting} lists (types, fields, args...); "
                        f"at most {MAX_INTROSPECTION_LISTS} are allowed"
                    )
                )
            if not (introspection and introspection_roots is not None):
                return
            # roots are counted per document node: a repeated spread of one fragment
            # holding __schema is merged into one field by GraphQL, so it runs once; the
            # walk met those of the operations and of every fragment it expanded, and a
            # fragment it never expanded (unused or shadowed: refused anyway) is read here
            roots = len(self.roots)
            walked = {name for name, _ in self.memo}
            for frag in context.document.definitions:
                if isinstance(frag, FragmentDefinitionNode):
                    name = frag.name.value
                    if name not in walked or self.fragments.get(name) is not frag:
                        roots += _roots(frag.selection_set)
            if roots > introspection_roots:
                self.report_error(
                    GraphQLError(
                        f"introspection is limited to {introspection_roots} __schema or "
                        f"__type field per request (found {roots}); set debug for development"
                    )
                )

        def walk(
            self,
            selections: SelectionSetNode,
            parent: GraphQLNamedType | None,
            inside: bool,
            visiting: frozenset[str],
        ) -> _Measures:
            height = aliases = cost = lists = 0
            for sel in selections.selections:
                if isinstance(sel, FieldNode):
                    found = self.field(sel, parent, inside, visiting)
                elif isinstance(sel, InlineFragmentNode):
                    cond = sel.type_condition
                    target = self.schema.get_type(cond.name.value) if cond else parent
                    found = self.walk(sel.selection_set, target or parent, inside, visiting)
                elif isinstance(sel, FragmentSpreadNode):
                    found = self.spread(sel, parent, inside, visiting)
                else:  # GraphQL has no fourth kind of selection
                    continue
                if found[0] > height:
                    height = found[0]
                if found[1]:
                    aliases = min(aliases + found[1], 10**6)
                cost = min(cost + found[2], cap)
                if found[3] > lists:
                    lists = found[3]
            return height, aliases, cost, lists

        def spread(
            self,
            sel: FragmentSpreadNode,
            parent: GraphQLNamedType | None,
            inside: bool,
            visiting: frozenset[str],
        ) -> _Measures:
            name = sel.name.value
            key = (name, inside)
            found = self.memo.get(key)
            if found is None:
                frag = self.fragments.get(name)
                if frag is None or name in visiting:  # unknown or a cycle: other rules report
                    return _NOTHING
                target = self.schema.get_type(frag.type_condition.name.value) or parent
                found = self.memo[key] = self.walk(
                    frag.selection_set, target, inside, visiting | {name}
                )
            return found

        def field(
            self,
            sel: FieldNode,
            parent: GraphQLNamedType | None,
            inside: bool,
            visiting: frozenset[str],
        ) -> _Measures:
            name = sel.name.value
            info = self.info(parent, name)
            aliases = 0 if sel.alias is None else 1
            root = name in _ROOTS
            if root:
                self.roots.add(id(sel))
            here = inside or root
            selections = sel.selection_set
            if selections is None:
                inner = _LEAF
                height = 0
            else:
                inner = self.walk(selections, info.child if info else None, here, visiting)
                height = 0 if name.startswith("__") else 1 + inner[0]
            own_list = int(inside and selections is not None and name in INTROSPECTION_LISTS)
            cost = 1
            if info is not None:
                listed, argument = info.costly
                if listed and (
                    argument is None or any(a.name.value == argument for a in sel.arguments or ())
                ):
                    cost += costly
                cost = min(cost + _size(sel, info, list_estimate) * inner[2], cap)
            return height, aliases + inner[1], cost, own_list + inner[3]

        def info(self, parent: GraphQLNamedType | None, name: str) -> _FieldInfo | None:
            """What the rule needs of field ``name`` of ``parent`` (None: not a field of
            it), read from the schema the first time any document selects it."""
            type_name = getattr(parent, "name", "")
            key = (type_name, name)
            try:
                return self.table[key]
            except KeyError:
                pass
            fields = getattr(parent, "fields", None)
            field_def = fields.get(name) if fields else None
            found = None
            if field_def is not None and parent is not None:
                found = _field_info(parent, name, field_def)
            self.table[key] = found
            return found

    return LimitsRule


def _roots(selections: SelectionSetNode) -> int:
    """``__schema`` and ``__type`` fields written in a selection set (not through spreads)."""
    found = 0
    stack = [selections]
    while stack:
        for sel in stack.pop().selections:
            if isinstance(sel, FieldNode) and sel.name.value in _ROOTS:
                found += 1
            if isinstance(sel, FieldNode | InlineFragmentNode) and sel.selection_set:
                stack.append(sel.selection_set)
    return found


def _size(sel: FieldNode, info: _FieldInfo, list_estimate: int) -> int:
    """Items one selection may return: its size arguments as given (a variable counts as
    the cap), else their schema defaults (``subjects(first = 20)``)."""
    arguments = sel.arguments
    given = {arg.name.value: arg.value for arg in arguments} if arguments else {}
    size = 1
    for name, cap, default in info.defaults:
        node = given.get(name)
        if node is not None:
            value = int(node.value) if isinstance(node, IntValueNode) else cap
        elif default is not None:
            value = default
        else:
            continue
        size *= max(1, min(value, cap))
    if size == 1 and info.plain_list:
        size = list_estimate
    return size


def should_mask_error(error: GraphQLError) -> bool:
    """Mask only unexpected failures: syntax, validation and limit errors (no original
    error), variable coercion errors (a GraphQLError as original) and the product's own
    errors keep their message, so a typo or a wrong variable type gets a useful answer."""
    original = error.original_error
    return original is not None and not isinstance(original, GovgraphError | GraphQLError)


class Limits(SchemaExtension):
    """Token limit, cached parsing, the validation rules, and cached validation, in one
    extension. Strawberry's own limiters build a new rule class per instance, which would
    defeat the validation cache (its key holds the rule classes), so the rules are built
    once per schema here and the extension, made per request, only points at them."""

    def __init__(self, shared: SharedLimits) -> None:
        self.shared = shared

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.shared.max_tokens
        context.validation_rules = (*context.validation_rules, *self.shared.rules)
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:  # strawberry refuses an operation without one before parsing
            context.graphql_document = self.shared.parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:  # a parse error ends the operation first
            context.pre_execution_errors = self.shared.validate(
                context.schema._schema, context.graphql_document, context.validation_rules
            )
        yield


class SharedLimits:
    """What every request's :class:`Limits` shares: rule classes and bounded LRU caches."""

    def __init__(self, settings: Settings) -> None:
        self.max_tokens = settings.max_tokens
        rules: list[type[ASTValidationRule]] = [
            limits_rule(
                max_depth=settings.max_depth,
                max_aliases=settings.max_aliases,
                max_cost=settings.max_cost,
                list_estimate=settings.list_estimate,
                introspection_roots=None if settings.debug else PRODUCTION_INTROSPECTION_ROOTS,
                introspection=settings.introspection,
            )
        ]
        if not settings.introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        self.rules = tuple(rules)
        self._parse = lru_cache(maxsize=settings.parser_cache_size)(parse)
        self._validate = lru_cache(maxsize=settings.parser_cache_size)(validate_document)
        self._persisted = {
            text: parse(text, max_tokens=self.max_tokens) for text in persisted_queries().values()
        }
        """The allow-listed documents (api/persisted.py), parsed once and never evicted."""
        self._persisted_ids = {id(d) for d in self._persisted.values()}
        self._validated: dict[tuple[int, int, tuple[Any, ...]], list[GraphQLError]] = {}

    def parse(self, text: str, **options: Any) -> DocumentNode:
        """A persisted document as parsed at start, else through the bounded cache."""
        found = self._persisted.get(text)
        return found if found is not None else self._parse(text, **options)

    def validate(self, schema: Any, document: DocumentNode, rules: tuple[Any, ...]) -> Any:
        """A persisted document's errors, all found once per schema, else cached."""
        if id(document) not in self._persisted_ids:
            return self._validate(schema, document, rules)
        key = (id(schema), id(document), tuple(rules))
        if key not in self._validated:  # the first of them: every one, for this schema
            for doc in self._persisted.values():
                self._validated[(id(schema), id(doc), tuple(rules))] = validate_document(
                    schema, doc, rules
                )
        return self._validated[key]


def extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Extension factories for a schema under ``settings`` (made per request)."""
    shared = SharedLimits(settings)
    out: list[Callable[[], SchemaExtension]] = [lambda: Limits(shared)]
    if not settings.debug:
        out.append(lambda: MaskErrors(should_mask_error=should_mask_error))
    return out
