import graphene

from inspections.models import CoverageScope as CoverageScopeChoices
from inspections.models import OrgUnitKind as OrgUnitKindChoices
from inspections.models import PlanStatus as PlanStatusChoices
from inspections.models import Role as RoleChoices
from inspections.models import VisitKind as VisitKindChoices
from inspections.models import VisitStatus as VisitStatusChoices

OrgUnitKind = graphene.Enum(
    "OrgUnitKind",
    [(value.upper(), value) for value in OrgUnitKindChoices.values],
    description="Kind of org unit.",
)
Role = graphene.Enum(
    "Role", [(value.upper(), value) for value in RoleChoices.values], description="A user's role."
)


def choices_enum(name: str, choices, description: str):
    return graphene.Enum(name, [(value.upper(), value) for value in choices.values], description=description)


PlanStatus = choices_enum(
    "PlanStatus", PlanStatusChoices, "draft → approved (drawn, committed) → closed (seed revealed)."
)
CoverageScope = choices_enum("CoverageScope", CoverageScopeChoices, "Which units a plan must cover.")
VisitKind = choices_enum("VisitKind", VisitKindChoices, "Periodic (chosen by people) or surprise (drawn).")
VisitStatus = choices_enum("VisitStatus", VisitStatusChoices, "planned → in progress → submitted → closed.")


def value_of(enum_member):
    """The plain value of a graphene enum argument (graphene hands in either the member or its value)."""
    return getattr(enum_member, "value", enum_member)
