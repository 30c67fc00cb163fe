import graphene
from django.db.models import Prefetch
from graphene_django import DjangoObjectType

from apikit.dataloaders import BatchedConnection, related
from apikit.types import Node
from inspections.graphql.enums import OrgUnitKind, Role
from inspections.graphql.org.dataloaders import (
    UNEXPOSED_UNIT_COLUMNS,
    UNEXPOSED_USER_COLUMNS,
    OrgUnitByIdLoader,
    UserByIdLoader,
)
from inspections.models import OrgUnit as OrgUnitModel
from inspections.models import User as UserModel
from inspections.services.visibility import can_see_unit, is_administrator, unit_scope


class Geofence(graphene.ObjectType):
    """The office's position and the radius within which a check-in counts as on site."""

    latitude = graphene.Float(required=True)
    longitude = graphene.Float(required=True)
    radius_meters = graphene.Int(required=True)


class OrgUnit(DjangoObjectType):
    """A unit of the administrative tree: a province, a department (Sở), a ward, commune or district."""

    kind = graphene.Field(OrgUnitKind, required=True)
    parent = graphene.Field(lambda: OrgUnit, description="The unit above, when the caller may see it.")
    head = graphene.Field(lambda: User, description="The head (người đứng đầu), accountable for findings.")
    geofence = graphene.Field(Geofence)
    child_count = graphene.Int(required=True)

    class Meta:
        model = OrgUnitModel
        name = "OrgUnit"
        interfaces = (Node,)
        fields = ("id", "code", "name", "address", "depth")
        connection_class = BatchedConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        # Columns no field exposes are left in the database: lists of hundreds of units load three model
        # instances a row (unit, parent, head), and converting unused dates is most of the ORM's cost.
        # Parents are prefetched rather than joined: a page of siblings shares one parent, loaded once.
        return (
            queryset.filter(unit_scope(info.context.user).as_q())
            .select_related("head")
            .prefetch_related(Prefetch("parent", OrgUnitModel.objects.defer(*UNEXPOSED_UNIT_COLUMNS)))
            .defer(*UNEXPOSED_UNIT_COLUMNS, *(f"head__{c}" for c in UNEXPOSED_USER_COLUMNS))
        )

    @staticmethod
    def resolve_kind(root, info):
        return str(root.kind)  # a TextChoices member hashes by name, not value

    @staticmethod
    def resolve_parent(root, info):
        parent = related(info, root, "parent", OrgUnitByIdLoader)
        if parent is None or not can_see_unit(info.context.user, parent):
            return None
        return parent

    @staticmethod
    def resolve_head(root, info):
        return related(info, root, "head", UserByIdLoader)

    @staticmethod
    def resolve_child_count(root, info):
        return root.numchild

    @staticmethod
    def resolve_geofence(root, info):
        if not root.has_geofence:
            return None
        return Geofence(
            latitude=root.geofence_latitude,
            longitude=root.geofence_longitude,
            radius_meters=root.geofence_radius_m,
        )


class User(DjangoObjectType):
    """A person using the system. Contact details are shown to the person and to administrators only."""

    role = graphene.Field(Role, required=True)
    full_name = graphene.String(required=True)
    unit = graphene.Field(OrgUnit)
    email = graphene.String()
    phone = graphene.String()

    class Meta:
        model = UserModel
        name = "User"
        interfaces = (Node,)
        fields = ("id", "username", "language")

    @classmethod
    def get_queryset(cls, queryset, info):
        user = info.context.user
        scope = unit_scope(user)
        own = queryset.filter(pk=user.pk) if user.is_authenticated else queryset.none()
        if scope.nothing:
            return own
        return (queryset.filter(scope.as_q("unit__")) | own).select_related("unit")

    @staticmethod
    def resolve_role(root, info):
        return str(root.role)  # a TextChoices member hashes by name, not value

    @staticmethod
    def resolve_full_name(root, info):
        return root.display_name

    @staticmethod
    def resolve_unit(root, info):
        unit = related(info, root, "unit", OrgUnitByIdLoader)
        if unit is None or not can_see_unit(info.context.user, unit):
            return None
        return unit

    @staticmethod
    def _private(root, info, value):
        viewer = info.context.user
        return (
            value if viewer.is_authenticated and (viewer.pk == root.pk or is_administrator(viewer)) else None
        )

    @classmethod
    def resolve_email(cls, root, info):
        return cls._private(root, info, root.email)

    @classmethod
    def resolve_phone(cls, root, info):
        return cls._private(root, info, root.phone)
