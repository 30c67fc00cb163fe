"""Marks the audit rows of a request with the surface it came through: the admin, the API (GraphQL and the
plain JSON endpoints under /api/), or the portal's pages."""

from inspections.models import AuditSurface
from inspections.services.audit import acting_through

ADMIN_PREFIX = "/admin/"
API_PREFIXES = ("/graphql", "/api/")


def surface_of(path: str) -> AuditSurface:
    if path.startswith(ADMIN_PREFIX):
        return AuditSurface.ADMIN
    if path.startswith(API_PREFIXES):
        return AuditSurface.API
    return AuditSurface.PORTAL


class AuditSurfaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_through(surface_of(request.path_info)):
            return self.get_response(request)
