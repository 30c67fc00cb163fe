"""Loaders of units and people for the relations of lists (a unit's parent and head, a user's unit)."""

from apikit.dataloaders import DataLoader, by_key
from inspections.models import OrgUnit, User

UNEXPOSED_UNIT_COLUMNS = ("created_at", "updated_at", "search_name")
UNEXPOSED_USER_COLUMNS = ("password", "last_login", "date_joined", "is_superuser", "is_staff")


class OrgUnitByIdLoader(DataLoader):
    """Units by id, whoever may see them: the resolvers check the caller's scope as they did for ``row.unit``."""

    def batch_load(self, keys):
        units = OrgUnit.objects.filter(pk__in=keys).defer(*UNEXPOSED_UNIT_COLUMNS)
        return by_key(units, lambda unit: unit.pk, keys)


class UserByIdLoader(DataLoader):
    """People by id (a head, an assignee, who drafted an answer), with their unit."""

    def batch_load(self, keys):
        users = (
            User.objects.filter(pk__in=keys)
            .select_related("unit")
            .defer(*UNEXPOSED_USER_COLUMNS, *(f"unit__{c}" for c in UNEXPOSED_UNIT_COLUMNS))
        )
        return by_key(users, lambda user: user.pk, keys)
