"""Writing the append-only audit log."""

from inspections.models import AuditEntry


def record(actor, device, action: str, obj, data: dict | None = None) -> AuditEntry:
    """Append who did what to which object, from which device (a mobile DeviceSession, or None for the web)."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        device_id=getattr(device, "pk", None),
        device_name=getattr(device, "device_name", "") or "",
        action=action,
        object_type=type(obj).__name__,
        object_id=str(getattr(obj, "uuid", None) or obj.pk),
        data=data or {},
    )
