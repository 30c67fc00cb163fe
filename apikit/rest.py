"""The few plain HTTP endpoints beside GraphQL (uploads from phones and cameras) answer errors the way the
GraphQL mutations do: ``{"errors": [{"field", "code", "message"}]}`` with the same upper-case codes."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import JsonResponse
from graphene.utils.str_converters import to_camel_case

STATUS = {"file_too_large": 413, "unauthenticated": 401}


def error_response(error: ValidationError) -> JsonResponse:
    items = (
        error.error_dict.items() if hasattr(error, "error_dict") else [(NON_FIELD_ERRORS, error.error_list)]
    )
    errors = [
        {
            "field": None if field == NON_FIELD_ERRORS else to_camel_case(field),
            "code": (item.code or "invalid").upper(),
            "message": " ".join(item.messages),
        }
        for field, field_errors in items
        for item in field_errors
    ]
    status = max((STATUS.get(e["code"].lower(), 400) for e in errors), default=400)
    response = JsonResponse({"errors": errors}, status=status, json_dumps_params={"ensure_ascii": False})
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def json_error(status: int, code: str, message: str) -> JsonResponse:
    """One typed error of a plain endpoint (401 asks for a bearer token)."""
    response = JsonResponse(
        {"errors": [{"code": code, "message": message}]},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def csrf_failure(request, reason: str = "") -> JsonResponse:
    """``CSRF_FAILURE_VIEW``: the API's paths (``API_PATH_PREFIXES``) answer a typed JSON 403; pages keep
    Django's own page."""
    from django.conf import settings
    from django.utils.translation import gettext as _
    from django.views.csrf import csrf_failure as html_failure

    if not request.path.startswith(tuple(settings.API_PATH_PREFIXES)):
        return html_failure(request, reason)
    return json_error(403, "CSRF_FAILED", _("The request was refused: its CSRF token is missing or wrong."))
