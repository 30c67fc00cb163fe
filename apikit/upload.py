"""File uploads in GraphQL (the graphql-multipart-request-spec, v2.1).

A multipart request carries ``operations`` (the usual JSON body, with ``null`` where each file goes), ``map``
(``{"0": ["variables.file"]}``: which part goes where) and the file parts. ``place_files`` puts each uploaded
file into the operations before they run; the ``Upload`` scalar hands it to the resolver. Files can only arrive
as variables: there is no literal for a file in a query text.
"""

from typing import Any

import graphene
from django.core.files.uploadedfile import UploadedFile
from graphql import GraphQLError

from .errors import RequestErrorCode


class Upload(graphene.Scalar):
    """A file sent as a part of a multipart request (graphql-multipart-request-spec)."""

    @staticmethod
    def serialize(value):
        return None

    @staticmethod
    def parse_literal(node, _variables=None):
        # A GraphQLError, not a ValueError: the engine reports it as the caller's mistake, typed, not as a crash.
        raise GraphQLError(
            "A file can only be sent as a variable of a multipart request.",
            extensions={"code": RequestErrorCode.BAD_INPUT.value},
        )

    @staticmethod
    def parse_value(value):
        if not isinstance(value, UploadedFile):
            raise GraphQLError(
                "Expected a file part of a multipart request.",
                extensions={"code": RequestErrorCode.BAD_INPUT.value},
            )
        return value


class MultipartError(ValueError):
    """The multipart request does not follow the specification (the message says how)."""


def place_files(operations: Any, mapping: Any, files) -> Any:
    """Put each file of ``files`` (a Django MultiValueDict) where ``mapping`` says, in ``operations``."""
    if not isinstance(operations, (dict, list)):
        raise MultipartError("'operations' must be a JSON object or list.")
    if not isinstance(mapping, dict):
        raise MultipartError("'map' must be a JSON object of file part names to lists of paths.")
    for key, paths in mapping.items():
        if key not in files:
            raise MultipartError(f"The file part {key!r} named in 'map' is missing.")
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
            raise MultipartError(f"'map' entry {key!r} must be a non-empty list of paths.")
        for path in paths:
            _set(operations, path, files[key])
    return operations


def _set(operations: Any, path: str, value) -> None:
    *parents, last = path.split(".")
    node = operations
    for part in parents:
        node = _step(node, part, path)
    if isinstance(node, list):
        index = _index(node, last, path)
        if node[index] is not None:
            raise MultipartError(f"The path {path!r} must point at a null in 'operations'.")
        node[index] = value
    elif isinstance(node, dict) and last in node and node[last] is None:
        node[last] = value
    else:
        raise MultipartError(f"The path {path!r} must point at a null in 'operations'.")


def _step(node: Any, part: str, path: str) -> Any:
    if isinstance(node, list):
        return node[_index(node, part, path)]
    if isinstance(node, dict) and isinstance(node.get(part), (dict, list)):
        return node[part]
    raise MultipartError(f"The path {path!r} does not exist in 'operations'.")


def _index(node: list, part: str, path: str) -> int:
    if not part.isdigit() or int(part) >= len(node):
        raise MultipartError(f"The path {path!r} does not exist in 'operations'.")
    return int(part)
