import graphene
from graphene import relay

from apikit.dataloaders import related, share_batch
from apikit.types import CountableConnection
from inspections.graphql.org.dataloaders import UserByIdLoader
from inspections.graphql.org.types import OrgUnit, User

BoardStatus = graphene.Enum(
    "BoardStatus",
    [("GREEN", "green"), ("AMBER", "amber"), ("RED", "red")],
    description="Traffic light: red when something is overdue or the score is low.",
)
BoardSort = graphene.Enum(
    "BoardSort",
    [("RANK", "rank"), ("NAME", "name"), ("CODE", "code"), ("OVERDUE", "overdue"), ("FINDINGS", "findings")],
)


class SeverityCounts(graphene.ObjectType):
    critical = graphene.Int(required=True)
    major = graphene.Int(required=True)
    minor = graphene.Int(required=True)
    total = graphene.Int(required=True)

    @staticmethod
    def resolve_total(root, info):
        return sum(root.values())

    @staticmethod
    def resolve_critical(root, info):
        return root["critical"]

    @staticmethod
    def resolve_major(root, info):
        return root["major"]

    @staticmethod
    def resolve_minor(root, info):
        return root["minor"]


class AreaCount(graphene.ObjectType):
    area = graphene.String(required=True, description="A CchcArea value (e.g. procedures).")
    count = graphene.Int(required=True)


class BoardRow(graphene.ObjectType):
    """One unit under the authority, with everything under it."""

    unit = graphene.Field(OrgUnit, required=True)
    head = graphene.Field(User, description="The accountable head.")
    rank = graphene.Int(required=True)
    score = graphene.Float(required=True)
    status = graphene.Field(BoardStatus, required=True)
    periodic_visits = graphene.Int(required=True)
    surprise_visits = graphene.Int(required=True)
    visited = graphene.Boolean(required=True)
    findings = graphene.Field(SeverityCounts, required=True)
    findings_by_area = graphene.List(graphene.NonNull(AreaCount), required=True)
    remediation_on_time = graphene.Int(required=True)
    remediation_late = graphene.Int(required=True)
    overdue_now = graphene.Int(required=True)
    on_time_rate = graphene.Float()
    rejected_answers = graphene.Int(required=True)
    repeat_findings = graphene.Int(required=True)
    median_days_to_close = graphene.Float()
    cctv_flags = graphene.Int(required=True, description="Findings confirmed from CCTV snapshots.")
    cameras = graphene.Int(required=True)
    camera_tamper_share = graphene.Float()

    @staticmethod
    def resolve_head(root, info):
        return related(info, root.unit, "head", UserByIdLoader)

    @staticmethod
    def resolve_findings_by_area(root, info):
        return [AreaCount(area=area, count=count) for area, count in sorted(root.areas.items())]


class BoardRowConnection(CountableConnection):
    class Meta:
        node = BoardRow

    @staticmethod
    def resolve_total_count(root, info):
        return len(root.iterable)


class BoardMonth(graphene.ObjectType):
    month = graphene.Int(required=True)
    coverage = graphene.Float(description="Share of the plans' target visited by the month's end.")
    on_time = graphene.Float(description="Share of remediation due by the month's end answered in time.")


class Board(graphene.ObjectType):
    """The compliance board of an authority for a period. The score's formula is in the README."""

    authority = graphene.Field(OrgUnit, required=True)
    year = graphene.Int(required=True)
    quarter = graphene.Int()
    unit_count = graphene.Int(required=True, description="Units the authority's approved plans cover.")
    target_units = graphene.Int(required=True)
    visited_units = graphene.Int(required=True)
    coverage = graphene.Float(description="Visited over target.")
    rows = relay.ConnectionField(BoardRowConnection, required=True)
    months = graphene.List(graphene.NonNull(BoardMonth), required=True, description="For the chart.")

    @staticmethod
    def resolve_rows(root, info, **_kwargs):
        share_batch(row.unit for row in root.rows)  # their parents, heads and heads' units load once for all
        return root.rows

    @staticmethod
    def resolve_months(root, info):
        from inspections.services.board import series

        target = (
            root.target_units if root.quarter is None else None
        )  # the yearly board knows the year's target
        return series(info.context.user, root.authority, root.year, target=target)
