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

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views.decorators.csrf import ensure_csrf_cookie
from graphene_django.views import GraphQLView as GrapheneView
from graphql import (
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute,
    get_operation_ast,
)

from .errors import RequestErrorCode
from .limits import client_address, spend
from .rules import (
    check_variables,
    checked_document,
    json_depth,
    operation_cost,
    sign_ins,
    text_problem,
    too_costly,
)
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


SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def without_suggestions(message: str) -> str:
    """graphql-core names the fields, arguments and enum values closest to a wrong one ("Did you mean 'me'?"),
    which rebuilds the schema with introspection off: production drops those sentences."""
    if settings.GRAPHQL_FIELD_SUGGESTIONS:
        return message
    return SUGGESTION.sub("", message)


def format_error(error: GraphQLError) -> dict[str, Any]:
    """Typed errors pass through; anything unexpected becomes a generic error with the request id."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        formatted = error.formatted
        formatted["message"] = without_suggestions(formatted["message"])
        if original is None and not error.path and "code" not in (formatted.get("extensions") or {}):
            formatted["extensions"] = {"code": RequestErrorCode.GRAPHQL_VALIDATION_FAILED.value}
        return formatted
    rid = request_id()
    logger.error(
        "graphql_unexpected_error",
        path=error.path,
        request_id=rid,
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


APQ_PREFIX = "apq:"
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def persisted_hash(data: dict) -> str | dict | None:
    """Apollo's automatic persisted queries: the ``sha256Hash`` of ``extensions.persistedQuery`` (version 1),
    None when the operation has none, or the error answer for a malformed one."""
    extensions = data.get("extensions")
    if not isinstance(extensions, dict) or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    if (
        not isinstance(persisted, dict)
        or persisted.get("version") != 1
        or not isinstance(digest, str)
        or not SHA256_HEX.fullmatch(digest)
    ):
        return {
            "errors": [
                typed_error(
                    RequestErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
                    "Send persistedQuery version 1 with a lower-case hex sha256Hash.",
                )
            ]
        }
    return digest


def cached_document(digest: str) -> str | None:
    """The document of an automatic persisted query; None when unknown or when the cache is unreachable (the
    client then sends the document again, as Apollo's protocol has it)."""
    try:
        return cache.get(APQ_PREFIX + digest)
    except Exception:  # noqa: BLE001 - the cache (Redis) is down: the query simply is not known
        logger.warning("apq_cache_unreachable")
        return None


def keep_document(digest: str, query: str) -> None:
    try:
        cache.set(APQ_PREFIX + digest, query, timeout=settings.GRAPHQL_APQ_TTL_SECONDS)
    except Exception:  # noqa: BLE001 - not kept this time; the next full request tries again
        logger.warning("apq_cache_unreachable")


def rate_limited(retry_after: int) -> RequestRejected:
    return RequestRejected(
        429,
        RequestErrorCode.RATE_LIMITED,
        f"Too many requests; try again in {retry_after} seconds.",
        headers={"Retry-After": str(retry_after)},
    )


def is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def parse_json(text: str | None, *, what: str = "The body") -> Any:
    """JSON, nested no deeper than ``GRAPHQL_MAX_JSON_DEPTH``: a bomb of brackets is a typed 400, never a
    RecursionError."""
    if text is None:
        raise RequestRejected(400, RequestErrorCode.BAD_REQUEST, f"{what} is not valid JSON.")
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise RequestRejected(400, RequestErrorCode.BAD_INPUT, f"{what} nests too deep.") from exc
    except ValueError as exc:
        raise RequestRejected(400, RequestErrorCode.BAD_REQUEST, f"{what} is not valid JSON.") from exc
    if not json_depth(data, settings.GRAPHQL_MAX_JSON_DEPTH):
        raise RequestRejected(
            400,
            RequestErrorCode.BAD_INPUT,
            f"{what} nests deeper than {settings.GRAPHQL_MAX_JSON_DEPTH} levels.",
        )
    return data


@dataclass
class Prepared:
    """One operation that passed every check, ready to run, with its cost."""

    document: Any
    operation: Any
    variables: dict | None
    operation_name: str | None
    cost: int


class GraphQLHTTPView(GrapheneView):
    graphiql = False

    def __init__(self, **kwargs):
        kwargs.setdefault("graphiql", settings.GRAPHQL_GRAPHIQL)
        super().__init__(**kwargs)

    @method_decorator(ensure_csrf_cookie)
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return self.answer(request, *args, **kwargs)
        except Exception:  # noqa: BLE001 - logged with its trace; the client gets JSON and the request id
            rid = request_id()
            logger.exception("graphql_request_failed", request_id=rid)
            response = self.respond(
                {
                    "errors": [
                        {
                            "message": "Internal server error. Quote the request id when you report it.",
                            "extensions": {"code": RequestErrorCode.INTERNAL_ERROR.value, "requestId": rid},
                        }
                    ]
                },
                500,
                APPLICATION_JSON,
            )
            return response

    def answer(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "POST"):
            return self.plain_error(
                405,
                RequestErrorCode.METHOD_NOT_ALLOWED,
                "GraphQL accepts GET and POST.",
                headers={"Allow": "GET, POST"},
            )
        if (
            self.graphiql
            and request.method == "GET"
            and self.request_wants_html(request)
            and "query" not in request.GET
        ):
            return super().dispatch(request, *args, **kwargs)
        media_type = negotiate_media_type(request)
        if media_type is None:
            # A client over its budget hears 429 whatever it accepts: the 406 is for one that may still ask.
            try:
                self.check_rate(request, 0, [])
            except RequestRejected as rejected:
                return self.plain_error(
                    rejected.status, rejected.code, rejected.message, headers=rejected.headers
                )
            return self.plain_error(
                406, RequestErrorCode.NOT_ACCEPTABLE, f"Accept {GRAPHQL_RESPONSE_JSON} or {APPLICATION_JSON}."
            )
        try:
            payload = self.read_request(request)
            batch = isinstance(payload, list)
            if batch:
                limit = settings.GRAPHQL_MAX_BATCH_OPERATIONS
                if not payload:
                    raise RequestRejected(
                        400, RequestErrorCode.BAD_REQUEST, "An empty batch holds no operation."
                    )
                if len(payload) > limit:
                    raise RequestRejected(
                        400,
                        RequestErrorCode.TOO_MANY_OPERATIONS,
                        f"A batch may hold at most {limit} operations; this one holds {len(payload)}.",
                    )
            items = payload if batch else [payload]
            prepared = [self.prepare(request, item, media_type) for item in items]
            total = sum(p.cost for p in prepared if isinstance(p, Prepared))
            if total > settings.GRAPHQL_MAX_REQUEST_COST:
                error = too_costly(total, settings.GRAPHQL_MAX_REQUEST_COST, request=True)
                status = 400 if media_type == GRAPHQL_RESPONSE_JSON else 200
                body = {"errors": [format_error(error)]}
                return self.respond([body] * len(items) if batch else body, status, media_type)
            self.check_rate(request, total, prepared)
            self.check_credentials(request, prepared)
            results = [self.execute_prepared(request, p) if isinstance(p, Prepared) else p for p in prepared]
        except RequestRejected as rejected:
            return self.plain_error(
                rejected.status,
                rejected.code,
                rejected.message,
                headers=rejected.headers,
                media_type=media_type,
            )
        if batch:
            return self.respond([b for b, _s in results], max(s for _b, s in results), media_type)
        body, status = results[0]
        return self.respond(body, status, media_type)

    # --- rate limits ----------------------------------------------------------------------------------

    def check_rate(self, request: HttpRequest, cost: int, prepared: list) -> None:
        """Cost per minute per credential (bearer token or session), per address when anonymous; sign-ins
        per minute per address. Shared through the cache, so every process counts the same budget."""
        address = client_address(request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR"))
        attempts = sum(sign_ins(p.operation) for p in prepared if isinstance(p, Prepared))
        if attempts:
            wait = spend("sign-in", address, attempts, settings.RATE_LIMIT_SIGN_INS_PER_MINUTE)
            if wait:
                raise rate_limited(wait)
        token = getattr(request, "bearer_token", None)
        session = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if token or session:
            who, limit = (
                f"token:{token}" if token else f"session:{session}",
                settings.RATE_LIMIT_COST_PER_MINUTE,
            )
        else:
            who, limit = f"address:{address}", settings.RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE
        wait = spend("cost", who, max(cost, 1), limit)
        if wait:
            raise rate_limited(wait)

    @staticmethod
    def check_credentials(request: HttpRequest, prepared: list) -> None:
        """Credentials that were sent but are no good (an expired or revoked token: the authentication layer
        sets ``request.credentials_rejected``) answer 401 UNAUTHENTICATED, in the caller's language, rather than
        running as an anonymous caller; an operation that only signs in runs all the same."""
        rejected = getattr(request, "credentials_rejected", None)
        if not callable(rejected) or not any(isinstance(p, Prepared) for p in prepared):
            return  # nothing will run: a request refused by its checks costs no credential lookup
        signing_in_only = all(
            isinstance(p, Prepared)
            and p.operation is not None
            and all(
                getattr(getattr(s, "name", None), "value", None) in settings.RATE_LIMIT_SIGN_IN_FIELDS
                for s in p.operation.selection_set.selections
            )
            for p in prepared
        )
        if not signing_in_only and rejected():
            raise RequestRejected(
                401,
                RequestErrorCode.UNAUTHENTICATED,
                gettext("Your sign-in has expired or was revoked: sign in again."),
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )

    # --- request parsing ------------------------------------------------------------------------------

    def read_request(self, request: HttpRequest) -> dict | list:
        if request.method == "GET":
            payload = {key: request.GET.get(key) for key in ("query", "variables", "operationName")}
            if request.GET.get("extensions"):
                payload["extensions"] = parse_json(request.GET["extensions"], what="Extensions")
            return payload
        content_type = request.content_type.lower()
        if content_type == "application/graphql":
            return {"query": self.body(request).decode("utf-8", errors="replace")}
        if content_type == APPLICATION_JSON:
            body = self.body(request)
            if len(body) > settings.GRAPHQL_MAX_DOCUMENT_BYTES * 4:
                raise RequestRejected(
                    413,
                    RequestErrorCode.DOCUMENT_TOO_LARGE,
                    f"The request body is larger than {settings.GRAPHQL_MAX_DOCUMENT_BYTES * 4} bytes.",
                )
            data = parse_json(body.decode("utf-8", errors="strict") if is_utf8(body) else None)
            if not isinstance(data, (dict, list)):
                raise RequestRejected(
                    400, RequestErrorCode.BAD_REQUEST, "The body must be a JSON object or list."
                )
            return data
        if content_type == "multipart/form-data":
            limit = settings.UPLOAD_MAX_REQUEST_BYTES
            if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
                raise RequestRejected(
                    413,
                    RequestErrorCode.DOCUMENT_TOO_LARGE,
                    f"A multipart request may hold at most {limit} bytes.",
                )
            try:
                has_operations = "operations" in request.POST
            except RequestDataTooBig as exc:
                raise RequestRejected(413, RequestErrorCode.REQUEST_TOO_LARGE, str(exc)) from exc
            if has_operations:
                return self.read_multipart(request)
        raise RequestRejected(
            415,
            RequestErrorCode.UNSUPPORTED_MEDIA_TYPE,
            f"POST {APPLICATION_JSON}, application/graphql or multipart/form-data with files.",
        )

    @staticmethod
    def body(request: HttpRequest) -> bytes:
        try:
            return request.body
        except RequestDataTooBig as exc:
            raise RequestRejected(
                413,
                RequestErrorCode.REQUEST_TOO_LARGE,
                f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
            ) from exc

    def read_multipart(self, request: HttpRequest) -> dict | list:
        """File uploads: the graphql-multipart-request-spec (``operations``, ``map`` and the file parts)."""
        try:
            operations = parse_json(request.POST["operations"], what="'operations' and 'map'")
            mapping = parse_json(request.POST.get("map") or "{}", what="'operations' and 'map'")
            return place_files(operations, mapping, request.FILES)
        except MultipartError as exc:  # a map that does not fit
            raise RequestRejected(400, RequestErrorCode.BAD_REQUEST, str(exc)) from exc

    # --- one operation ---------------------------------------------------------------------------------

    def prepare(self, request: HttpRequest, data: Any, media_type: str) -> "Prepared | tuple[dict, int]":
        """Every check of one operation, before anything runs: a ``Prepared`` or the error answer."""
        invalid_status = 400 if media_type == GRAPHQL_RESPONSE_JSON else 200
        if not isinstance(data, dict):
            raise RequestRejected(400, RequestErrorCode.BAD_REQUEST, "Each operation must be a JSON object.")
        query = data.get("query")
        persisted = persisted_hash(data)
        if isinstance(persisted, dict):
            return persisted, invalid_status
        if persisted is not None:
            if not query:
                query = cached_document(persisted)
                if query is None:  # the client sends the document with its hash next (Apollo's protocol)
                    return {
                        "errors": [
                            typed_error(RequestErrorCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound")
                        ]
                    }, 200
            elif (
                not isinstance(query, str)
                or hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest() != persisted
            ):
                return {
                    "errors": [
                        typed_error(RequestErrorCode.BAD_REQUEST, "The query does not match its sha256Hash.")
                    ]
                }, invalid_status
        if not isinstance(query, str) or not query.strip():
            return {
                "errors": [typed_error(RequestErrorCode.BAD_REQUEST, "Provide a query string.")]
            }, invalid_status
        problem = text_problem(query)
        if problem:
            return {"errors": [typed_error(RequestErrorCode.INVALID_INPUT, problem)]}, invalid_status
        variables = data.get("variables")
        if isinstance(variables, str):
            variables = parse_json(variables, what="Variables") if variables else None
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

        schema = self.schema.graphql_schema
        document, syntax_error, errors = checked_document(schema, query)
        if syntax_error is not None:
            error = format_error(syntax_error)
            error["extensions"] = {"code": RequestErrorCode.GRAPHQL_PARSE_FAILED.value}
            return {"errors": [error]}, invalid_status

        operation = get_operation_ast(document, operation_name)
        if request.method == "GET" and operation is not None and operation.operation != OperationType.QUERY:
            raise RequestRejected(
                405,
                RequestErrorCode.METHOD_NOT_ALLOWED,
                "Only queries may be sent with GET; send mutations with POST.",
                headers={"Allow": "POST"},
            )

        if errors:
            return {"errors": [format_error(e) for e in errors]}, invalid_status
        bad_input = check_variables(variables)
        cost, bad_argument = operation_cost(
            schema, document, operation, variables, budget=settings.GRAPHQL_MAX_COST
        )
        if bad_input or bad_argument:
            return {"errors": [format_error(bad_input or bad_argument)]}, invalid_status
        if cost > settings.GRAPHQL_MAX_COST:
            return {"errors": [format_error(too_costly(cost, settings.GRAPHQL_MAX_COST))]}, invalid_status
        if persisted is not None:  # kept only once it is a valid document, so junk never fills the cache
            keep_document(persisted, query)
        return Prepared(document, operation, variables, operation_name, cost)

    def execute_prepared(self, request: HttpRequest, prepared: Prepared) -> tuple[dict, int]:
        schema = self.schema.graphql_schema
        document = prepared.document
        options = {
            "root_value": self.get_root_value(request),
            "context_value": self.get_context(request),
            "variable_values": prepared.variables,
            "operation_name": prepared.operation_name,
            "middleware": self.get_middleware(request),
        }
        # No transaction here: each mutation field is its own (BaseMutation.mutate), so a field that reports
        # success is committed even when a later field of the same operation fails.
        result = execute(schema, document, **options)
        return self.serialise(result), 200

    def run_one(self, request: HttpRequest, data: Any, media_type: str) -> tuple[dict, int]:
        prepared = self.prepare(request, data, media_type)
        return self.execute_prepared(request, prepared) if isinstance(prepared, Prepared) else prepared

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

    def plain_error(
        self,
        status: int,
        code: RequestErrorCode,
        message: str,
        *,
        headers: dict | None = None,
        media_type: str = APPLICATION_JSON,
    ) -> HttpResponse:
        response = self.respond({"errors": [typed_error(code, message)]}, status, media_type)
        for name, value in (headers or {}).items():
            response[name] = value
        return response
