"""Who may do what where, for the portal's lists: the authorities whose plans a user makes."""

from inspections.models import OrgUnit, User
from inspections.services.visibility import can_manage_plans_for, unit_scope


def plan_authorities(user: User) -> list[OrgUnit]:
    """The units with units below them whose plans ``user`` may make (Home Affairs: the province and the units
    in it that have subordinates; a head: their own unit when it has some)."""
    scope = unit_scope(user)
    if scope.nothing:
        return []
    candidates = OrgUnit.objects.filter(scope.as_q(), numchild__gt=0).order_by("path")[:500]
    return [unit for unit in candidates if can_manage_plans_for(user, unit)]
