"""The rows of the portal inbox benchmark and its statement-count test: a department head with findings under
them (from submitted visits and from CCTV, at the department and the units under it) and as many findings
elsewhere in the province that they may not see."""

from datetime import date, timedelta

from inspections.models import (
    Criterion,
    Finding,
    FindingSource,
    InspectionPlan,
    OrgUnit,
    OrgUnitKind,
    PlanStatus,
    Remediation,
    Role,
    User,
    Visit,
    VisitKind,
    VisitStatus,
)
from tests.factories import at, make_user

SUB_UNITS = 5  # units under the department


def inbox_world() -> tuple[User, OrgUnit, OrgUnit]:
    """Province P9 with two departments (D1 with SUB_UNITS units under it, D2 alike); the head of D1."""
    province = OrgUnit.objects.add_root(
        instance=OrgUnit(code="P9", kind=OrgUnitKind.PROVINCE, name="Tỉnh Chín")
    )
    departments = []
    for code in ("P9-D1", "P9-D2"):
        department = OrgUnit.objects.add_child(
            province,
            instance=OrgUnit(code=code, kind=OrgUnitKind.DEPARTMENT, name=f"Sở {code}", parent=province),
        )
        province.refresh_from_db()
        for i in range(SUB_UNITS):
            OrgUnit.objects.add_child(
                department,
                instance=OrgUnit(
                    code=f"{code}-{i}",
                    kind=OrgUnitKind.DEPARTMENT,
                    name=f"Phòng {i} {code}",
                    parent=department,
                ),
            )
            department.refresh_from_db()
        departments.append(department)
    head = make_user("giamdoc-d1", Role.UNIT_HEAD, departments[0], heads=True, full_name="Nguyễn Văn Giám")
    return head, departments[0], departments[1]


def add_inbox_findings(department: OrgUnit, count: int, *, first: int = 0) -> None:
    """``count`` findings with their remediation under ``department``, half from submitted visits, half from
    CCTV, spread over its units, with deadlines a day apart."""
    units = list(OrgUnit.objects.filter(path__startswith=department.path).order_by("path"))
    inspector = User.objects.filter(role=Role.INSPECTOR).first() or make_user(
        f"thanhtra-{department.code}", Role.INSPECTOR, department.parent
    )
    reviewer = User.objects.filter(role=Role.HOME_AFFAIRS).first() or make_user(
        "noivu-p9", Role.HOME_AFFAIRS, department.parent
    )
    plan = InspectionPlan.objects.filter(
        authority=department.parent
    ).first() or InspectionPlan.objects.create(
        authority=department.parent,
        title="Kế hoạch",
        year=2027,
        status=PlanStatus.APPROVED,
        created_by=reviewer,
    )
    visits = {}
    for unit in units:
        visit = Visit.objects.filter(plan=plan, unit=unit).first() or Visit.objects.create(
            plan=plan,
            unit=unit,
            kind=VisitKind.PERIODIC,
            planned_date=date(2027, 3, 3),
            status=VisitStatus.SUBMITTED,
            checked_in_at=at(date(2027, 3, 3)),
        )
        visits[unit.pk] = visit
    criteria = list(Criterion.objects.filter(template__code="ONE_STOP_SHOP").order_by("position"))
    findings = Finding.objects.bulk_create(
        [
            Finding(
                visit=visits[units[i % len(units)].pk] if i % 2 == 0 else None,
                source=FindingSource.VISIT if i % 2 == 0 else FindingSource.CCTV,
                unit=units[i % len(units)],
                criterion=criteria[i % len(criteria)],
                severity=("minor", "major", "critical")[i % 3],
                text=f"Phát hiện số {i} tại {units[i % len(units)].code}",
                captured_at=at(date(2027, 3, 3)),
                deadline=date(2027, 3, 10) + timedelta(days=i % 300),
                created_by=inspector,
            )
            for i in range(first, first + count)
        ],
        batch_size=1000,
    )
    Remediation.objects.bulk_create(
        [
            Remediation(
                finding=finding,
                unit_id=finding.unit_id,
                original_deadline=finding.deadline,
                deadline=finding.deadline,
                state=("open", "rejected", "answered")[n % 3],
            )
            for n, finding in enumerate(findings)
        ],
        batch_size=1000,
    )
