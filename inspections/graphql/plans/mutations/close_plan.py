import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.lookups import get_plan
from inspections.graphql.plans.types import Plan, PlanError
from inspections.services.plans import close_plan


class ClosePlan(BaseMutation):
    """Close an approved plan once its period is over (or every surprise visit has happened): reveals the
    seed so that anyone can verify the draw."""

    class Arguments:
        id = graphene.ID(required=True)

    plan = graphene.Field(Plan)
    revealed_seed = graphene.String()

    class Meta:
        error_type_class = PlanError

    @classmethod
    def perform_mutation(cls, root, info, id):
        user = info.context.user
        plan = close_plan(get_plan(user, id), actor=user)
        return cls(plan=plan, revealed_seed=plan.revealed_seed)
