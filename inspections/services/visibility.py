"""Who sees which units. Every query, node lookup, count, export and subscription goes through here.

The rule (DESIGN.md §3.2):
- an administrator sees everything;
- a Home Affairs reviewer sees the whole province their unit belongs to;
- an inspector sees the subtree of their inspecting authority (a department acts for its province);
- a unit head sees their unit and everything under it;
- unit staff see their own unit only;
- anyone else (anonymous, inactive, no unit) sees nothing.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from inspections.models import OrgUnit, OrgUnitKind, Role, User


@dataclass(frozen=True)
class UnitScope:
    """The part of the tree a user may see, computed from the user row alone (no query)."""

    everything: bool = False
    subtree_path: str | None = None  # every unit whose path starts with this
    unit_id: int | None = None  # exactly this unit

    @property
    def nothing(self) -> bool:
        return not self.everything and self.subtree_path is None and self.unit_id is None

    def as_q(self, prefix: str = "") -> Q:
        """A filter on OrgUnit (or on a model reaching it through ``prefix``, e.g. ``"unit__"``)."""
        if self.everything:
            return Q()
        if self.subtree_path is not None:
            return Q(**{f"{prefix}path__startswith": self.subtree_path})
        if self.unit_id is not None:
            return Q(**{f"{prefix}pk" if prefix else "pk": self.unit_id})
        return Q(pk__in=[])

    def contains(self, unit: OrgUnit) -> bool:
        if self.everything:
            return True
        if self.subtree_path is not None:
            return unit.path.startswith(self.subtree_path)
        return self.unit_id is not None and unit.pk == self.unit_id


def is_administrator(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.ADMINISTRATOR)
    )


def unit_scope(user: User) -> UnitScope:
    """The scope of units ``user`` may see. Uses ``user.unit`` (select it with the user).

    Computed once per user object, i.e. once per request: lists check it for every row.
    """
    cached = getattr(user, "_unit_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._unit_scope = scope  # type: ignore[attr-defined]
    return scope


def _compute_scope(user: User) -> UnitScope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return UnitScope()
    if is_administrator(user):
        return UnitScope(everything=True)
    unit = user.unit
    if unit is None:
        return UnitScope()
    if user.role == Role.HOME_AFFAIRS:
        return UnitScope(subtree_path=unit.ancestor_path(1))
    if user.role == Role.INSPECTOR:
        return UnitScope(subtree_path=authority_path(unit))
    if user.role == Role.UNIT_HEAD:
        return UnitScope(subtree_path=unit.path)
    return UnitScope(unit_id=unit.pk)


def authority_path(unit: OrgUnit) -> str:
    """Path of the authority a unit acts for: a department acts for the unit above it."""
    if unit.kind == OrgUnitKind.DEPARTMENT and unit.depth > 1:
        return unit.ancestor_path(unit.depth - 1)
    return unit.path


def visible_units(user: User) -> QuerySet[OrgUnit]:
    """Units ``user`` may see, as one queryset (one SQL query however deep the tree)."""
    return OrgUnit.objects.filter(unit_scope(user).as_q())


def can_see_unit(user: User, unit: OrgUnit) -> bool:
    """Same answer as ``unit in visible_units(user)``, without a query."""
    return unit_scope(user).contains(unit)


# --- plans and visits ---------------------------------------------------------------------------------------


def can_manage_plans_for(user: User, authority: OrgUnit) -> bool:
    """Plans of an authority are made by an administrator, the province's Home Affairs reviewers, or the
    authority's own head (a department or commune head inspects the units under them)."""
    if is_administrator(user):
        return True
    if not getattr(user, "is_authenticated", False) or user.unit_id is None:
        return False
    if user.role == Role.HOME_AFFAIRS:
        return unit_scope(user).contains(authority)
    return user.role == Role.UNIT_HEAD and user.unit_id == authority.pk


def may_return_finding(user: User, finding) -> bool:
    """Who may send a finding back to its inspectors for correction: an administrator, the Home Affairs
    reviewers of the finding's province, or the head of the authority whose plan the visit belongs to. Never
    the inspected unit (its head answers the finding; it does not judge it)."""
    if is_administrator(user):
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.unit_id is None:
        return False
    if user.role == Role.HOME_AFFAIRS:
        return unit_scope(user).contains(finding.unit)
    visit = finding.visit
    return (
        user.role == Role.UNIT_HEAD and visit is not None and can_manage_plans_for(user, visit.plan.authority)
    )


def visible_plans(user: User):
    """Plans of authorities the user may see. Inspected units below the authority do not see the plan (only
    its commitment, through ``in_authority_tree``)."""
    from inspections.models import InspectionPlan

    scope = unit_scope(user)
    if scope.nothing:
        return InspectionPlan.objects.none()
    return InspectionPlan.objects.filter(scope.as_q("authority__"))


def in_authority_tree(user: User, authority: OrgUnit) -> bool:
    """Everyone in the authority's tree may read a plan's commitment and published inputs."""
    if unit_scope(user).contains(authority):
        return True
    unit = getattr(user, "unit", None) if getattr(user, "is_authenticated", False) else None
    return unit is not None and unit.path.startswith(authority.path)


def _ancestor_paths(unit: OrgUnit) -> list[str]:
    return [unit.path[:end] for end in range(unit.steplen, len(unit.path) + 1, unit.steplen)]


def visible_visits(user: User, *, today=None):
    """Visits the user may see (rule 1 of DESIGN.md §3).

    A periodic visit, or a surprise visit once an inspector has checked in, is seen by whoever sees its unit.
    Before that a surprise visit does not exist for anyone in the inspected unit or under it, whatever their
    role; it is seen only by administrators, the province's Home Affairs reviewers, the head of the plan's
    authority, and its assigned inspectors from SURPRISE_LEAD_WORKING_DAYS before its date.
    """
    from django.conf import settings
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from inspections.models import Visit, VisitAssignment, VisitKind, VisitStatus
    from inspections.services.calendar import add_working_days

    scope = unit_scope(user)
    if scope.nothing:
        return Visit.objects.none()
    visits = Visit.objects.filter(scope.as_q("unit__"))
    if is_administrator(user):
        return visits
    revealed = Q(kind=VisitKind.PERIODIC) | ~Q(status=VisitStatus.PLANNED)
    authority_side = Q(pk__in=[])
    if user.role == Role.HOME_AFFAIRS:
        authority_side |= Q(plan__authority__path__startswith=scope.subtree_path)
    if user.role == Role.UNIT_HEAD:
        authority_side |= Q(plan__authority_id=user.unit_id)
    if user.role == Role.INSPECTOR:
        lead_date = add_working_days(today or timezone.localdate(), settings.SURPRISE_LEAD_WORKING_DAYS)
        assigned = VisitAssignment.objects.filter(visit=OuterRef("pk"), inspector=user)
        authority_side |= Q(Exists(assigned), planned_date__lte=lead_date)
    assert user.unit is not None  # a non-empty scope below administrator implies a unit
    insider = Q(unit__path__in=_ancestor_paths(user.unit))
    return visits.filter(revealed | (authority_side & ~insider))


def visible_findings(user: User, *, today=None):
    """Findings the user may see: those of visits they may see (rule 1 holds), and those confirmed from CCTV
    snapshots (no visit) at units they may see."""
    from inspections.models import Finding

    return Finding.objects.filter(finding_condition(user, today=today))


def visible_remediations(user: User, *, today=None):
    """Remediations of the findings the user may see (the same rule, joined to the finding rather than through
    a further subquery: the unit's inbox reads them this way, a third faster)."""
    from inspections.models import Remediation

    return Remediation.objects.filter(finding_condition(user, today=today, through="finding__"))


def finding_condition(user: User, *, today=None, through: str = "") -> Q:
    """The rule of ``visible_findings`` as a filter on Finding, or on a model reaching it through ``through``
    (``"finding__"``)."""
    return Q(**{f"{through}visit__in": visible_visits(user, today=today).values("pk")}) | Q(
        **{f"{through}visit__isnull": True, f"{through}unit__in": visible_units(user).values("pk")}
    )
