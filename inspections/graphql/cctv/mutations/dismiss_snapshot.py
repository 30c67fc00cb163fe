import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.cctv.types import CctvError, SnapshotType
from inspections.graphql.lookups import device_of, get_visible
from inspections.services import snapshot_review as review


class DismissSnapshot(BaseMutation):
    """Dismiss a flagged snapshot and its group, saying why."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    dismissed = graphene.Int(description="How many snapshots were dismissed (0 when already dismissed).")
    snapshot = graphene.Field(SnapshotType)

    login_required = True

    class Meta:
        error_type_class = CctvError

    @classmethod
    def perform_mutation(cls, root, info, id, reason):
        user = info.context.user
        snapshot = get_visible(review.reviewable_snapshots(user), id, "Snapshot", field="id")
        count = review.dismiss(snapshot, actor=user, reason=reason, device=device_of(info))
        snapshot.refresh_from_db()
        return cls(dismissed=count, snapshot=snapshot)
