import graphene

from inspections.graphql.lookups import device_of, get_remediation
from inspections.graphql.remediation.mutations.remediation_move import RemediationMove
from inspections.services import remediation as service


class AnswerFinding(RemediationMove):
    """The unit's answer (a plan of action, the fix done, photos uploaded with uploadRemediationEvidence), given
    in the head's name."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        plan_of_action = graphene.String(required=True)
        fix_done = graphene.String()
        fixed_on = graphene.Date()
        evidence_ids = graphene.List(graphene.NonNull(graphene.UUID))
        version = graphene.Int()

    service_call = staticmethod(service.answer)  # what the answer goes to (a draft takes the same input)

    @classmethod
    def perform_mutation(cls, root, info, finding_id, plan_of_action, version=None, **data):
        answer = service.AnswerInput(
            plan_of_action=plan_of_action,
            fix_done=data.get("fix_done") or "",
            fixed_on=data.get("fixed_on"),
            evidence_ids=tuple(data.get("evidence_ids") or ()),
        )
        return cls(
            remediation=cls.service_call(
                get_remediation(info.context.user, finding_id),
                answer,
                actor=info.context.user,
                version=version,
                device=device_of(info),
            )
        )
