import graphene

from inspections.graphql.lookups import device_of, get_remediation
from inspections.graphql.remediation.mutations.remediation_move import RemediationMove
from inspections.services import remediation as service


class SubmitRemediationDraft(RemediationMove):
    """The head submits the staff's draft as the unit's answer in the head's name, as it is, or edited when
    ``planOfAction`` is given (then the other fields given replace the draft's too)."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        plan_of_action = graphene.String()
        fix_done = graphene.String()
        fixed_on = graphene.Date()
        evidence_ids = graphene.List(graphene.NonNull(graphene.UUID))
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, plan_of_action=None, version=None, **data):
        edited = None
        if plan_of_action is not None:
            edited = service.AnswerInput(
                plan_of_action=plan_of_action,
                fix_done=data.get("fix_done") or "",
                fixed_on=data.get("fixed_on"),
                evidence_ids=tuple(data.get("evidence_ids") or ()),
            )
        return cls(
            remediation=service.submit_draft(
                get_remediation(info.context.user, finding_id),
                edited,
                actor=info.context.user,
                version=version,
                device=device_of(info),
            )
        )
