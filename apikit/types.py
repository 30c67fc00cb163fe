"""Shared GraphQL building blocks: the Node interface, connections with a total count."""

import graphene
from graphene import relay
from graphql_relay import to_global_id


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
