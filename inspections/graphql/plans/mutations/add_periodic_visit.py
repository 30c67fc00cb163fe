import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.lookups import get_plan, get_unit
from inspections.graphql.plans.types import Plan, PlanError, VisitNode
from inspections.services.plans import add_periodic_visit


class AddPeriodicVisit(BaseMutation):
    """Add a periodic visit (unit and date chosen by people) to a draft plan."""

    class Arguments:
        plan_id = graphene.ID(required=True)
        unit_id = graphene.ID(required=True)
        date = graphene.Date(required=True)

    visit = graphene.Field(VisitNode)
    plan = graphene.Field(Plan)

    class Meta:
        error_type_class = PlanError

    @classmethod
    def perform_mutation(cls, root, info, plan_id, unit_id, date):
        user = info.context.user
        plan = get_plan(user, plan_id, "plan_id")
        unit = get_unit(user, unit_id, "unit_id")
        return cls(visit=add_periodic_visit(plan, unit, date, actor=user), plan=plan)
