import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.lookups import get_inspectors, get_plan, get_visit
from inspections.graphql.plans.types import PlanError, VisitNode
from inspections.services.plans import assign_inspectors_bulk


class VisitAssignmentInput(graphene.InputObjectType):
    visit_id = graphene.ID(required=True)
    inspector_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)


class AssignInspectorsBulk(BaseMutation):
    """Set the inspectors of many visits of a plan in one transaction, all or nothing. Each refused visit
    answers its own errors on ``assignments.<i>.inspectorIds`` (CONFLICT_OF_INTEREST, INSPECTOR_OVERBOOKED
    counting the other visits of the call, NOT_AN_INSPECTOR, REQUIRED) or ``assignments.<i>.visitId``."""

    class Arguments:
        plan_id = graphene.ID(required=True)
        assignments = graphene.List(graphene.NonNull(VisitAssignmentInput), required=True)

    visits = graphene.List(
        graphene.NonNull(VisitNode), description="The visits assigned (null when refused)."
    )

    class Meta:
        error_type_class = PlanError

    @classmethod
    def perform_mutation(cls, root, info, plan_id, assignments):
        user = info.context.user
        plan = get_plan(user, plan_id, field="plan_id")
        pairs = [
            (
                get_visit(user, item.visit_id, field=f"assignments.{index}.visit_id"),
                get_inspectors(user, item.inspector_ids, field=f"assignments.{index}.inspector_ids"),
            )
            for index, item in enumerate(assignments)
        ]
        return cls(visits=assign_inspectors_bulk(plan, pairs, actor=user))
