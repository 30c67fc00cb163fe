import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.lookups import get_inspectors, get_visit
from inspections.graphql.plans.types import PlanError, VisitNode
from inspections.services.plans import assign_inspectors


class AssignInspectors(BaseMutation):
    """Set the inspectors of a visit. Refuses anyone who belongs to the inspected unit or a unit under it
    (CONFLICT_OF_INTEREST) and anyone already fully booked that day (INSPECTOR_OVERBOOKED)."""

    class Arguments:
        visit_id = graphene.ID(required=True)
        inspector_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    visit = graphene.Field(VisitNode)

    class Meta:
        error_type_class = PlanError

    @classmethod
    def perform_mutation(cls, root, info, visit_id, inspector_ids):
        user = info.context.user
        visit = get_visit(user, visit_id)
        return cls(visit=assign_inspectors(visit, get_inspectors(user, inspector_ids), actor=user))
