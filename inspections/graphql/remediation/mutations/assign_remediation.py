import graphene

from inspections.graphql.lookups import device_of, get_remediation, get_visible
from inspections.graphql.remediation.mutations.remediation_move import RemediationMove
from inspections.models import Role, User
from inspections.services import remediation as service


class AssignRemediation(RemediationMove):
    """The head hands the drafting of an answer to a staff member of the unit (null takes it back)."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        assignee_id = graphene.ID()
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, assignee_id=None, version=None):
        user = info.context.user
        remediation = get_remediation(user, finding_id)
        staff = None
        if assignee_id is not None:
            # Only the unit's staff can be named: anyone else is NOT_FOUND, as from the people one cannot see.
            staff = get_visible(
                User.objects.filter(unit_id=remediation.unit_id, role=Role.UNIT_STAFF),
                assignee_id,
                "User",
                field="assignee_id",
            )
        return cls(
            remediation=service.assign(
                remediation, staff, actor=user, version=version, device=device_of(info)
            )
        )
