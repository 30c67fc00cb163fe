"""The assignment bundle: everything a phone needs before going offline, with a version tag."""

import hashlib
from dataclasses import dataclass

from inspections.models import Finding, User, Visit, VisitStatus
from inspections.services.field import default_template
from inspections.services.visibility import visible_visits


@dataclass(frozen=True)
class BundleVisit:
    visit: Visit
    template: object
    open_findings: list[Finding]


@dataclass(frozen=True)
class Bundle:
    version: str
    visits: list[BundleVisit]


def assignment_bundle(user: User) -> Bundle:
    """The caller's assigned visits that are planned or in progress (surprise ones only from their lead
    time), each with its unit, geofence, checklist version and the unit's earlier findings still current (not
    withdrawn). The version changes whenever any of that changes, so a phone can tell whether to download again."""
    visits = list(
        visible_visits(user)
        .filter(assignments__inspector=user, status__in=[VisitStatus.PLANNED, VisitStatus.IN_PROGRESS])
        .select_related("unit", "template")
        .order_by("planned_date", "pk")
        .distinct()
    )
    fallback = default_template()
    templates = {visit.pk: visit.template or fallback for visit in visits}
    unit_ids = {visit.unit_id for visit in visits}
    earlier = (
        Finding.objects.current()
        .filter(unit_id__in=unit_ids)
        .select_related("criterion")
        .order_by("unit_id", "pk")
    )
    by_unit: dict[int, list[Finding]] = {}
    for finding in earlier:
        by_unit.setdefault(finding.unit_id, []).append(finding)
    entries = [
        BundleVisit(
            visit=visit,
            template=templates[visit.pk],
            open_findings=[f for f in by_unit.get(visit.unit_id, []) if f.visit_id != visit.pk],
        )
        for visit in visits
    ]
    return Bundle(version=version_of(entries), visits=entries)


def version_of(entries: list[BundleVisit]) -> str:
    digest = hashlib.sha256()
    for entry in entries:
        visit, unit = entry.visit, entry.visit.unit
        digest.update(
            repr(
                (
                    visit.pk,
                    visit.status,
                    str(visit.planned_date),
                    unit.name,
                    unit.address,
                    unit.geofence_latitude,
                    unit.geofence_longitude,
                    unit.geofence_radius_m,
                    getattr(entry.template, "pk", None),
                    [(f.pk, f.version) for f in entry.open_findings],
                )
            ).encode()
        )
    return digest.hexdigest()[:16]
