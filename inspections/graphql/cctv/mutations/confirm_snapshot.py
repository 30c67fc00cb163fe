import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.cctv.types import CctvError
from inspections.graphql.enums import value_of
from inspections.graphql.field.types import FindingType, SeverityEnum
from inspections.graphql.lookups import device_of, get_visible
from inspections.services import snapshot_review as review


class ConfirmSnapshot(BaseMutation):
    """Confirm a flagged snapshot (with the open snapshots grouped with it): one finding on the unit, the
    snapshot as its evidence. Sent twice, it answers the same finding."""

    class Arguments:
        id = graphene.ID(required=True)
        criterion_code = graphene.String(description="Defaults to the flag's criterion (CCTV_FLAG_CRITERIA).")
        severity = SeverityEnum(description="Defaults to the flag's severity (CCTV_FLAG_SEVERITY).")
        note = graphene.String()

    finding = graphene.Field(FindingType)
    snapshots = graphene.Int(description="How many snapshots the finding covers.")
    created = graphene.Boolean()

    login_required = True

    class Meta:
        error_type_class = CctvError

    @classmethod
    def perform_mutation(cls, root, info, id, **data):
        user = info.context.user
        snapshot = get_visible(review.reviewable_snapshots(user), id, "Snapshot", field="id")
        result = review.confirm(
            snapshot,
            actor=user,
            criterion_code=data.get("criterion_code"),
            severity=value_of(data.get("severity")),
            note=data.get("note") or "",
            device=device_of(info),
        )
        return cls(finding=result.finding, snapshots=result.snapshots, created=result.created)
