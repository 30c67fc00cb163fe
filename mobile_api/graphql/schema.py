import graphene

from apikit.dataloaders import share_batch
from apikit.errors import unauthenticated
from inspections.graphql.field.types import ChecklistTemplateType, FindingType
from inspections.graphql.plans.types import VisitNode
from mobile_api.bundle import assignment_bundle
from mobile_api.services import active_devices

from .mutations.device_revoke import Logout, RevokeDevice
from .mutations.mobile_login import MobileLogin
from .mutations.sync_batch import SyncBatch
from .types import Device


class BundleVisit(graphene.ObjectType):
    visit = graphene.Field(VisitNode, required=True, description="With its unit, address and geofence.")
    template = graphene.Field(ChecklistTemplateType, description="The checklist version to work.")
    open_findings = graphene.List(
        graphene.NonNull(FindingType),
        required=True,
        description="Earlier findings of the unit, current versions.",
    )


class AssignmentBundle(graphene.ObjectType):
    version = graphene.String(required=True, description="Changes whenever anything in the bundle changes.")
    unchanged = graphene.Boolean(required=True, description="True when `knownVersion` is still current.")
    visits = graphene.List(graphene.NonNull(BundleVisit), required=True)


class MobileQueries(graphene.ObjectType):
    assignment_bundle = graphene.Field(
        AssignmentBundle,
        known_version=graphene.String(),
        description=(
            "Everything the phone needs for its assigned visits before going offline. Without valid credentials "
            "an UNAUTHENTICATED error."
        ),
    )

    @staticmethod
    def resolve_assignment_bundle(root, info, known_version=None):
        if not info.context.user.is_authenticated:
            raise unauthenticated()
        bundle = assignment_bundle(info.context.user)
        if known_version == bundle.version:
            return AssignmentBundle(version=bundle.version, unchanged=True, visits=[])
        # The visits and the findings are each one batch for the loaders of their relations.
        share_batch(entry.visit for entry in bundle.visits)
        share_batch(entry.open_findings for entry in bundle.visits)
        return AssignmentBundle(
            version=bundle.version,
            unchanged=False,
            visits=[
                BundleVisit(visit=entry.visit, template=entry.template, open_findings=entry.open_findings)
                for entry in bundle.visits
            ],
        )

    my_devices = graphene.List(
        graphene.NonNull(Device), required=True, description="Your signed-in devices that are still active."
    )

    @staticmethod
    def resolve_my_devices(root, info):
        user = info.context.user
        if not user.is_authenticated:
            raise unauthenticated()
        return active_devices(user).order_by("-created_at")


class MobileMutations(graphene.ObjectType):
    mobile_login = MobileLogin.Field()
    revoke_device = RevokeDevice.Field()
    logout = Logout.Field()
    sync_batch = SyncBatch.Field()
