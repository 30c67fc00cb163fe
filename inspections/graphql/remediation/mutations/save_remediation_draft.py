import graphene

from inspections.graphql.lookups import device_of, get_remediation
from inspections.graphql.remediation.mutations.remediation_move import RemediationMove
from inspections.services import remediation as service


class SaveRemediationDraft(RemediationMove):
    """A draft of the unit's answer (by the staff member the head assigned, or the head): the finding stays
    waiting for the unit, the reviewers see nothing, and the head is told a draft waits."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        plan_of_action = graphene.String(required=True)
        fix_done = graphene.String()
        fixed_on = graphene.Date()
        evidence_ids = graphene.List(graphene.NonNull(graphene.UUID))
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, plan_of_action, version=None, **data):
        draft = service.AnswerInput(
            plan_of_action=plan_of_action,
            fix_done=data.get("fix_done") or "",
            fixed_on=data.get("fixed_on"),
            evidence_ids=tuple(data.get("evidence_ids") or ()),
        )
        return cls(
            remediation=service.save_draft(
                get_remediation(info.context.user, finding_id),
                draft,
                actor=info.context.user,
                version=version,
                device=device_of(info),
            )
        )
