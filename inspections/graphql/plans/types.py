from datetime import timedelta

import graphene
from django.conf import settings
from graphene_django import DjangoObjectType

from apikit.dataloaders import BatchedConnection, BatchedConnectionField, related
from apikit.mutations import error_type
from apikit.types import JSONString, Node
from inspections.error_codes import PlanErrorCode
from inspections.graphql.enums import CoverageScope, PlanStatus, VisitKind, VisitStatus
from inspections.graphql.org.dataloaders import OrgUnitByIdLoader
from inspections.graphql.org.types import OrgUnit, User
from inspections.graphql.plans.dataloaders import (
    AnswersByVisitIdLoader,
    InspectorsByPlanIdLoader,
    InspectorsByVisitIdLoader,
    PlanByIdLoader,
    VisitsByPlanIdLoader,
)
from inspections.models import InspectionPlan, Visit
from inspections.services.field import may_read_answers
from inspections.services.visibility import can_see_unit, visible_plans, visible_visits

PlanError = error_type("PlanError", PlanErrorCode)


class PlanCoverage(graphene.ObjectType):
    """Units visited (checked in) against the target, counting only visits the caller may see."""

    unit_count = graphene.Int(required=True)
    target_units = graphene.Int(required=True, description="ceil(coverage target × units)")
    planned_units = graphene.Int(required=True)
    visited_units = graphene.Int(required=True)
    working_days_left = graphene.Int(required=True)
    visits_left = graphene.Int(required=True)
    at_risk = graphene.Boolean(required=True, description="Too few working days left for the visits left.")
    ratio = graphene.Float(required=True, description="Visited units ÷ units.")


class Plan(DjangoObjectType):
    """An inspection plan of one authority for a year or a quarter."""

    status = graphene.Field(PlanStatus, required=True)
    scope = graphene.Field(CoverageScope, required=True)
    coverage_target = graphene.Float(required=True)
    surprise_share = graphene.Float(required=True)
    authority = graphene.Field(OrgUnit, required=True)
    inspectors = graphene.List(graphene.NonNull(User), required=True)
    visits = BatchedConnectionField(lambda: VisitNode, description="Visits of this plan the caller may see.")
    revealed_seed = graphene.String(description="The draw's seed, once the plan is closed.")

    class Meta:
        model = InspectionPlan
        name = "Plan"
        interfaces = (Node,)
        fields = (
            "id",
            "title",
            "year",
            "quarter",
            "commitment",
            "algorithm_version",
            "created_at",
            "approved_at",
            "closed_at",
        )
        connection_class = BatchedConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return queryset.filter(pk__in=visible_plans(info.context.user).values("pk")).select_related(
            "authority"
        )

    @staticmethod
    def resolve_status(root, info):
        return str(root.status)  # a TextChoices member hashes by name, not value

    @staticmethod
    def resolve_scope(root, info):
        return str(root.scope)  # a TextChoices member hashes by name, not value

    @staticmethod
    def resolve_coverage_target(root, info):
        return float(root.coverage_target)

    @staticmethod
    def resolve_surprise_share(root, info):
        return float(root.surprise_share)

    @staticmethod
    def resolve_authority(root, info):
        return related(info, root, "authority", OrgUnitByIdLoader)

    @staticmethod
    def resolve_inspectors(root, info):
        return InspectorsByPlanIdLoader(info).load_for(root, lambda plan: plan.pk)

    @staticmethod
    def resolve_visits(root, info, **_kwargs):
        return VisitsByPlanIdLoader(info).load_for(root, lambda plan: plan.pk)

    @staticmethod
    def resolve_revealed_seed(root, info):
        return root.revealed_seed or None


class VisitNode(DjangoObjectType):
    """A visit to a unit. A surprise visit appears to the inspected unit only once an inspector checks in."""

    kind = graphene.Field(VisitKind, required=True)
    status = graphene.Field(VisitStatus, required=True)
    unit = graphene.Field(OrgUnit, required=True)
    plan = graphene.Field(Plan, description="The plan, when the caller may see it.")
    inspectors = graphene.List(graphene.NonNull(User), required=True)
    answers = graphene.List(
        graphene.NonNull("inspections.graphql.field.types.AnswerType"),
        required=True,
        description="The checklist answers, in the checklist's order. The inspected unit reads them once the "
        "visit is submitted; the inspectors and the authority while it is under way too.",
    )
    check_in_from = graphene.Date(
        required=True,
        description="First day it may be checked in (CHECK_IN_WINDOW_DAYS_BEFORE its planned date).",
    )
    check_in_until = graphene.Date(
        required=True,
        description="Last day it may be checked in (CHECK_IN_WINDOW_DAYS_AFTER its planned date).",
    )

    class Meta:
        model = Visit
        name = "Visit"
        interfaces = (Node,)
        fields = ("id", "uuid", "planned_date", "checked_in_at", "check_in_received_at")
        connection_class = BatchedConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        visible = visible_visits(info.context.user)
        return queryset.filter(pk__in=visible.values("pk")).select_related("unit", "plan__authority")

    @staticmethod
    def resolve_kind(root, info):
        return str(root.kind)  # a TextChoices member hashes by name, not value

    @staticmethod
    def resolve_status(root, info):
        return str(root.status)  # a TextChoices member hashes by name, not value

    @staticmethod
    def resolve_unit(root, info):
        return related(info, root, "unit", OrgUnitByIdLoader)

    @staticmethod
    def resolve_plan(root, info):
        plan = related(info, root, "plan", PlanByIdLoader)
        return (
            plan
            if can_see_unit(info.context.user, related(info, plan, "authority", OrgUnitByIdLoader))
            else None
        )

    @staticmethod
    def resolve_inspectors(root, info):
        return InspectorsByVisitIdLoader(info).load_for(root, lambda visit: visit.pk)

    @staticmethod
    def resolve_answers(root, info):
        if not may_read_answers(info.context.user, root, related(info, root, "unit", OrgUnitByIdLoader)):
            return []
        return AnswersByVisitIdLoader(info).load_for(root, lambda visit: visit.pk)

    @staticmethod
    def resolve_check_in_from(root, info):
        return root.planned_date - timedelta(days=settings.CHECK_IN_WINDOW_DAYS_BEFORE)

    @staticmethod
    def resolve_check_in_until(root, info):
        return root.planned_date + timedelta(days=settings.CHECK_IN_WINDOW_DAYS_AFTER)


class PlanCommitment(graphene.ObjectType):
    """What a plan publishes at approval so that nobody can change the draw afterwards: SHA-256 of the
    secret seed and the draw's inputs (not its result). The seed itself appears when the plan closes."""

    plan_id = graphene.ID(required=True)
    authority_code = graphene.String(required=True)
    status = graphene.Field(PlanStatus, required=True)
    commitment = graphene.String()
    algorithm_version = graphene.String()
    inputs_digest = graphene.String(description="SHA-256 of the canonical JSON of the inputs.")
    published_inputs = JSONString()
    revealed_seed = graphene.String()
    approved_at = graphene.DateTime()


class DrawPreviewUnit(graphene.ObjectType):
    unit = graphene.Field(OrgUnit, required=True)
    weight = graphene.Float(required=True, description="Risk weight (1 = base, capped).")
    probability = graphene.Float(required=True, description="Chance of a surprise visit.")


class DrawPreview(graphene.ObjectType):
    unit_count = graphene.Int(required=True)
    target_units = graphene.Int(required=True)
    periodic_count = graphene.Int(required=True)
    surprise_count = graphene.Int(required=True)
    working_days = graphene.Int(required=True)
    capacity_per_day = graphene.Int(required=True)
    units = graphene.List(graphene.NonNull(DrawPreviewUnit), required=True)


class DrawVerification(graphene.ObjectType):
    revealed = graphene.Boolean(
        required=True, description="False until the plan closes and its seed is known."
    )
    matches_commitment = graphene.Boolean()
    matches_inputs = graphene.Boolean()
    matches_visits = graphene.Boolean()
    ok = graphene.Boolean()


__all__ = [
    "Plan",
    "VisitNode",
    "PlanCommitment",
    "DrawPreview",
    "DrawPreviewUnit",
    "DrawVerification",
    "PlanCoverage",
]


class InspectorLoad(graphene.ObjectType):
    """An inspector of the authority and the visits already booked for them."""

    inspector = graphene.Field(User, required=True)
    upcoming_visits = graphene.Int(required=True, description="Assigned visits from today not yet submitted.")
    visits_this_year = graphene.Int(required=True, description="Assigned visits planned this year.")


class ProposedAssignment(graphene.ObjectType):
    """Inspectors proposed for a visit not yet assigned (nothing is written: send it edited to
    assignInspectorsBulk)."""

    visit = graphene.Field(VisitNode, required=True)
    inspectors = graphene.List(graphene.NonNull(User), required=True)
    short = graphene.Int(required=True, description="Inspectors missing for a full team (no one free).")
