"""`make run`'s demo data: users of every role, the city's current year so far (plan, visits, findings,
remediation, cameras) as the compliance board shows it, next year's approved plan; seeded once."""

from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from inspections.models import (
    AuditEntry,
    Camera,
    CameraKey,
    Evidence,
    Finding,
    FindingSource,
    InspectionPlan,
    Notification,
    OrgUnit,
    OrgUnitKind,
    PlanStatus,
    Remediation,
    RemediationAnswer,
    RemediationState,
    ReviewState,
    Role,
    Snapshot,
    User,
    Visit,
    VisitAssignment,
    VisitKind,
    VisitStatus,
)
from inspections.services.board import board

SEEDED = [
    User,
    InspectionPlan,
    Visit,
    VisitAssignment,
    Finding,
    Evidence,
    Remediation,
    RemediationAnswer,
    Notification,
    Camera,
    CameraKey,
    Snapshot,
    AuditEntry,
]


@pytest.fixture
def year_so_far(monkeypatch):
    """The demo is the current year up to today. Before April there is little of it behind, and from mid-December
    little ahead: the test then runs on a day in June (the services read the clock through ``timezone.now``)."""
    real = timezone.now()
    if not date(real.year, 4, 1) <= timezone.localdate(real) <= date(real.year, 12, 15):
        pinned = timezone.make_aware(datetime(real.year, 6, 16, 10, 0))
        monkeypatch.setattr(timezone, "now", lambda: pinned)


@pytest.mark.django_db
def test_the_demo_fills_the_compliance_board_and_is_seeded_once(year_so_far):
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())  # DEBUG is off and the province is not loaded
    call_command("load_divisions", province=["79"], stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out)
    now, today = timezone.now(), timezone.localdate()

    # Users of every role; the printed sign-in details are the documented ones.
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert "noivu-demo-2026" in out.getvalue() and "thanhtra-demo-2026" in out.getvalue()

    # This year's plan, approved last year, partly done; next year's, approved with its draw.
    this_year = InspectionPlan.objects.get(year=today.year)
    next_year = InspectionPlan.objects.get(year=today.year + 1)
    for plan in (this_year, next_year):
        assert plan.status == PlanStatus.APPROVED and len(plan.commitment) == 64
    assert this_year.approved_at.year == today.year - 1
    assert next_year.visits.count() >= 54
    done = this_year.visits.exclude(status=VisitStatus.PLANNED)
    assert set(done.values_list("kind", flat=True)) == {VisitKind.PERIODIC, VisitKind.SURPRISE}
    assert not done.filter(planned_date__gte=today).exists()
    assert this_year.visits.filter(status=VisitStatus.PLANNED, planned_date__gte=today).exists()
    assert not this_year.visits.filter(assignments__isnull=True).exists()  # every visit has its inspector
    for visit in done:  # checked in inside the geofence, with the phone's clock right, in the past
        assert visit.check_in_flags == [] and visit.checked_in_at < visit.submitted_at < now

    # The board of the province for this year, as Home Affairs sees it.
    reviewer = User.objects.get(username="noivu")
    rows = board(reviewer, OrgUnit.objects.get(code="79"), today.year).rows
    assert sum(row.periodic_visits for row in rows) >= 5 and sum(row.surprise_visits for row in rows) >= 5
    for severity in ("critical", "major", "minor"):
        assert sum(row.findings[severity] for row in rows) >= 2, severity
    with_findings = [row for row in rows if row.findings_total]
    assert len(with_findings) >= 10
    assert {OrgUnitKind.WARD, OrgUnitKind.DEPARTMENT} <= {row.unit.kind for row in with_findings}
    assert {"red", "green"} <= {row.status for row in rows}
    assert sum(row.overdue_now for row in rows) >= 3
    assert any(row.repeat_findings for row in rows), "repeat"
    assert any(row.cctv_flags for row in rows), "cctv"
    assert any(row.camera_snapshots for row in rows)

    # Every finding of a visit has its photo; remediation in every state, some overdue, one extended, one
    # delegated, a rejected answer kept with its reason.
    originals = Finding.objects.filter(source=FindingSource.VISIT, supersedes__isnull=True)
    assert not originals.exclude(evidence__stored_at__isnull=False).exists()
    assert Evidence.objects.filter(answer__isnull=False).exists()  # photos of fixes
    assert set(Remediation.objects.values_list("state", flat=True)) == set(RemediationState.values)
    assert (
        Remediation.objects.filter(
            state__in=[RemediationState.OPEN, RemediationState.REJECTED], deadline__lt=today
        ).count()
        >= 3
    )
    extended = Remediation.objects.get(extension_granted=True)
    assert extended.deadline > extended.original_deadline
    assert Remediation.objects.filter(assignee__role=Role.UNIT_STAFF).exists()
    assert RemediationAnswer.objects.filter(decision="rejected").exclude(decision_reason="").exists()
    assert Finding.objects.filter(supersedes__isnull=False).exists()  # a corrected finding keeps the old one
    for stamp in ("remediation__closed_at", "remediation__accepted_at", "created_at", "evidence__stored_at"):
        assert not Finding.objects.filter(**{f"{stamp}__gt": now}).exists(), stamp

    # CCTV: confirmed flags became findings to fix (the same incident twice: a repeat), another was dismissed
    # with a reason, some wait for review.
    confirmed = Finding.objects.filter(source=FindingSource.CCTV)
    pairs = [(f.unit_id, f.criterion_id) for f in confirmed]
    assert len(pairs) >= 2 and len(set(pairs)) < len(pairs)  # at least one incident confirmed twice
    for finding in confirmed:
        assert finding.snapshots.filter(review_state=ReviewState.CONFIRMED).exists()
        assert Remediation.objects.filter(finding=finding).exists()
    assert Snapshot.objects.filter(review_state=ReviewState.DISMISSED).exclude(dismiss_reason="").exists()
    assert Snapshot.objects.filter(review_state=ReviewState.OPEN).exclude(primary_flag="").exists()

    # The sweep told the heads and Home Affairs about what is overdue; a few notices, not hundreds.
    assert Notification.objects.filter(kind="escalation", recipient=reviewer).exists()
    assert Notification.objects.filter(emailed_at__isnull=True).count() <= 40

    # Home Affairs signs in with the printed password and reads the web board.
    browser = Client()
    signed_in = browser.post("/login/?next=/board/", {"username": "noivu", "password": "noivu-demo-2026"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/board/"
    page = browser.get("/board/")
    assert page.status_code == 200 and rows[0].unit.name.encode() in page.content

    # Running it again changes nothing.
    counts = {model.__name__: model.objects.count() for model in SEEDED}
    again = StringIO()
    call_command("seed_demo", force=True, stdout=again)
    assert {model.__name__: model.objects.count() for model in SEEDED} == counts
    assert "noivu-demo-2026" in again.getvalue()
