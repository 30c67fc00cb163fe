import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.enums import value_of
from inspections.graphql.field.types import AnswerResultEnum, AnswerType, FieldError
from inspections.graphql.lookups import device_of, get_visit
from inspections.services.field import answer_criterion


class AnswerCriterion(BaseMutation):
    """Pass, fail or not applicable for one criterion of the visit's checklist."""

    class Arguments:
        visit_id = graphene.ID(required=True)
        criterion_code = graphene.String(required=True)
        result = AnswerResultEnum(required=True)
        note = graphene.String()
        id = graphene.UUID(description="Client-generated id; resending it changes nothing.")

    answer = graphene.Field(AnswerType)

    login_required = True

    class Meta:
        error_type_class = FieldError

    @classmethod
    def perform_mutation(cls, root, info, visit_id, criterion_code, result, note="", id=None):
        answer = answer_criterion(
            get_visit(info.context.user, visit_id),
            actor=info.context.user,
            criterion_code=criterion_code,
            result=value_of(result),
            note=note or "",
            client_id=id,
            device=device_of(info),
        )
        return cls(answer=answer)
