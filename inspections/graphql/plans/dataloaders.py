"""Loaders of plans, visits and inspection teams for the relations of lists."""

from apikit.dataloaders import DataLoader, by_key, group_by
from inspections.models import Answer, InspectionPlan, VisitAssignment
from inspections.services.visibility import visible_visits


class PlanByIdLoader(DataLoader):
    """Plans by id with their authority; ``Visit.plan`` then shows one only to who sees its authority."""

    def batch_load(self, keys):
        return by_key(
            InspectionPlan.objects.filter(pk__in=keys).select_related("authority"), lambda p: p.pk, keys
        )


class InspectorsByPlanIdLoader(DataLoader):
    """The team of each plan."""

    def batch_load(self, keys):
        links = (
            InspectionPlan.inspectors.through.objects.filter(inspectionplan_id__in=keys)
            .select_related("user")
            .order_by("pk")
        )
        return group_by(links, lambda link: link.inspectionplan_id, keys, value=lambda link: link.user)


class InspectorsByVisitIdLoader(DataLoader):
    """The inspectors assigned to each visit, in the order they were assigned."""

    def batch_load(self, keys):
        links = VisitAssignment.objects.filter(visit_id__in=keys).select_related("inspector").order_by("pk")
        return group_by(links, lambda link: link.visit_id, keys, value=lambda link: link.inspector)


class VisitsByPlanIdLoader(DataLoader):
    """The visits of each plan that the caller may see (a surprise visit stays hidden from the inspected unit
    until the check-in, DESIGN.md §3.1), in date order."""

    def batch_load(self, keys):
        visits = (
            visible_visits(self.user)
            .filter(plan_id__in=keys)
            .select_related("unit", "plan__authority")
            .order_by("planned_date", "pk")
        )
        return group_by(visits, lambda visit: visit.plan_id, keys)


class AnswersByVisitIdLoader(DataLoader):
    """The checklist answers of each visit, in the checklist's order, with their criterion."""

    def batch_load(self, keys):
        answers = (
            Answer.objects.filter(visit_id__in=keys)
            .select_related("criterion")
            .order_by("visit_id", "criterion__position", "criterion__code")
        )
        return group_by(answers, lambda answer: answer.visit_id, keys)
