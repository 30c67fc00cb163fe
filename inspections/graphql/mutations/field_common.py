"""Shared by the field mutations: the error type and lookups that answer NOT_FOUND for hidden objects."""

from django.core.exceptions import ValidationError

from apikit.mutations import error_type
from apikit.types import decode_id
from inspections.error_codes import FieldErrorCode
from inspections.services.visibility import visible_findings, visible_visits

FieldError = error_type("FieldError", FieldErrorCode)


def not_found(field: str) -> ValidationError:
    return ValidationError({field: ValidationError("Not found.", code=FieldErrorCode.NOT_FOUND.value)})


def visit_for(info, global_id: str, field: str = "visit_id"):
    pk = decode_id(global_id, "Visit")
    visit = visible_visits(info.context.user).select_related("unit").filter(pk=pk).first() if pk else None
    if visit is None:
        raise not_found(field)
    return visit


def finding_for(info, global_id: str, field: str = "id"):
    pk = decode_id(global_id, "Finding")
    finding = visible_findings(info.context.user).filter(pk=pk).first() if pk else None
    if finding is None:
        raise not_found(field)
    return finding


def device_of(info):
    device_session = getattr(info.context, "device_session", None)
    return device_session() if callable(device_session) else None
