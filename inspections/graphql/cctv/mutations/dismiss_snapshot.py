import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.cctv.mutations.confirm_snapshot import snapshot_pk
from inspections.graphql.cctv.types import CctvError, SnapshotType
from inspections.graphql.lookups import device_of
from inspections.services import snapshot_review as review


class DismissSnapshot(BaseMutation):
    """Dismiss a flagged snapshot and its group, saying why."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    dismissed = graphene.Int(description="How many snapshots were dismissed (0 when already dismissed).")
    snapshot = graphene.Field(SnapshotType)

    class Meta:
        error_type_class = CctvError

    @classmethod
    def perform_mutation(cls, root, info, id, reason):
        count = review.dismiss(info.context.user, snapshot_pk(id), reason=reason, device=device_of(info))
        snapshot = review.reviewable_snapshots(info.context.user).filter(pk=snapshot_pk(id)).first()
        return cls(dismissed=count, snapshot=snapshot)

