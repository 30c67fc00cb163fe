import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.enums import CoverageScope, value_of
from inspections.graphql.lookups import get_inspectors, get_unit
from inspections.graphql.plans.types import Plan, PlanError
from inspections.services.plans import create_plan


class CreatePlan(BaseMutation):
    """Start a draft plan for an inspecting authority (a province, a department, a ward or commune)."""

    class Arguments:
        authority_id = graphene.ID(required=True)
        title = graphene.String(required=True)
        year = graphene.Int(required=True)
        quarter = graphene.Int(description="1–4 for a quarterly plan; omit for a yearly plan.")
        coverage_target = graphene.Float(description="Share of units to visit; default 0.3.")
        scope = CoverageScope(description="Direct subordinate units (default) or the whole subtree.")
        surprise_share = graphene.Float(
            description="Share of the target made of surprise visits; default 0.5."
        )
        inspector_ids = graphene.List(graphene.NonNull(graphene.ID), description="The inspection team.")

    plan = graphene.Field(Plan)

    class Meta:
        error_type_class = PlanError

    @classmethod
    def perform_mutation(cls, root, info, authority_id, title, year, **data):
        user = info.context.user
        authority = get_unit(user, authority_id, "authority_id")
        inspectors = get_inspectors(user, data.get("inspector_ids") or [])
        plan = create_plan(
            actor=user,
            authority=authority,
            title=title,
            year=year,
            quarter=data.get("quarter"),
            coverage_target=_decimal(data.get("coverage_target")),
            scope=value_of(data.get("scope")),
            surprise_share=_decimal(data.get("surprise_share")),
            inspectors=inspectors,
        )
        return cls(plan=plan)


def _decimal(value):
    from decimal import Decimal

    return None if value is None else Decimal(str(value))
