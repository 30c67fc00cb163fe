"""The project's GraphQL schema, composed from the apps like a top-level urls.py."""

import graphene

from apikit.types import Node
from inspections.graphql.board_schema import BoardQueries, BoardSubscriptions
from inspections.graphql.cctv_schema import CctvMutations, CctvQueries
from inspections.graphql.field_schema import FieldMutations, FieldQueries
from inspections.graphql.plan_schema import InspectionMutations, InspectionQueries
from inspections.graphql.remediation_schema import (
    RemediationMutations,
    RemediationQueries,
    RemediationSubscriptions,
)
from inspections.graphql.schema import OrgMutations, OrgQueries
from mobile_api.graphql.schema import MobileMutations, MobileQueries


class Query(OrgQueries, InspectionQueries, FieldQueries, CctvQueries, RemediationQueries, BoardQueries,
            MobileQueries, graphene.ObjectType):
    node = Node.Field(description="Any object by its global id; null when absent or not visible.")


class Mutation(OrgMutations, InspectionMutations, FieldMutations, CctvMutations, RemediationMutations,
               MobileMutations, graphene.ObjectType):
    pass


class Subscription(RemediationSubscriptions, BoardSubscriptions, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation, subscription=Subscription)
