import graphene

from apikit.types import decode_id
from inspections.error_codes import RemediationErrorCode, fail
from inspections.graphql.lookups import device_of
from inspections.graphql.remediation.mutations.remediation_move import RemediationMove, finding_pk
from inspections.models import User
from inspections.services import remediation as service


class AssignRemediation(RemediationMove):
    """The head hands the drafting of an answer to a staff member of the unit (null takes it back)."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        assignee_id = graphene.ID()
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, assignee_id=None, version=None):
        staff = None
        if assignee_id is not None:
            staff = User.objects.filter(pk=decode_id(assignee_id, "User") or 0).first()
            if staff is None:
                raise fail(RemediationErrorCode.INVALID, "Assign a staff member of the unit.", "assignee_id")
        return cls(remediation=service.assign(info.context.user, finding_pk(finding_id), staff, version=version,
                                              device=device_of(info)))

