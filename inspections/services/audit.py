"""Writing the append-only audit log: who did what to which object, when, through which surface."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from inspections.models import AuditAction, AuditEntry, AuditSurface

# The surface of the work under way: set per request by inspections.web.audit.AuditSurfaceMiddleware; work
# outside any request (a management command, the scheduler, a shell) is a COMMAND.
_surface: ContextVar[str] = ContextVar("audit_surface", default=AuditSurface.COMMAND)


@contextmanager
def acting_through(surface: AuditSurface) -> Iterator[None]:
    """Every audit row written inside is marked as coming through ``surface``."""
    token = _surface.set(surface)
    try:
        yield
    finally:
        _surface.reset(token)


def current_surface() -> str:
    return _surface.get()


def record(actor, device, action: AuditAction, obj, data: dict | None = None) -> AuditEntry:
    """Append who did ``action`` to ``obj``, through which surface, from which device (a mobile DeviceSession,
    or None for the web). An action that is not an ``AuditAction`` is refused (ValueError)."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        # A phone's bearer token only opens the API, whatever the request's path.
        surface=AuditSurface.API if device is not None else _surface.get(),
        device_id=getattr(device, "pk", None),
        device_name=getattr(device, "device_name", "") or "",
        action=AuditAction(action),
        object_type=type(obj).__name__,
        object_id=str(getattr(obj, "uuid", None) or obj.pk),
        data=data or {},
    )
