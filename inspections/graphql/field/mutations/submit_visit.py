import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.field.types import FieldError
from inspections.graphql.lookups import device_of, get_visit
from inspections.graphql.plans.types import VisitNode
from inspections.services.field import submit_visit


class SubmitVisit(BaseMutation):
    """Submit the visit once every criterion is answered. Its findings and evidence are then fixed."""

    class Arguments:
        visit_id = graphene.ID(required=True)

    visit = graphene.Field(VisitNode)

    login_required = True

    class Meta:
        error_type_class = FieldError

    @classmethod
    def perform_mutation(cls, root, info, visit_id):
        return cls(
            visit=submit_visit(
                get_visit(info.context.user, visit_id), actor=info.context.user, device=device_of(info)
            )
        )
