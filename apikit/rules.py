"""Validation rules that bound what one document may ask for, checked before anything executes.

The specification's own rules always run: graphql-core's ``validate`` takes the full list, and a list without
them would stop rejecting unknown fields or fragment cycles.
"""

import functools

from django.conf import settings
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValidationRule,
    VariableNode,
    parse,
    specified_rules,
    validate,
    value_from_ast_untyped,
)
from graphql.error import GraphQLSyntaxError
from graphql_relay import cursor_to_offset, offset_to_cursor

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
                self.report_error(
                    GraphQLError(
                        f"The operation is nested deeper than {max_depth} levels.",
                        node,
                        extensions={"code": RequestErrorCode.QUERY_TOO_DEEP.value},
                    )
                )
            else:
                self.report_error(
                    GraphQLError(
                        f"The operation selects more than {max_fields} fields.",
                        node,
                        extensions={"code": RequestErrorCode.QUERY_TOO_COMPLEX.value},
                    )
                )


class NoIntrospectionRule(ValidationRule):
    """Refuses ``__schema`` and ``__type`` (``__typename`` stays allowed)."""

    def enter_field(self, node: FieldNode, *_args):
        if node.name.value in INTROSPECTION_ROOTS:
            self.report_error(
                GraphQLError(
                    "Introspection is disabled on this server.",
                    node,
                    extensions={"code": RequestErrorCode.INTROSPECTION_DISABLED.value},
                )
            )


class TextLiteralRule(ValidationRule):
    """Refuses a NUL or a lone surrogate in any string literal of the document (arguments, input objects, lists,
    directives, variable defaults): escapes such as ``\\u0000`` make them out of plain text (INVALID_INPUT)."""

    def enter_string_value(self, node: StringValueNode, *_args):
        problem = text_problem(node.value)
        if problem:
            self.report_error(
                GraphQLError(problem, node, extensions={"code": RequestErrorCode.INVALID_INPUT.value})
            )


def validation_rules() -> tuple[type[ValidationRule], ...]:
    # Text first: a NUL inside a literal that also fails its type is INVALID_INPUT, whatever its type.
    rules: tuple[type[ValidationRule], ...] = (TextLiteralRule, *specified_rules, QueryComplexityRule)
    if not settings.GRAPHQL_INTROSPECTION:
        rules += (NoIntrospectionRule,)
    return rules


def checked_document(schema: GraphQLSchema, query: str):
    """``(document, syntax error, validation errors)`` of ``query``, parsed and validated once per process
    and text: phones send the same few documents all day, and an abusive client that repeats one is refused
    without the parse and the validation again. The rules' settings are part of the key. What depends on the
    variables (cost, page sizes, texts) is checked on every request, after this."""
    global _checked
    if _checked is None:
        _checked = functools.lru_cache(maxsize=settings.GRAPHQL_DOCUMENT_CACHE_SIZE)(_parse_and_validate)
    limits = (settings.GRAPHQL_INTROSPECTION, settings.GRAPHQL_MAX_DEPTH, settings.GRAPHQL_MAX_FIELDS)
    return _checked(schema, query, limits)


def _parse_and_validate(schema: GraphQLSchema, query: str, _limits: tuple):
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        return None, exc, []
    return document, None, validate(schema, document, validation_rules())


_checked = None


# --- Cost and input checks (they need the variables, so they run after validation, before execution) -----

SEARCH_ARGUMENTS = {"search", "query", "q"}
PAGE_ARGUMENTS = {"first", "last"}
CURSOR_ARGUMENTS = {"after", "before"}


def is_cursor(value: str) -> bool:
    """A connection cursor as graphene writes them (``arrayconnection:<offset ≥ 0>`` in base64): anything else
    would reach graphene-django's slicing as None and fail there."""
    offset = cursor_to_offset(value)
    return offset is not None and offset >= 0 and offset_to_cursor(offset) == value


def text_problem(value: str) -> str | None:
    """Why a text cannot be taken (a NUL, a lone surrogate: neither survives storage or UTF-8), or None."""
    if "\x00" in value:
        return "A text may not contain a NUL character."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "A text may not contain a lone surrogate (it is not Unicode)."
    return None


def json_depth(value, limit: int) -> bool:
    """True when ``value`` (parsed JSON) nests no deeper than ``limit``; iterative, so it cannot overflow."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            if depth > limit:
                return False
            stack.extend((child, depth + 1) for child in node if isinstance(child, (dict, list)))
    return True


def check_variables(variables) -> GraphQLError | None:
    """NUL, lone surrogates (INVALID_INPUT), over-long texts and too deep nesting (BAD_INPUT) in variables."""
    if variables is None:
        return None
    if not json_depth(variables, settings.GRAPHQL_MAX_JSON_DEPTH):
        return GraphQLError(
            f"Variables nest deeper than {settings.GRAPHQL_MAX_JSON_DEPTH} levels.",
            extensions={"code": RequestErrorCode.BAD_INPUT.value},
        )
    return check_texts(variables)


def check_texts(value) -> GraphQLError | None:
    """NUL, lone surrogates (INVALID_INPUT) and over-long texts (BAD_INPUT) anywhere in parsed JSON, keys too."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            problem = text_problem(node)
            if problem:
                return GraphQLError(problem, extensions={"code": RequestErrorCode.INVALID_INPUT.value})
            if len(node) > settings.GRAPHQL_MAX_TEXT_CHARS:
                return GraphQLError(
                    f"A text may hold at most {settings.GRAPHQL_MAX_TEXT_CHARS} characters.",
                    extensions={"code": RequestErrorCode.BAD_INPUT.value},
                )
    return None


def _argument_value(node, variables: dict, defaults: dict):
    if isinstance(node, VariableNode):
        name = node.name.value
        return variables[name] if name in variables else defaults.get(name)
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, StringValueNode):
        return node.value
    return None


def _is_connection(type_) -> bool:
    return isinstance(type_, GraphQLObjectType) and "edges" in type_.fields and "pageInfo" in type_.fields


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode | None,
    variables: dict | None,
    *,
    budget: int | None = None,
) -> tuple[int, GraphQLError | None]:
    """The cost of ``operation`` and the first bad argument found on the way (or None). With a ``budget`` the
    walk stops at the first root field that passes it: the cost returned is then only "more than the budget",
    and an abusive operation is refused for the price of the fields that sufficed.

    Each object field costs 1 (a declared cost in ``GRAPHQL_FIELD_COSTS`` for root fields that do more work);
    what it selects is multiplied by the page it asks for (``first``/``last``, else
    ``GRAPHQL_UNBOUNDED_LIST_COST`` for a list). Aliases are separate fields, so they multiply. The walk runs
    on a validated document, already bounded in depth and fields.
    """
    if operation is None:
        return 0, None
    variables = variables or {}
    defaults = {
        d.variable.name.value: value_from_ast_untyped(d.default_value)
        for d in operation.variable_definitions or ()
        if d.default_value is not None
    }
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = schema.get_root_type(operation.operation)
    page_limit = settings.GRAPHQL_MAX_PAGE_SIZE
    declared = settings.GRAPHQL_FIELD_COSTS
    problem: list[GraphQLError] = []

    def bad(message: str, node, code=RequestErrorCode.BAD_INPUT) -> int:
        if not problem:
            problem.append(GraphQLError(message, node, extensions={"code": code.value}))
        return 0

    def selection_cost(selection_set, parent, seen: frozenset[str]) -> int:
        return sum(one_cost(selection, parent, seen) for selection in selection_set.selections)

    def one_cost(selection, parent, seen: frozenset[str]) -> int:
        if isinstance(selection, FieldNode):
            return field_cost(selection, parent, seen)
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            inner = schema.get_type(condition.name.value) if condition else parent
            return selection_cost(selection.selection_set, inner or parent, seen)
        if isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                inner = schema.get_type(fragment.type_condition.name.value) or parent
                return selection_cost(fragment.selection_set, inner, seen | {name})
        return 0

    def field_cost(node: FieldNode, parent, seen) -> int:
        name = node.name.value
        fields = getattr(parent, "fields", None) or {}
        definition = fields.get(name)
        for argument in node.arguments or ():
            value = _argument_value(argument.value, variables, defaults)
            arg = argument.name.value
            if isinstance(value, str):
                message = text_problem(value)
                if message:
                    return bad(message, argument, RequestErrorCode.INVALID_INPUT)
                limit = (
                    settings.GRAPHQL_MAX_SEARCH_CHARS
                    if arg in SEARCH_ARGUMENTS
                    else settings.GRAPHQL_MAX_TEXT_CHARS
                )
                if len(value) > limit:
                    return bad(f"'{arg}' may hold at most {limit} characters.", argument)
            if arg in PAGE_ARGUMENTS and isinstance(value, int) and not 1 <= value <= page_limit:
                return bad(f"'{arg}' must be between 1 and {page_limit}.", argument)
            if arg in CURSOR_ARGUMENTS and isinstance(value, str) and not is_cursor(value):
                return bad(f"'{arg}' is not a cursor this server gave.", argument)
        if definition is None:
            return 0
        type_ = definition.type
        multiplier = 1
        in_connection = _is_connection(parent) and name == "edges"  # the page size is the connection's
        while isinstance(type_, (GraphQLNonNull, GraphQLList)):
            if isinstance(type_, GraphQLList) and not in_connection:
                multiplier *= settings.GRAPHQL_UNBOUNDED_LIST_COST
            type_ = type_.of_type
        if node.selection_set is None:
            return 0  # a scalar or an enum: paid for by its object
        if _is_connection(type_) or multiplier > 1:
            pages = [
                _argument_value(a.value, variables, defaults)
                for a in node.arguments or ()
                if a.name.value in PAGE_ARGUMENTS
            ]
            pages = [p for p in pages if isinstance(p, int)]
            multiplier = max(pages) if pages else (multiplier if multiplier > 1 else page_limit)
        own = declared.get(name, 1) if parent is root else 1
        return own + multiplier * selection_cost(node.selection_set, type_, seen)

    cost = 0
    for selection in operation.selection_set.selections:  # root fields one by one, to stop over the budget
        cost += one_cost(selection, root, frozenset())
        if budget is not None and cost > budget:
            break
    return cost, (problem[0] if problem else None)


def sign_ins(operation: OperationDefinitionNode | None) -> int:
    """How many root fields of ``operation`` sign in (``RATE_LIMIT_SIGN_IN_FIELDS``): counted per address."""
    if operation is None:
        return 0
    return sum(
        1
        for selection in operation.selection_set.selections
        if isinstance(selection, FieldNode) and selection.name.value in settings.RATE_LIMIT_SIGN_IN_FIELDS
    )


def too_costly(cost: int, limit: int, *, request: bool = False) -> GraphQLError:
    scope = "request" if request else "operation"
    return GraphQLError(
        f"The {scope} costs at least {cost} points; the limit is {limit}.",
        extensions={"code": RequestErrorCode.QUERY_TOO_COSTLY.value, "cost": cost, "limit": limit},
    )
