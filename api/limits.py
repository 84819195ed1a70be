"""The OWASP GraphQL limits as strawberry extensions: depth, aliases, tokens, an estimated
cost, bounded parser and validation caches, and error masking that keeps useful errors.

The depth, alias and cost rules are validation rules, so with the validation cache they
run once per distinct document, not once per request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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

from govgraph.api.settings import Settings
from govgraph.graph.errors import GovgraphError

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


class _Measure:
    """A measure of a selection set with every fragment spread expanded, computed in time
    linear in the document: each fragment is measured once and remembered. Strawberry's
    depth and alias limiters re-walk a fragment at every spread, so ten spreads of a fragment
    that spreads another ten times (a few hundred tokens) cost them hours of CPU."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = _fragments(document)
        self.memo: dict[tuple[str, bool], int] = {}

    def spread(self, name: str, flag: bool, visiting: frozenset[str], measure: Any) -> int:
        key = (name, flag)
        if key not in self.memo:
            frag = self.fragments.get(name)
            if frag is None or name in visiting:  # unknown or a cycle: other rules report it
                return 0
            self.memo[key] = measure(frag.selection_set, flag, visiting | {name})
        return self.memo[key]


def depth_rule(max_depth: int) -> type[ValidationRule]:
    """Reject operations nesting fields deeper than ``max_depth`` (introspection fields are
    left to :func:`introspection_rule`); fragments are followed, each measured once."""

    class DepthRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            measure = _Measure(context.document)

            def height(selections: SelectionSetNode, flag: bool, visiting: frozenset[str]) -> int:
                best = 0
                for sel in selections.selections:
                    if isinstance(sel, FieldNode):
                        if sel.selection_set is None or sel.name.value.startswith("__"):
                            continue
                        best = max(best, 1 + height(sel.selection_set, flag, visiting))
                    elif isinstance(sel, InlineFragmentNode):
                        best = max(best, height(sel.selection_set, flag, visiting))
                    else:
                        best = max(best, measure.spread(sel.name.value, flag, visiting, height))
                return best

            for op in context.document.definitions:
                if not isinstance(op, OperationDefinitionNode):
                    continue
                if height(op.selection_set, False, frozenset()) > max_depth:
                    name = op.name.value if op.name else "anonymous"
                    context.report_error(
                        GraphQLError(f"'{name}' exceeds maximum operation depth of {max_depth}", op)
                    )

    return DepthRule


def alias_rule(max_aliases: int) -> type[ValidationRule]:
    """Reject documents with more than ``max_aliases`` aliased fields once fragments are
    expanded (so a spread repeated ten times counts ten times), each fragment counted once."""

    class AliasRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            measure = _Measure(context.document)

            def count(selections: SelectionSetNode, flag: bool, visiting: frozenset[str]) -> int:
                total = 0
                for sel in selections.selections:
                    if isinstance(sel, FieldNode):
                        total += sel.alias is not None
                        if sel.selection_set is not None:
                            total += count(sel.selection_set, flag, visiting)
                    elif isinstance(sel, InlineFragmentNode):
                        total += count(sel.selection_set, flag, visiting)
                    else:
                        total += measure.spread(sel.name.value, flag, visiting, count)
                return total

            total = sum(
                count(op.selection_set, False, frozenset())
                for op in context.document.definitions
                if isinstance(op, OperationDefinitionNode)
            )
            if total > max_aliases:
                shown = f"{total}" if total < 10**6 else "more than a million"
                context.report_error(GraphQLError(f"{shown} aliases found. Allowed: {max_aliases}"))

    return AliasRule


def introspection_rule(max_roots: int | None) -> type[ValidationRule]:
    """Bound introspection: lists (types, fields, args...) nest at most
    :data:`MAX_INTROSPECTION_LISTS` deep, so ``fields { type { fields { type ...`` bombs are
    refused; and, when ``max_roots`` is set (production), at most that many ``__schema`` or
    ``__type`` fields per document, so aliases cannot multiply a full introspection."""

    class IntrospectionRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            measure = _Measure(context.document)

            def lists(selections: SelectionSetNode, inside: bool, visiting: frozenset[str]) -> int:
                best = 0
                for sel in selections.selections:
                    if isinstance(sel, FieldNode):
                        name = sel.name.value
                        here = inside or name in ("__schema", "__type")
                        if sel.selection_set is None:
                            continue
                        own = 1 if inside and name in INTROSPECTION_LISTS else 0
                        best = max(best, own + lists(sel.selection_set, here, visiting))
                    elif isinstance(sel, InlineFragmentNode):
                        best = max(best, lists(sel.selection_set, inside, visiting))
                    else:
                        best = max(best, measure.spread(sel.name.value, inside, visiting, lists))
                return best

            nesting = max(
                (
                    lists(op.selection_set, False, frozenset())
                    for op in context.document.definitions
                    if isinstance(op, OperationDefinitionNode)
                ),
                default=0,
            )
            # roots are counted per document node: a repeated spread of one fragment
            # holding __schema is merged into one field by GraphQL, so it runs once
            roots = sum(
                1
                for node in _field_nodes(context.document)
                if node.name.value in ("__schema", "__type")
            )
            if nesting > MAX_INTROSPECTION_LISTS:
                context.report_error(
                    GraphQLError(
                        f"introspection nests {nesting} lists (types, fields, args...); "
                        f"at most {MAX_INTROSPECTION_LISTS} are allowed"
                    )
                )
            if max_roots is not None and roots > max_roots:
                context.report_error(
                    GraphQLError(
                        f"introspection is limited to {max_roots} __schema or __type field "
                        f"per request (found {roots}); set debug for development"
                    )
                )

    return IntrospectionRule


def _field_nodes(document: DocumentNode) -> Iterator[FieldNode]:
    stack: list[SelectionSetNode] = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    while stack:
        for sel in stack.pop().selections:
            if isinstance(sel, FieldNode):
                yield sel
            if isinstance(sel, FieldNode | InlineFragmentNode) and sel.selection_set:
                stack.append(sel.selection_set)


def cost_rule(max_cost: int, list_estimate: int) -> type[ValidationRule]:
    """A validation rule rejecting operations whose estimated cost exceeds ``max_cost``.

    Each field costs 1 per time it may be resolved: a list field multiplies its children by
    its ``first`` argument (the maximum when it is a variable), else by ``list_estimate``
    (a connection's edges are already counted by its ``first``);
    ``depth`` and ``maxLength`` multiply by their value; a field of :data:`COSTLY_FIELDS`
    adds ``COSTLY_SHARE`` of ``max_cost``. Fragments are expanded, so they cannot hide cost.
    """
    costly = int(max_cost * COSTLY_SHARE)

    class QueryCostRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            root = self.context.schema.get_root_type(node.operation)
            if root is None:
                return
            cost = self._cost(node.selection_set, root, 1, frozenset())
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"query cost {cost:,} exceeds the limit of {max_cost:,}: ask for "
                        "fewer items (first:) or fewer nested lists",
                        node,
                    )
                )

        def _cost(
            self,
            selections: SelectionSetNode | None,
            parent: GraphQLNamedType,
            mult: int,
            fragments: frozenset[str],
        ) -> int:
            if selections is None or mult > max_cost:
                return mult
            total = 0
            for sel in selections.selections:
                if isinstance(sel, FieldNode):
                    total += self._field_cost(sel, parent, mult, fragments)
                elif isinstance(sel, InlineFragmentNode):
                    cond = sel.type_condition
                    target = self.context.schema.get_type(cond.name.value) if cond else parent
                    total += self._cost(sel.selection_set, target or parent, mult, fragments)
                elif isinstance(sel, FragmentSpreadNode):
                    name = sel.name.value
                    frag = self.context.get_fragment(name)
                    if frag is None or name in fragments:
                        continue
                    target = self.context.schema.get_type(frag.type_condition.name.value)
                    total += self._cost(
                        frag.selection_set, target or parent, mult, fragments | {name}
                    )
                if total > max_cost:
                    break
            return total

        def _field_cost(
            self, sel: FieldNode, parent: GraphQLNamedType, mult: int, fragments: frozenset[str]
        ) -> int:
            fields = getattr(parent, "fields", None)
            field_def = fields.get(sel.name.value) if fields else None
            if field_def is None:
                return mult
            inner = mult * self._size(sel, field_def)
            own = mult
            key = (parent.name, sel.name.value)
            if key in COSTLY_FIELDS:
                argument = COSTLY_FIELDS[key]
                given = {arg.name.value for arg in sel.arguments or ()}
                if argument is None or argument in given:
                    own = mult * (1 + costly)
            return own + self._cost(
                sel.selection_set, get_named_type(field_def.type), inner, fragments
            )

        def _size(self, sel: FieldNode, field_def: Any) -> int:
            """Items one selection may return: its size arguments as given (a variable
            counts as the cap), else their schema defaults (``subjects(first = 20)``)."""
            field_type = field_def.type
            given = {arg.name.value: arg.value for arg in sel.arguments or ()}
            size = 1
            for name, cap in SIZE_ARGUMENTS.items():
                if name in given:
                    node = given[name]
                    value = int(node.value) if isinstance(node, IntValueNode) else cap
                else:
                    arg_def = field_def.args.get(name) if field_def.args else None
                    default = getattr(arg_def, "default_value", None)
                    if not isinstance(default, int) or isinstance(default, bool):
                        continue
                    value = default
                size *= max(1, min(value, cap))
            if size == 1 and not get_named_type(field_type).name.endswith("Edge"):
                unwrapped = (
                    field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
                )
                if isinstance(unwrapped, GraphQLList):
                    size = list_estimate
            return size

    return QueryCostRule


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
        context.graphql_document = self.shared.parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.pre_execution_errors = self.shared.validate(
            context.schema._schema, context.graphql_document, context.validation_rules
        )
        yield


class SharedLimits:
    """What every request's :class:`Limits` shares: rule classes and bounded LRU caches."""

    def __init__(self, settings: Settings) -> None:
        self.max_tokens = settings.max_tokens
        rules: list[type[ASTValidationRule]] = [
            depth_rule(settings.max_depth),
            alias_rule(settings.max_aliases),
            cost_rule(settings.max_cost, settings.list_estimate),
        ]
        if not settings.introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        else:
            roots = None if settings.debug else PRODUCTION_INTROSPECTION_ROOTS
            rules.append(introspection_rule(roots))
        self.rules = tuple(rules)
        self.parse = lru_cache(maxsize=settings.parser_cache_size)(parse)
        self.validate = lru_cache(maxsize=settings.parser_cache_size)(validate_document)


def extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Extension factories for a schema under ``settings`` (made per request)."""
    shared = SharedLimits(settings)
    out: list[Callable[[], SchemaExtension]] = [lambda: Limits(shared)]
    if not settings.debug:
        out.append(lambda: MaskErrors(should_mask_error=should_mask_error))
    return out
