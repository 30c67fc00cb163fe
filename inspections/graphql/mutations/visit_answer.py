import graphene

from apikit.mutations import BaseMutation
from inspections.services.field import answer_criterion

from ..types.field import AnswerResultEnum, AnswerType
from ..types.plan import value_of
from .field_common import FieldError, device_of, visit_for


class AnswerCriterion(BaseMutation):
    """Pass, fail or not applicable for one criterion of the visit's checklist."""

    class Arguments:
        visit_id = graphene.ID(required=True)
        criterion_code = graphene.String(required=True)
        result = AnswerResultEnum(required=True)
        note = graphene.String()
        id = graphene.UUID(description="Client-generated id; resending it changes nothing.")

    answer = graphene.Field(AnswerType)

    class Meta:
        error_type_class = FieldError

    @classmethod
    def perform_mutation(cls, root, info, visit_id, criterion_code, result, note="", id=None):
        answer = answer_criterion(visit_for(info, visit_id), actor=info.context.user, criterion_code=criterion_code,
                                  result=value_of(result), note=note or "", client_id=id, device=device_of(info))
        return cls(answer=answer)
