"""Shared by the plan mutations: the error type and the lookups that answer NOT_FOUND for hidden objects."""

from django.core.exceptions import ValidationError

from apikit.mutations import error_type
from apikit.types import decode_id
from inspections.error_codes import PlanErrorCode
from inspections.models import User
from inspections.services.visibility import unit_scope, visible_plans, visible_units, visible_visits

PlanError = error_type("PlanError", PlanErrorCode)


def not_found(field: str) -> ValidationError:
    return ValidationError({field: ValidationError("Not found.", code=PlanErrorCode.NOT_FOUND.value)})


def get_plan(user, global_id: str, field: str = "id"):
    pk = decode_id(global_id, "Plan")
    plan = visible_plans(user).select_related("authority").filter(pk=pk).first() if pk else None
    if plan is None:
        raise not_found(field)
    return plan


def get_unit(user, global_id: str, field: str):
    pk = decode_id(global_id, "OrgUnit")
    unit = visible_units(user).filter(pk=pk).first() if pk else None
    if unit is None:
        raise not_found(field)
    return unit


def get_visit(user, global_id: str, field: str = "visit_id"):
    pk = decode_id(global_id, "Visit")
    visit = visible_visits(user).select_related("unit", "plan__authority").filter(pk=pk).first() if pk else None
    if visit is None:
        raise not_found(field)
    return visit


def get_inspectors(user, global_ids: list[str], field: str = "inspector_ids") -> list:
    pks = [decode_id(global_id, "User") for global_id in global_ids]
    scope = unit_scope(user)
    found = {u.pk: u for u in User.objects.filter(scope.as_q("unit__"), pk__in=[pk for pk in pks if pk])
             .select_related("unit")}
    if any(pk not in found for pk in pks):
        raise not_found(field)
    return [found[pk] for pk in pks]
