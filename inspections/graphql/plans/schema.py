import graphene
from graphene_django.fields import DjangoConnectionField

from apikit.dataloaders import share_batch
from apikit.types import decode_id
from inspections.graphql.enums import PlanStatus, VisitKind, VisitStatus, value_of
from inspections.graphql.plans.mutations.add_periodic_visit import AddPeriodicVisit
from inspections.graphql.plans.mutations.approve_plan import ApprovePlan
from inspections.graphql.plans.mutations.assign_inspectors import AssignInspectors
from inspections.graphql.plans.mutations.assign_inspectors_bulk import AssignInspectorsBulk
from inspections.graphql.plans.mutations.close_plan import ClosePlan
from inspections.graphql.plans.mutations.create_plan import CreatePlan
from inspections.graphql.plans.mutations.update_plan import UpdatePlan
from inspections.graphql.plans.types import (
    DrawPreview,
    DrawPreviewUnit,
    DrawVerification,
    InspectorLoad,
    Plan,
    PlanCommitment,
    PlanCoverage,
    ProposedAssignment,
    VisitNode,
)
from inspections.models import InspectionPlan, Visit
from inspections.services.coverage import plan_coverage
from inspections.services.plans import inspector_loads, preview_draw, propose_assignments, verify_plan_draw
from inspections.services.visibility import (
    can_manage_plans_for,
    in_authority_tree,
    visible_plans,
    visible_units,
    visible_visits,
)


def visible_plan(info, plan_id):
    pk = decode_id(plan_id, "Plan")
    return visible_plans(info.context.user).select_related("authority").filter(pk=pk).first() if pk else None


class PlanQueries(graphene.ObjectType):
    plan = graphene.Field(Plan, id=graphene.ID(required=True))
    plans = DjangoConnectionField(Plan, authority=graphene.ID(), year=graphene.Int(), status=PlanStatus())
    plan_commitment = graphene.Field(
        PlanCommitment,
        plan_id=graphene.ID(required=True),
        description="The commitment and published inputs of an approved plan, readable by everyone in the "
        "authority's tree.",
    )
    preview_draw = graphene.Field(
        DrawPreview,
        plan_id=graphene.ID(required=True),
        description="Weights and inclusion probabilities before approval (no seed).",
    )
    verify_draw = graphene.Field(DrawVerification, plan_id=graphene.ID(required=True))
    plan_coverage = graphene.Field(PlanCoverage, plan_id=graphene.ID(required=True))
    inspectors = graphene.List(
        graphene.NonNull(InspectorLoad),
        authority_id=graphene.ID(required=True),
        required=True,
        description="The inspectors who may inspect for an authority, with their booked visits: for the "
        "authority's planners (empty for anyone else).",
    )
    proposed_assignments = graphene.List(
        graphene.NonNull(ProposedAssignment),
        plan_id=graphene.ID(required=True),
        required=True,
        description="A proposal of inspectors for the plan's visits not yet assigned, by capacity, honouring "
        "conflicts of interest: for the plan's planners (empty for anyone else).",
    )
    visit = graphene.Field(VisitNode, id=graphene.ID(required=True))
    visits = DjangoConnectionField(
        VisitNode,
        plan=graphene.ID(),
        unit=graphene.ID(),
        kind=VisitKind(),
        status=VisitStatus(),
        description="Visits the caller may see.",
    )

    @staticmethod
    def resolve_plan(root, info, id):
        return visible_plan(info, id)

    @staticmethod
    def resolve_plans(root, info, authority=None, year=None, status=None, **_kwargs):
        plans = InspectionPlan.objects.order_by("-year", "quarter", "pk")
        if authority is not None:
            plans = plans.filter(authority_id=decode_id(authority, "OrgUnit") or 0)
        if year is not None:
            plans = plans.filter(year=year)
        if status is not None:
            plans = plans.filter(status=value_of(status))
        return plans

    @staticmethod
    def resolve_plan_commitment(root, info, plan_id):
        pk = decode_id(plan_id, "Plan")
        plan = InspectionPlan.objects.select_related("authority").filter(pk=pk).first() if pk else None
        if plan is None or not plan.commitment or not in_authority_tree(info.context.user, plan.authority):
            return None
        return PlanCommitment(
            plan_id=plan_id,
            authority_code=plan.authority.code,
            status=str(plan.status),
            commitment=plan.commitment,
            algorithm_version=plan.algorithm_version,
            inputs_digest=plan.inputs_digest,
            published_inputs=plan.published_inputs,
            revealed_seed=plan.revealed_seed or None,
            approved_at=plan.approved_at,
        )

    @staticmethod
    def resolve_preview_draw(root, info, plan_id):
        from django.core.exceptions import ValidationError

        plan = visible_plan(info, plan_id)
        if plan is None:
            return None
        try:
            planning, rows = preview_draw(plan, actor=info.context.user)
        except ValidationError:
            return None  # only the plan's owners see weights and probabilities
        inputs = planning.inputs
        share_batch(row.unit for row in rows)  # the units' parents and heads load once for all
        return DrawPreview(
            unit_count=planning.unit_count,
            target_units=planning.target,
            periodic_count=planning.periodic_count,
            surprise_count=inputs.surprise_count,
            working_days=len(inputs.working_days),
            capacity_per_day=inputs.capacity_per_day,
            units=[
                DrawPreviewUnit(unit=row.unit, weight=float(row.weight), probability=float(row.probability))
                for row in rows
            ],
        )

    @staticmethod
    def resolve_verify_draw(root, info, plan_id):
        pk = decode_id(plan_id, "Plan")
        plan = InspectionPlan.objects.select_related("authority").filter(pk=pk).first() if pk else None
        if plan is None or not plan.commitment or not in_authority_tree(info.context.user, plan.authority):
            return None
        result = verify_plan_draw(plan)
        if result is None:
            return DrawVerification(revealed=False)
        return DrawVerification(
            revealed=True,
            matches_commitment=result.matches_commitment,
            matches_inputs=result.matches_inputs,
            matches_visits=result.matches_visits,
            ok=result.ok,
        )

    @staticmethod
    def resolve_plan_coverage(root, info, plan_id):
        plan = visible_plan(info, plan_id)
        if plan is None:
            return None
        coverage = plan_coverage(plan, viewer=info.context.user)
        return PlanCoverage(
            unit_count=coverage.unit_count,
            target_units=coverage.target_units,
            planned_units=coverage.planned_units,
            visited_units=coverage.visited_units,
            working_days_left=coverage.working_days_left,
            visits_left=coverage.visits_left,
            at_risk=coverage.at_risk,
            ratio=coverage.ratio,
        )

    @staticmethod
    def resolve_inspectors(root, info, authority_id):
        user = info.context.user
        pk = decode_id(authority_id, "OrgUnit")
        authority = visible_units(user).filter(pk=pk).first() if pk else None
        if authority is None or not can_manage_plans_for(user, authority):
            return []
        loads = inspector_loads(authority, actor=user)
        share_batch(load.inspector for load in loads)
        return loads

    @staticmethod
    def resolve_proposed_assignments(root, info, plan_id):
        user = info.context.user
        plan = visible_plan(info, plan_id)
        if plan is None or not can_manage_plans_for(user, plan.authority):
            return []
        proposals = propose_assignments(plan, actor=user)
        share_batch(proposal.visit for proposal in proposals)
        return proposals

    @staticmethod
    def resolve_visit(root, info, id):
        pk = decode_id(id, "Visit")
        return VisitNode.get_node(info, pk) if pk else None

    @staticmethod
    def resolve_visits(root, info, plan=None, unit=None, kind=None, status=None, **_kwargs):
        visits = Visit.objects.order_by("planned_date", "pk")
        if plan is not None:
            visits = visits.filter(plan_id=decode_id(plan, "Plan") or 0)
        if unit is not None:
            visits = visits.filter(unit_id=decode_id(unit, "OrgUnit") or 0)
        if kind is not None:
            visits = visits.filter(kind=value_of(kind))
        if status is not None:
            visits = visits.filter(status=value_of(status))
        return visits.filter(pk__in=visible_visits(info.context.user).values("pk"))


class PlanMutations(graphene.ObjectType):
    create_plan = CreatePlan.Field()
    update_plan = UpdatePlan.Field()
    add_periodic_visit = AddPeriodicVisit.Field()
    approve_plan = ApprovePlan.Field()
    assign_inspectors = AssignInspectors.Field()
    assign_inspectors_bulk = AssignInspectorsBulk.Field()
    close_plan = ClosePlan.Field()
