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
    FieldNode,
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
    ValidationRule,
    get_named_type,
    parse,
)
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.schema.schema import validate_document

from govgraph.api.settings import Settings
from govgraph.graph.errors import GovgraphError

SIZE_ARGUMENTS = {"first": 500, "depth": 3, "maxLength": 8}
"""Arguments that bound a list, with the largest value each accepts (used for variables)."""


def cost_rule(max_cost: int, list_estimate: int) -> type[ValidationRule]:
    """A validation rule rejecting operations whose estimated cost exceeds ``max_cost``.

    Each field costs 1 per time it may be resolved: a list field multiplies its children by
    its ``first`` argument (the maximum when it is a variable), else by ``list_estimate``
    (a connection's edges are already counted by its ``first``);
    ``depth`` and ``maxLength`` multiply by their value. Fragments are expanded, so they
    cannot hide cost.
    """

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
            inner = mult * self._size(sel, field_def.type)
            return mult + self._cost(
                sel.selection_set, get_named_type(field_def.type), inner, fragments
            )

        def _size(self, sel: FieldNode, field_type: Any) -> int:
            size = 1
            for arg in sel.arguments or ():
                name = arg.name.value
                if name not in SIZE_ARGUMENTS:
                    continue
                value = SIZE_ARGUMENTS[name]
                if isinstance(arg.value, IntValueNode):
                    value = max(1, min(int(arg.value.value), value))
                size *= value
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
    error) and the product's own errors keep their message, so a typo gets a useful answer."""
    original = error.original_error
    return original is not None and not isinstance(original, GovgraphError)


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
            depth_validator(settings.max_depth, None, None),
            alias_validator(settings.max_aliases),
            cost_rule(settings.max_cost, settings.list_estimate),
        ]
        if not settings.introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
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
