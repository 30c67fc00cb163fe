"""Loaders of findings, their criteria, photos and corrections for the relations of lists."""

from apikit.dataloaders import DataLoader, by_key, group_by
from inspections.models import Criterion, Evidence, Finding
from inspections.services.visibility import visible_findings


class FindingByIdLoader(DataLoader):
    """Findings by id, only those the caller may see (``None`` for the others): the earlier version a correction
    replaced, the finding of a remediation or of a confirmed snapshot."""

    def batch_load(self, keys):
        findings = visible_findings(self.user).filter(pk__in=keys).select_related("unit", "criterion")
        return by_key(findings, lambda finding: finding.pk, keys)


class CriterionByIdLoader(DataLoader):
    def batch_load(self, keys):
        return by_key(Criterion.objects.filter(pk__in=keys), lambda criterion: criterion.pk, keys)


class EvidenceByFindingIdLoader(DataLoader):
    """The photos of each finding, in upload order."""

    def batch_load(self, keys):
        return group_by(
            Evidence.objects.filter(finding_id__in=keys).order_by("pk"), lambda e: e.finding_id, keys
        )


class CorrectionIdBySupersededIdLoader(DataLoader):
    """The id of the finding that corrected each finding, or ``None`` for a current one."""

    def batch_load(self, keys):
        pairs = Finding.objects.filter(supersedes_id__in=keys).values_list("supersedes_id", "pk")
        return by_key(pairs, lambda pair: pair[0], keys)
