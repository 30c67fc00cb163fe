"""Validation rules that bound what one document may ask for, checked before anything executes.

The specification's own rules always run first: graphql-core's ``validate`` takes the full list, and a
list without them would stop rejecting unknown fields or fragment cycles.
"""

from django.conf import settings
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    specified_rules,
)

from .errors import RequestErrorCode

INTROSPECTION_ROOTS = {"__schema", "__type"}


class _TooBig(Exception):
    pass


class QueryComplexityRule(ValidationRule):
    """Rejects an operation nested deeper than ``GRAPHQL_MAX_DEPTH`` or selecting more than
    ``GRAPHQL_MAX_FIELDS`` fields (aliases count, fragments are expanded where they are spread).

    The walk stops as soon as a limit is passed, so a fragment bomb costs no more than the limit. Unknown
    fragments and fragment cycles are left to the specification's rules (no crash here).
    """

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
        max_depth = settings.GRAPHQL_MAX_DEPTH
        max_fields = settings.GRAPHQL_MAX_FIELDS
        state = {"fields": 0, "depth": 0}

        def walk(selection_set: SelectionSetNode | None, depth: int, fragments_seen: frozenset[str]) -> None:
            if selection_set is None:
                return
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    if selection.name.value in INTROSPECTION_ROOTS:
                        continue  # bounded by the schema itself, and refused outright when introspection is off
                    state["fields"] += 1
                    state["depth"] = max(state["depth"], depth)
                    if state["fields"] > max_fields or state["depth"] > max_depth:
                        raise _TooBig
                    walk(selection.selection_set, depth + 1, fragments_seen)
                elif isinstance(selection, InlineFragmentNode):
                    walk(selection.selection_set, depth, fragments_seen)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.context.get_fragment(name)
                    if fragment is None or name in fragments_seen:
                        continue
                    walk(fragment.selection_set, depth, fragments_seen | {name})

        try:
            walk(node.selection_set, 1, frozenset())
        except _TooBig:
            if state["depth"] > max_depth:
                self.report_error(GraphQLError(
                    f"The operation is nested deeper than {max_depth} levels.", node,
                    extensions={"code": RequestErrorCode.QUERY_TOO_DEEP.value},
                ))
            else:
                self.report_error(GraphQLError(
                    f"The operation selects more than {max_fields} fields.", node,
                    extensions={"code": RequestErrorCode.QUERY_TOO_COMPLEX.value},
                ))


class NoIntrospectionRule(ValidationRule):
    """Refuses ``__schema`` and ``__type`` (``__typename`` stays allowed)."""

    def enter_field(self, node: FieldNode, *_args):
        if node.name.value in INTROSPECTION_ROOTS:
            self.report_error(GraphQLError(
                "Introspection is disabled on this server.", node,
                extensions={"code": RequestErrorCode.INTROSPECTION_DISABLED.value},
            ))


def validation_rules() -> tuple[type[ValidationRule], ...]:
    rules: tuple[type[ValidationRule], ...] = (*specified_rules, QueryComplexityRule)
    if not settings.GRAPHQL_INTROSPECTION:
        rules += (NoIntrospectionRule,)
    return rules
