"""Risk signals of the surprise draw that come from the record: findings of the last 12 months by severity
(from visits), confirmed CCTV flags (findings confirmed from snapshots) and remediation overdue on the draw's
as-of date. Registered in ``RISK_SOURCES`` when the app starts (``InspectionsConfig.ready``). They only set the
units' weights, which are published with the draw's inputs: anyone re-runs the draw from those."""

from datetime import date, timedelta

from django.db.models import Count, Q

from inspections.models import Finding, FindingSource, Remediation

WINDOW_DAYS = 365


def _recent(as_of: date):
    """Current findings of the 12 months up to ``as_of``, every unit (grouped per unit by the callers, then
    picked: cheaper than sending thousands of unit ids to the database)."""
    return Finding.objects.current().filter(
        captured_at__date__gt=as_of - timedelta(days=WINDOW_DAYS), captured_at__date__lte=as_of
    )


def findings_source(unit_ids: list[int], as_of: date) -> dict[int, dict[str, int]]:
    wanted = set(unit_ids)
    rows = (
        _recent(as_of)
        .filter(source=FindingSource.VISIT)
        .values("unit_id")
        .annotate(
            critical=Count("pk", filter=Q(severity="critical")),
            major=Count("pk", filter=Q(severity="major")),
            minor=Count("pk", filter=Q(severity="minor")),
        )
    )
    return {
        row["unit_id"]: {
            "critical_findings": row["critical"],
            "major_findings": row["major"],
            "minor_findings": row["minor"],
        }
        for row in rows
        if row["unit_id"] in wanted
    }


def cctv_source(unit_ids: list[int], as_of: date) -> dict[int, dict[str, int]]:
    wanted = set(unit_ids)
    rows = _recent(as_of).filter(source=FindingSource.CCTV).values("unit_id").annotate(flags=Count("pk"))
    return {row["unit_id"]: {"cctv_flags": row["flags"]} for row in rows if row["unit_id"] in wanted}


def overdue_source(unit_ids: list[int], as_of: date) -> dict[int, dict[str, int]]:
    """Remediation overdue on ``as_of`` (``Remediation.objects.overdue``), counted at the unit answering for it."""
    wanted = set(unit_ids)
    rows = Remediation.objects.overdue(as_of).values("unit_id").annotate(overdue=Count("pk")).order_by()
    return {
        row["unit_id"]: {"overdue_remediations": row["overdue"]} for row in rows if row["unit_id"] in wanted
    }


def register() -> None:
    from inspections.services.plans import RISK_SOURCES

    for source in (findings_source, cctv_source, overdue_source):
        if source not in RISK_SOURCES:
            RISK_SOURCES.append(source)
