import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.enums import CoverageScope, value_of
from inspections.graphql.lookups import get_inspectors, get_plan
from inspections.graphql.plans.mutations.create_plan import _decimal
from inspections.graphql.plans.types import Plan, PlanError
from inspections.services.plans import update_plan


class UpdatePlan(BaseMutation):
    """Change a draft plan (an approved plan is fixed)."""

    class Arguments:
        id = graphene.ID(required=True)
        title = graphene.String()
        year = graphene.Int()
        quarter = graphene.Int()
        coverage_target = graphene.Float()
        scope = CoverageScope()
        surprise_share = graphene.Float()
        inspector_ids = graphene.List(graphene.NonNull(graphene.ID))

    plan = graphene.Field(Plan)

    class Meta:
        error_type_class = PlanError

    @classmethod
    def perform_mutation(cls, root, info, id, **data):
        user = info.context.user
        plan = get_plan(user, id)
        changes = {name: data[name] for name in ("title", "year", "quarter") if name in data}
        for name in ("coverage_target", "surprise_share"):
            if data.get(name) is not None:
                changes[name] = _decimal(data[name])
        if data.get("scope") is not None:
            changes["scope"] = value_of(data["scope"])
        if data.get("inspector_ids") is not None:
            changes["inspectors"] = get_inspectors(user, data["inspector_ids"])
        return cls(plan=update_plan(plan, actor=user, **changes))
