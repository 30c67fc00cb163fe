"""The one way a mutation turns a global id into a domain object: through the caller's visibility, answering
NOT_FOUND alike for an object that is hidden and one that does not exist (a hidden surprise visit is never
told apart from a missing one)."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from apikit.types import decode_id
from inspections.error_codes import LookupErrorCode, fail
from inspections.models import Remediation, User
from inspections.services.visibility import (
    unit_scope,
    visible_findings,
    visible_plans,
    visible_units,
    visible_visits,
)


def get_visible(queryset: QuerySet, global_id: str, type_name: str, *, field: str, key: str = "pk"):
    """The object of ``queryset`` (already scoped to the caller) whose ``key`` is the id ``global_id`` names,
    or NOT_FOUND."""
    pk = decode_id(global_id, type_name)
    found = queryset.filter(**{key: pk}).first() if pk else None
    if found is None:
        raise fail(LookupErrorCode.NOT_FOUND, _("Not found."), field)
    return found


def get_plan(user, global_id: str, field: str = "id"):
    return get_visible(visible_plans(user).select_related("authority"), global_id, "Plan", field=field)


def get_unit(user, global_id: str, field: str):
    return get_visible(visible_units(user), global_id, "OrgUnit", field=field)


def get_visit(user, global_id: str, field: str = "visit_id"):
    return get_visible(
        visible_visits(user).select_related("unit", "plan__authority"), global_id, "Visit", field=field
    )


def get_finding(user, global_id: str, field: str = "id"):
    return get_visible(visible_findings(user), global_id, "Finding", field=field)


def get_finding_by_uuid(user, client_id, field: str = "finding_id"):
    """A finding the caller may see, named by the UUID its phone made (what an offline phone knows)."""
    found = visible_findings(user).filter(uuid=client_id).first() if client_id else None
    if found is None:
        raise fail(LookupErrorCode.NOT_FOUND, _("Not found."), field)
    return found


def get_remediation(user, global_id: str, field: str = "finding_id"):
    """The remediation of a finding the caller may see, named by the finding's global id."""
    scoped = Remediation.objects.filter(finding__in=visible_findings(user).values("pk")).select_related(
        "finding__visit__plan__authority", "unit__head", "assignee"
    )
    return get_visible(scoped, global_id, "Finding", field=field, key="finding_id")


def get_inspectors(user, global_ids: list[str], field: str = "inspector_ids") -> list:
    """Users of the caller's scope, in the order given; NOT_FOUND when any one is missing or hidden."""
    pks = [decode_id(global_id, "User") for global_id in global_ids]
    scope = unit_scope(user)
    found = {
        u.pk: u
        for u in User.objects.filter(scope.as_q("unit__"), pk__in=[pk for pk in pks if pk]).select_related(
            "unit"
        )
    }
    if any(pk not in found for pk in pks):
        raise fail(LookupErrorCode.NOT_FOUND, _("Not found."), field)
    return [found[pk] for pk in pks]


def device_of(info):
    """The phone's device session behind this request, if it came with a bearer token."""
    device_session = getattr(info.context, "device_session", None)
    return device_session() if callable(device_session) else None
