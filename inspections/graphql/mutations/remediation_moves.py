"""The remediation moves, one mutation each. Every one takes the finding's global id and, optionally, the
``version`` the caller saw: a move made against an older version answers CONFLICT and changes nothing."""

import graphene

from apikit.mutations import BaseMutation, error_type
from apikit.types import decode_id
from inspections.error_codes import RemediationErrorCode, fail
from inspections.models import User
from inspections.services import remediation as service

from ..types.remediation import RemediationType
from .field_common import device_of

RemediationError = error_type("RemediationError", RemediationErrorCode)


def finding_pk(global_id: str) -> int:
    return decode_id(global_id, "Finding") or 0


class RemediationMove(BaseMutation):
    remediation = graphene.Field(RemediationType)

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, **options):
        options.setdefault("error_type_class", RemediationError)
        super().__init_subclass_with_meta__(**options)


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

    @classmethod
    def perform_mutation(cls, root, info, finding_id, plan_of_action, version=None, **data):
        answer = service.AnswerInput(plan_of_action=plan_of_action, fix_done=data.get("fix_done") or "",
                                     fixed_on=data.get("fixed_on"), evidence_ids=tuple(data.get("evidence_ids") or ()))
        return cls(remediation=service.answer(info.context.user, finding_pk(finding_id), answer, version=version,
                                              device=device_of(info)))


class AcceptRemediation(RemediationMove):
    class Arguments:
        finding_id = graphene.ID(required=True)
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, version=None):
        return cls(remediation=service.accept(info.context.user, finding_pk(finding_id), version=version,
                                              device=device_of(info)))


class RejectRemediation(RemediationMove):
    """Send the answer back to the unit with the reason (it stays in the history)."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        reason = graphene.String(required=True)
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, reason, version=None):
        return cls(remediation=service.reject(info.context.user, finding_pk(finding_id), reason, version=version,
                                              device=device_of(info)))


class VerifyRemediation(RemediationMove):
    """The fix is checked: the finding is closed."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, version=None):
        return cls(remediation=service.verify(info.context.user, finding_pk(finding_id), version=version,
                                              device=device_of(info)))


class RequestExtension(RemediationMove):
    """Ask once for a later deadline, with a reason."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        until = graphene.Date(required=True)
        reason = graphene.String(required=True)
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, until, reason, version=None):
        return cls(remediation=service.request_extension(info.context.user, finding_pk(finding_id), until, reason,
                                                         version=version, device=device_of(info)))


class DecideExtension(RemediationMove):
    """Grant (the deadline moves; the original stays on record) or refuse a request for more time."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        grant = graphene.Boolean(required=True)
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, grant, version=None):
        return cls(remediation=service.decide_extension(info.context.user, finding_pk(finding_id), grant,
                                                        version=version, device=device_of(info)))
