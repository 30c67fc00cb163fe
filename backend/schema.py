"""The project's GraphQL schema, composed from each domain's Queries, Mutations and Subscriptions like a
top-level urls.py. Nothing else lives here."""

import graphene

from apikit.types import Node
from inspections.graphql.board.schema import BoardQueries, BoardSubscriptions
from inspections.graphql.cctv.schema import CctvMutations, CctvQueries
from inspections.graphql.field.schema import FieldMutations, FieldQueries
from inspections.graphql.notifications.schema import (
    NotificationMutations,
    NotificationQueries,
    NotificationSubscriptions,
)
from inspections.graphql.org.schema import OrgMutations, OrgQueries
from inspections.graphql.plans.schema import PlanMutations, PlanQueries
from inspections.graphql.remediation.schema import RemediationMutations, RemediationQueries
from mobile_api.graphql.schema import MobileMutations, MobileQueries


class Query(
    OrgQueries,
    PlanQueries,
    FieldQueries,
    CctvQueries,
    RemediationQueries,
    NotificationQueries,
    BoardQueries,
    MobileQueries,
    graphene.ObjectType,
):
    node = Node.Field(description="Any object by its global id; null when absent or not visible.")


class Mutation(
    OrgMutations,
    PlanMutations,
    FieldMutations,
    CctvMutations,
    RemediationMutations,
    NotificationMutations,
    MobileMutations,
    graphene.ObjectType,
):
    pass


class Subscription(NotificationSubscriptions, BoardSubscriptions, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation, subscription=Subscription)
