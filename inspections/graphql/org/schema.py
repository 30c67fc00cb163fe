import graphene
from graphene_django.fields import DjangoConnectionField

from apikit.dataloaders import share_batch
from apikit.types import decode_id
from inspections.graphql.enums import OrgUnitKind
from inspections.graphql.org.mutations.org_unit_update import OrgUnitUpdate
from inspections.graphql.org.types import OrgUnit, User
from inspections.models import OrgUnit as OrgUnitModel
from inspections.models.org import fold_for_search
from inspections.services.org import unit_staff
from inspections.services.visibility import visible_units


class OrgQueries(graphene.ObjectType):
    me = graphene.Field(User, description="The signed-in user, or null.")
    org_unit = graphene.Field(
        OrgUnit, id=graphene.ID(required=True), description="One unit the caller may see."
    )
    unit_staff = graphene.List(
        graphene.NonNull(User),
        unit_id=graphene.ID(required=True),
        required=True,
        description="The unit's active staff members (whom its head assigns findings to): for the unit's own "
        "head and staff and the authorities above it; empty for anyone else.",
    )
    org_units = DjangoConnectionField(
        OrgUnit,
        parent=graphene.ID(description="Only the direct children of this unit."),
        under=graphene.ID(description="Only units anywhere under this unit."),
        kind=OrgUnitKind(),
        search=graphene.String(description="Part of the name (accents optional) or the start of the code."),
        description="Units the caller may see, in tree order.",
    )

    @staticmethod
    def resolve_me(root, info):
        user = info.context.user
        return user if user.is_authenticated else None

    @staticmethod
    def resolve_org_unit(root, info, id):
        pk = decode_id(id, "OrgUnit")
        return OrgUnit.get_node(info, pk) if pk is not None else None

    @staticmethod
    def resolve_unit_staff(root, info, unit_id):
        pk = decode_id(unit_id, "OrgUnit")
        unit = visible_units(info.context.user).filter(pk=pk).first() if pk is not None else None
        if unit is None:
            return []
        return share_batch(unit_staff(unit, viewer=info.context.user))

    @staticmethod
    def resolve_org_units(root, info, parent=None, under=None, kind=None, search=None, **_kwargs):
        units = OrgUnitModel.objects.order_by("path")
        if parent is not None:
            units = units.filter(parent_id=decode_id(parent, "OrgUnit") or 0)
        if under is not None:
            pk = decode_id(under, "OrgUnit") or 0
            anchor = OrgUnitModel.objects.filter(pk=pk).values_list("path", flat=True).first()
            units = units.filter(path__startswith=anchor).exclude(pk=pk) if anchor else units.none()
        if kind is not None:
            units = units.filter(kind=getattr(kind, "value", kind))
        if search:
            term = search.strip()
            units = units.filter(search_name__contains=fold_for_search(term)) | units.filter(
                code__startswith=term
            )
        return units


class OrgMutations(graphene.ObjectType):
    update_org_unit = OrgUnitUpdate.Field()
