import graphene

from apikit.dataloaders import share_batch
from apikit.types import decode_id
from inspections.graphql.cctv.mutations.confirm_snapshot import ConfirmSnapshot
from inspections.graphql.cctv.mutations.dismiss_snapshot import DismissSnapshot
from inspections.graphql.cctv.types import CameraHealthType, SnapshotReviewItem
from inspections.services import snapshot_review as review
from inspections.services.visibility import visible_units


class CctvQueries(graphene.ObjectType):
    snapshot_review_queue = graphene.List(
        graphene.NonNull(SnapshotReviewItem),
        required=True,
        unit=graphene.ID(),
        first=graphene.Int(default_value=50),
        description="Flagged snapshots to review at units you may see, most serious first, grouped per camera "
        "and flag. Empty for the inspected units.",
    )
    camera_health = graphene.List(
        graphene.NonNull(CameraHealthType),
        required=True,
        unit=graphene.ID(required=True),
        description="Per camera of the unit: last snapshot and share of tamper flags.",
    )

    @staticmethod
    def resolve_snapshot_review_queue(root, info, unit=None, first=50):
        user = info.context.user
        scope = None
        if unit is not None:
            scope = visible_units(user).filter(pk=decode_id(unit, "OrgUnit") or 0).first()
            if scope is None:
                return []
        # An explicit null takes the default; the page rule already refused sizes outside 1..the maximum.
        items = review.review_queue(user, unit=scope, limit=max(1, min(50 if first is None else first, 200)))
        share_batch(item.snapshot for item in items)
        share_batch(item.camera for item in items)
        return items

    @staticmethod
    def resolve_camera_health(root, info, unit):
        found = visible_units(info.context.user).filter(pk=decode_id(unit, "OrgUnit") or 0).first()
        rows = review.camera_health(info.context.user, found) if found is not None else []
        share_batch(row.camera for row in rows)
        return rows


class CctvMutations(graphene.ObjectType):
    confirm_snapshot = ConfirmSnapshot.Field()
    dismiss_snapshot = DismissSnapshot.Field()
