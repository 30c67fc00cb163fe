"""Loaders of remediation, its answers and their photos for the relations of lists."""

from apikit.dataloaders import DataLoader, by_key, group_by
from inspections.models import Evidence, Remediation, RemediationAnswer, RemediationDraft


class RemediationByFindingIdLoader(DataLoader):
    """The remediation of each finding (the finding is the caller's already: its visibility was checked)."""

    def batch_load(self, keys):
        rows = Remediation.objects.filter(finding_id__in=keys).select_related("unit__head", "assignee")
        return by_key(rows, lambda remediation: remediation.finding_id, keys)


class AnswersByRemediationIdLoader(DataLoader):
    """The answers of each remediation, first to last, with who drafted and who is accountable."""

    def batch_load(self, keys):
        answers = (
            RemediationAnswer.objects.filter(remediation_id__in=keys)
            .select_related("accountable", "drafted_by")
            .order_by("remediation_id", "number")
        )
        return group_by(answers, lambda answer: answer.remediation_id, keys)


class EvidenceByAnswerIdLoader(DataLoader):
    """The photos of each answer, in upload order."""

    def batch_load(self, keys):
        return group_by(
            Evidence.objects.filter(answer_id__in=keys).order_by("pk"), lambda e: e.answer_id, keys
        )


class DraftByRemediationIdLoader(DataLoader):
    """The draft answer of each remediation, if any, with its author."""

    def batch_load(self, keys):
        drafts = RemediationDraft.objects.filter(remediation_id__in=keys).select_related("drafted_by")
        return by_key(drafts, lambda draft: draft.remediation_id, keys)


class EvidenceByUuidLoader(DataLoader):
    """Photos by their ids (a draft names its photos by id)."""

    def batch_load(self, keys):
        return by_key(Evidence.objects.filter(uuid__in=keys), lambda e: str(e.uuid), keys)
