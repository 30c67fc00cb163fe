import graphene

from apikit.mutations import BaseMutation
from inspections.services.field import submit_visit

from ..types.plan import VisitNode
from .field_common import FieldError, device_of, visit_for


class SubmitVisit(BaseMutation):
    """Submit the visit once every criterion is answered. Its findings and evidence are then fixed."""

    class Arguments:
        visit_id = graphene.ID(required=True)

    visit = graphene.Field(VisitNode)

    class Meta:
        error_type_class = FieldError

    @classmethod
    def perform_mutation(cls, root, info, visit_id):
        return cls(visit=submit_visit(visit_for(info, visit_id), actor=info.context.user, device=device_of(info)))
