import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.lookups import get_plan
from inspections.graphql.plans.types import Plan, PlanError
from inspections.services.plans import approve_plan


class ApprovePlan(BaseMutation):
    """Approve a draft plan: draws the surprise visits and publishes the commitment (SHA-256 of the secret
    seed) and the draw's inputs. Which units were drawn is not part of the answer."""

    class Arguments:
        id = graphene.ID(required=True)

    plan = graphene.Field(Plan)
    commitment = graphene.String()

    class Meta:
        error_type_class = PlanError

    @classmethod
    def perform_mutation(cls, root, info, id):
        user = info.context.user
        plan = approve_plan(get_plan(user, id), actor=user)
        return cls(plan=plan, commitment=plan.commitment)
