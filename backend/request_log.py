"""Adds the user id to the request's log lines (without loading the user just to log it), and the request id
to the response, so that a person reporting a failure can quote it.

django-structlog would evaluate ``request.user`` for every request, which costs a query even for a request
rejected before execution; here the id is bound only when something already looked the user up.
"""

import structlog
from django.utils.functional import empty


class BindUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        wrapped = getattr(user, "_wrapped", user)
        if wrapped is not empty and wrapped is not None and getattr(wrapped, "is_authenticated", False):
            structlog.contextvars.bind_contextvars(user_id=wrapped.pk)
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        if request_id:
            response["X-Request-ID"] = request_id
        return response
