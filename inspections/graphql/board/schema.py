import graphene

from apikit.dataloaders import share_batch
from apikit.types import decode_id
from inspections.graphql.board.types import Board, BoardRow, BoardSort
from inspections.graphql.enums import OrgUnitKind, value_of
from inspections.graphql.field.types import CchcAreaEnum, SeverityEnum
from inspections.models import OrgUnit as OrgUnitModel
from inspections.services import board as service
from inspections.services import board_events


def board_for(info, authority_id: str, year: int, quarter=None, **filters):
    """The board, or None for an authority the caller may not see a board of (as for one that does not exist)."""
    user = info.context.user
    authority = OrgUnitModel.objects.filter(pk=decode_id(authority_id, "OrgUnit") or 0).first()
    if authority is None or not service.may_see_board(user, authority):
        return None
    if quarter is not None and quarter not in (1, 2, 3, 4):
        return None
    return service.board(user, authority, year, quarter=quarter, **filters)


class BoardQueries(graphene.ObjectType):
    board = graphene.Field(
        Board,
        authority_id=graphene.ID(required=True),
        year=graphene.Int(required=True),
        quarter=graphene.Int(),
        kind=OrgUnitKind(),
        area=CchcAreaEnum(),
        severity=SeverityEnum(),
        sort=BoardSort(default_value="rank"),
        description="The compliance board of an authority: a row per unit under it, ranked. Null when you may "
        "not see it.",
    )

    @staticmethod
    def resolve_board(
        root, info, authority_id, year, quarter=None, kind=None, area=None, severity=None, sort="rank"
    ):
        result = board_for(
            info,
            authority_id,
            year,
            quarter,
            kind=value_of(kind),
            area=value_of(area),
            severity=value_of(severity),
        )
        if result is not None:
            result.rows.sort(key=service.SORTS[value_of(sort) or "rank"])
        return result


class BoardUpdate(graphene.ObjectType):
    """The rows that changed, recomputed for you, with the authority's coverage."""

    rows = graphene.List(graphene.NonNull(BoardRow), required=True)
    visited_units = graphene.Int(required=True)
    target_units = graphene.Int(required=True)
    coverage = graphene.Float()

    @staticmethod
    def resolve_rows(root, info):
        share_batch(row.unit for row in root.rows)
        return root.rows


class BoardSubscriptions(graphene.ObjectType):
    board_updated = graphene.Field(
        BoardUpdate,
        authority_id=graphene.ID(required=True),
        year=graphene.Int(),
        description="Pushes the rows of your board that changed (a check-in, a submitted "
        "visit, a remediation move, a confirmed CCTV flag).",
    )

    @staticmethod
    async def subscribe_board_updated(root, info, authority_id, year=None):
        from channels.db import database_sync_to_async
        from django.utils import timezone

        user = info.context.user
        year = year or timezone.localdate().year

        @database_sync_to_async
        def authority_and_topic():
            authority = OrgUnitModel.objects.filter(pk=decode_id(authority_id, "OrgUnit") or 0).first()
            if authority is None or not service.may_see_board(user, authority):
                return None, None
            return authority, board_events.topic(authority.path)

        @database_sync_to_async
        def changed(authority, path):
            width = (authority.depth + 1) * OrgUnitModel.steplen
            result = service.board(user, authority, year)
            rows = [row for row in result.rows if row.unit.path == path[:width]]
            return BoardUpdate(
                rows=rows,
                visited_units=result.visited_units,
                target_units=result.target_units,
                coverage=result.coverage,
            )

        authority, topic = await authority_and_topic()
        if authority is None:
            return
        async for payload in info.context.listen(topic):
            update = await changed(authority, payload.get("path", ""))
            if update.rows:
                yield update
