"""Shared GraphQL building blocks: the Node interface, connections with a total count, JSON text."""

import json

import graphene
from django.conf import settings
from graphene import relay
from graphql import GraphQLError, StringValueNode, Undefined
from graphql_relay import to_global_id

from .errors import RequestErrorCode
from .rules import check_texts, json_depth


def strict_global_id(global_id) -> tuple[str, str] | None:
    """(type name, raw id) of a global id written exactly as this server writes them, else None.

    base64 decoding skips what is not in its alphabet, so ``<id>\\x00``, ``<id>!!`` or `` <id>`` would resolve
    as ``<id>``: an id is taken only when encoding it back gives the same text."""
    if not isinstance(global_id, str):
        return None
    try:
        type_name, raw_id = relay.Node.resolve_global_id(None, global_id)
    except Exception:  # noqa: BLE001 - graphene raises bare Exception on undecodable ids
        return None
    if not type_name or not str(raw_id).isdigit() or to_global_id(type_name, raw_id) != global_id:
        return None
    return type_name, str(raw_id)


class Node(relay.Node):
    """Relay's Node, answering ``null`` for every id it cannot resolve.

    A malformed id, an id of another type, a row that does not exist and a row the caller may not see all
    give the same answer, so that a node lookup cannot be used to learn that something exists.
    """

    class Meta:
        name = "Node"

    @classmethod
    def get_node_from_global_id(cls, info, global_id, only_type=None):
        decoded = strict_global_id(global_id)
        if decoded is None:
            return None
        type_name, raw_id = decoded
        graphene_type = info.schema.get_type(type_name)
        if graphene_type is None or not str(raw_id).isdigit():
            return None
        graphene_type = graphene_type.graphene_type
        if only_type and graphene_type is not only_type:
            return None
        if cls not in getattr(graphene_type._meta, "interfaces", ()):
            return None
        return graphene_type.get_node(info, raw_id)


def decode_id(global_id: str, expected_type: str) -> int | None:
    """The database id inside a global id of ``expected_type``, or None for anything else."""
    decoded = strict_global_id(global_id)
    if decoded is None or decoded[0] != expected_type:
        return None
    return int(decoded[1])


class CountableConnection(relay.Connection):
    class Meta:
        abstract = True

    total_count = graphene.Int(required=True, description="Number of rows across all pages.")

    @staticmethod
    def resolve_total_count(root, info):
        return root.length


def check_json(data):
    """``data`` (decoded JSON) obeys the limits of every other input: nesting within ``GRAPHQL_MAX_JSON_DEPTH``,
    no NUL or lone surrogate, texts within their length. Raises the typed GraphQLError otherwise."""
    if not json_depth(data, settings.GRAPHQL_MAX_JSON_DEPTH):
        raise GraphQLError(
            f"The JSON nests deeper than {settings.GRAPHQL_MAX_JSON_DEPTH} levels.",
            extensions={"code": RequestErrorCode.BAD_INPUT.value},
        )
    problem = check_texts(data)
    if problem:
        raise problem
    return data


def strict_json(text: str):
    """Decode ``text`` strictly (``check_json``). Raises ValueError when it is not JSON at all, so that a caller
    may treat that case its own way."""
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise GraphQLError(
            "The JSON nests too deep.", extensions={"code": RequestErrorCode.BAD_INPUT.value}
        ) from exc
    return check_json(data)


class JSONString(graphene.JSONString):
    """A JSON document sent as a string. Decoded strictly: what it holds obeys the limits of every other
    input (no NUL or lone surrogate, texts within their length, nesting within ``GRAPHQL_MAX_JSON_DEPTH``)."""

    @staticmethod
    def parse_value(value):
        if not isinstance(value, str):
            raise GraphQLError(
                "Expected a JSON document in a string.", extensions={"code": RequestErrorCode.BAD_INPUT.value}
            )
        try:
            return strict_json(value)
        except ValueError as exc:
            raise GraphQLError(
                "The text is not valid JSON.", extensions={"code": RequestErrorCode.BAD_INPUT.value}
            ) from exc

    @classmethod
    def parse_literal(cls, node, _variables=None):
        if isinstance(node, StringValueNode):
            return cls.parse_value(node.value)
        return Undefined
