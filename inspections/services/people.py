"""Who works where, for the portal's lists: a unit's staff (to assign a finding to)."""

from inspections.models import OrgUnit, Role, User


def unit_staff(unit: OrgUnit) -> list[User]:
    """The active staff members of ``unit``, family name first in order."""
    return list(
        User.objects.filter(unit=unit, role=Role.UNIT_STAFF, is_active=True).order_by(
            "last_name", "first_name", "pk"
        )
    )


def plan_authorities(user: User) -> list[OrgUnit]:
    """The units with units below them whose plans ``user`` may make (Home Affairs: the province and the units
    in it that have subordinates; a head: their own unit when it has some)."""
    from inspections.services.visibility import can_manage_plans_for, unit_scope

    scope = unit_scope(user)
    if scope.nothing:
        return []
    candidates = OrgUnit.objects.filter(scope.as_q(), numchild__gt=0).order_by("path")[:500]
    return [unit for unit in candidates if can_manage_plans_for(user, unit)]


def inspectors_for(authority: OrgUnit) -> list[User]:
    """The active inspectors who may inspect for ``authority`` (its inspectorate, or one above it)."""
    from inspections.services.visibility import unit_scope

    province = authority.ancestor_path(1)
    candidates = User.objects.filter(
        role=Role.INSPECTOR, is_active=True, unit__path__startswith=province
    ).select_related("unit")
    return sorted(
        (user for user in candidates if unit_scope(user).contains(authority)),
        key=lambda user: (user.last_name, user.first_name, user.pk),
    )
