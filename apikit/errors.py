"""Error codes of the GraphQL layer itself (request-level), and the typed error for domain failures."""

from enum import Enum, StrEnum


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
    UNAUTHENTICATED = "UNAUTHENTICATED"
    NOT_FOUND = "NOT_FOUND"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    # A subscription ended because the event bus (Redis) was lost: events may have been missed; resubscribe.
    EVENTS_INTERRUPTED = "EVENTS_INTERRUPTED"


class DomainGraphQLError(Exception):
    """Raised by a resolver for an expected failure; reaches the client with its code, never a trace."""

    def __init__(self, code: RequestErrorCode | str, message: str):
        super().__init__(message)
        self.code = code.value if isinstance(code, Enum) else code
