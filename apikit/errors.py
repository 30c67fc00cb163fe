"""Error codes of the GraphQL layer itself (request-level); a mutation's field errors are its own enums."""

from enum import StrEnum

from django.utils.translation import gettext as _
from graphql import GraphQLError


class RequestErrorCode(StrEnum):
    """Codes in ``errors[].extensions.code`` for errors that are not a mutation's field errors."""

    BAD_REQUEST = "BAD_REQUEST"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    DOCUMENT_TOO_LARGE = "DOCUMENT_TOO_LARGE"
    TOO_MANY_OPERATIONS = "TOO_MANY_OPERATIONS"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    BAD_INPUT = "BAD_INPUT"
    INVALID_INPUT = "INVALID_INPUT"
    REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
    RATE_LIMITED = "RATE_LIMITED"
    TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
    CSRF_FAILED = "CSRF_FAILED"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    NOT_FOUND = "NOT_FOUND"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    # A subscription ended because the event bus (Redis) was lost: events may have been missed; resubscribe.
    EVENTS_INTERRUPTED = "EVENTS_INTERRUPTED"


def sign_in_first() -> str:
    """What a caller without valid credentials is told, in its language."""
    return _("Sign in first.")


def unauthenticated() -> GraphQLError:
    """The error of a query field that needs a signed-in caller (``raise unauthenticated()``)."""
    return GraphQLError(sign_in_first(), extensions={"code": RequestErrorCode.UNAUTHENTICATED.value})
