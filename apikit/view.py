"""The /graphql/ endpoint, following the GraphQL-over-HTTP specification.

- GET runs queries only (a mutation over GET answers 405); POST takes ``application/json`` (one operation
  or a batch list) and ``application/graphql``.
- The response media type follows ``Accept``: ``application/graphql-response+json`` when asked for, else
  ``application/json`` (also for ``*/*`` and no Accept at all); 406 when neither can be given.
- Status codes: a malformed request (bad JSON, no query) is 400. A document that fails to parse or validate
  (abuse limits included) is 400 under ``application/graphql-response+json`` and 200 under
  ``application/json``. A document that executed is 200, with any field errors beside its data.
- POST ``multipart/form-data`` carries files (graphql-multipart-request-spec, see ``upload.py``).
- Abuse limits (document size, batch size, depth, field count, introspection) reject before anything runs.
- An unexpected exception is logged with its trace; the client sees a generic error and the request id.
"""

import json
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from graphene_django.views import GraphQLView as GrapheneView
from graphql import (
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute,
    get_operation_ast,
    parse,
    validate,
)
from graphql.error import GraphQLSyntaxError

from .errors import DomainGraphQLError, RequestErrorCode
from .rules import validation_rules
from .upload import MultipartError, place_files

logger = structlog.get_logger("backend.graphql")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"


class RequestRejected(Exception):
    """A request that is rejected before execution, with its HTTP status and a typed error."""

    def __init__(self, status: int, code: RequestErrorCode, message: str, *, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def negotiate_media_type(request: HttpRequest) -> str | None:
    accept = request.headers.get("Accept", "").strip()
    if not accept:
        return APPLICATION_JSON
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, quality = fields[0].lower(), 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, media))
    for _q, _pos, media in sorted(ranked):
        if media == GRAPHQL_RESPONSE_JSON:
            return GRAPHQL_RESPONSE_JSON
        if media in (APPLICATION_JSON, "application/*", "*/*"):
            return APPLICATION_JSON
    return None


def request_id() -> str | None:
    return structlog.contextvars.get_contextvars().get("request_id")


def format_error(error: GraphQLError) -> dict[str, Any]:
    """Typed errors pass through; anything unexpected becomes a generic error with the request id."""
    original = error.original_error
    if original is None or isinstance(original, (GraphQLError, DomainGraphQLError)):
        formatted = error.formatted
        if original is None and not error.path and "code" not in (formatted.get("extensions") or {}):
            formatted["extensions"] = {"code": RequestErrorCode.GRAPHQL_VALIDATION_FAILED.value}
        if isinstance(original, DomainGraphQLError):
            formatted["extensions"] = {**(formatted.get("extensions") or {}), "code": original.code}
        return formatted
    rid = request_id()
    logger.error(
        "graphql_unexpected_error", path=error.path, request_id=rid,
        exc_info=(type(original), original, original.__traceback__),
    )
    formatted = {
        "message": "Internal server error. Quote the request id when you report it.",
        "extensions": {"code": RequestErrorCode.INTERNAL_ERROR.value, "requestId": rid},
    }
    if error.locations:
        formatted["locations"] = [loc._asdict() for loc in error.locations]
    if error.path:
        formatted["path"] = error.path
    return formatted


def typed_error(code: RequestErrorCode, message: str) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code.value}}


class GraphQLHTTPView(GrapheneView):
    graphiql = False

    def __init__(self, **kwargs):
        kwargs.setdefault("graphiql", settings.GRAPHQL_GRAPHIQL)
        super().__init__(**kwargs)

    @method_decorator(ensure_csrf_cookie)
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "POST"):
            return self.plain_error(405, RequestErrorCode.METHOD_NOT_ALLOWED,
                                    "GraphQL accepts GET and POST.", headers={"Allow": "GET, POST"})
        if self.graphiql and request.method == "GET" and self.request_wants_html(request) \
                and "query" not in request.GET:
            return super().dispatch(request, *args, **kwargs)
        media_type = negotiate_media_type(request)
        if media_type is None:
            return self.plain_error(406, RequestErrorCode.NOT_ACCEPTABLE,
                                    f"Accept {GRAPHQL_RESPONSE_JSON} or {APPLICATION_JSON}.")
        try:
            payload = self.read_request(request)
            if isinstance(payload, list):
                limit = settings.GRAPHQL_MAX_BATCH_OPERATIONS
                if not payload:
                    raise RequestRejected(400, RequestErrorCode.BAD_REQUEST, "An empty batch holds no operation.")
                if len(payload) > limit:
                    raise RequestRejected(
                        400, RequestErrorCode.TOO_MANY_OPERATIONS,
                        f"A batch may hold at most {limit} operations; this one holds {len(payload)}.",
                    )
                results = [self.run_one(request, item, media_type) for item in payload]
                status = max(status for _body, status in results)
                body = [body for body, _status in results]
            else:
                body, status = self.run_one(request, payload, media_type)
        except RequestRejected as rejected:
            return self.plain_error(rejected.status, rejected.code, rejected.message,
                                    headers=rejected.headers, media_type=media_type)
        return self.respond(body, status, media_type)

    # --- request parsing ------------------------------------------------------------------------------

    def read_request(self, request: HttpRequest) -> dict | list:
        if request.method == "GET":
            return {key: request.GET.get(key) for key in ("query", "variables", "operationName")}
        content_type = request.content_type.lower()
        if content_type == "application/graphql":
            return {"query": request.body.decode("utf-8", errors="replace")}
        if content_type == APPLICATION_JSON:
            if len(request.body) > settings.GRAPHQL_MAX_DOCUMENT_BYTES * 4:
                raise RequestRejected(
                    413, RequestErrorCode.DOCUMENT_TOO_LARGE,
                    f"The request body is larger than {settings.GRAPHQL_MAX_DOCUMENT_BYTES * 4} bytes.",
                )
            try:
                data = json.loads(request.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise RequestRejected(400, RequestErrorCode.BAD_REQUEST, "The body is not valid JSON.") from exc
            if not isinstance(data, (dict, list)):
                raise RequestRejected(400, RequestErrorCode.BAD_REQUEST, "The body must be a JSON object or list.")
            return data
        if content_type == "multipart/form-data":
            limit = settings.UPLOAD_MAX_REQUEST_BYTES
            if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
                raise RequestRejected(413, RequestErrorCode.DOCUMENT_TOO_LARGE,
                                      f"A multipart request may hold at most {limit} bytes.")
            if "operations" in request.POST:
                return self.read_multipart(request)
        raise RequestRejected(415, RequestErrorCode.UNSUPPORTED_MEDIA_TYPE,
                              f"POST {APPLICATION_JSON}, application/graphql or multipart/form-data with files.")

    def read_multipart(self, request: HttpRequest) -> dict | list:
        """File uploads: the graphql-multipart-request-spec (``operations``, ``map`` and the file parts)."""
        try:
            operations = json.loads(request.POST["operations"])
            mapping = json.loads(request.POST.get("map") or "{}")
            return place_files(operations, mapping, request.FILES)
        except ValueError as exc:  # bad JSON, or a map that does not fit (MultipartError)
            message = str(exc) if isinstance(exc, MultipartError) else "'operations' and 'map' must be JSON."
            raise RequestRejected(400, RequestErrorCode.BAD_REQUEST, message) from exc

    # --- one operation ---------------------------------------------------------------------------------

    def run_one(self, request: HttpRequest, data: Any, media_type: str) -> tuple[dict, int]:
        invalid_status = 400 if media_type == GRAPHQL_RESPONSE_JSON else 200
        if not isinstance(data, dict):
            raise RequestRejected(400, RequestErrorCode.BAD_REQUEST, "Each operation must be a JSON object.")
        query = data.get("query")
        if not isinstance(query, str) or not query.strip():
            return {"errors": [typed_error(RequestErrorCode.BAD_REQUEST, "Provide a query string.")]}, invalid_status
        variables = data.get("variables")
        if isinstance(variables, str):
            try:
                variables = json.loads(variables) if variables else None
            except ValueError as exc:
                raise RequestRejected(400, RequestErrorCode.BAD_REQUEST, "Variables are not valid JSON.") from exc
        if variables is not None and not isinstance(variables, dict):
            raise RequestRejected(400, RequestErrorCode.BAD_REQUEST, "Variables must be a JSON object.")
        operation_name = data.get("operationName") or None
        if operation_name is not None and not isinstance(operation_name, str):
            raise RequestRejected(400, RequestErrorCode.BAD_REQUEST, "operationName must be a string.")

        size = len(query.encode("utf-8"))
        if size > settings.GRAPHQL_MAX_DOCUMENT_BYTES:
            error = typed_error(
                RequestErrorCode.DOCUMENT_TOO_LARGE,
                f"The query is {size} bytes; the limit is {settings.GRAPHQL_MAX_DOCUMENT_BYTES}.",
            )
            return {"errors": [error]}, invalid_status

        try:
            document = parse(query)
        except GraphQLSyntaxError as exc:
            error = exc.formatted
            error["extensions"] = {"code": RequestErrorCode.GRAPHQL_PARSE_FAILED.value}
            return {"errors": [error]}, invalid_status

        operation = get_operation_ast(document, operation_name)
        if request.method == "GET" and operation is not None and operation.operation != OperationType.QUERY:
            raise RequestRejected(405, RequestErrorCode.METHOD_NOT_ALLOWED,
                                  "Only queries may be sent with GET; send mutations with POST.",
                                  headers={"Allow": "POST"})

        schema = self.schema.graphql_schema
        errors = validate(schema, document, validation_rules())
        if errors:
            return {"errors": [format_error(e) for e in errors]}, invalid_status

        options = {
            "root_value": self.get_root_value(request),
            "context_value": self.get_context(request),
            "variable_values": variables,
            "operation_name": operation_name,
            "middleware": self.get_middleware(request),
        }
        if operation is not None and operation.operation == OperationType.MUTATION:
            with transaction.atomic():
                result = execute(schema, document, **options)
                if result.errors:
                    transaction.set_rollback(True)
        else:
            result = execute(schema, document, **options)
        return self.serialise(result), 200

    @staticmethod
    def serialise(result: ExecutionResult) -> dict:
        body: dict[str, Any] = {}
        if result.errors:
            body["errors"] = [format_error(e) for e in result.errors]
        body["data"] = result.data
        return body

    # --- responses -------------------------------------------------------------------------------------

    def respond(self, body: Any, status: int, media_type: str) -> HttpResponse:
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        return HttpResponse(content, status=status, content_type=f"{media_type}; charset=utf-8")

    def plain_error(self, status: int, code: RequestErrorCode, message: str, *, headers: dict | None = None,
                    media_type: str = APPLICATION_JSON) -> HttpResponse:
        response = self.respond({"errors": [typed_error(code, message)]}, status, media_type)
        for name, value in (headers or {}).items():
            response[name] = value
        return response
