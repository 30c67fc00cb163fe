from inspections.graphql.remediation.mutations.answer_finding import AnswerFinding
from inspections.services import remediation as service


class SaveRemediationDraft(AnswerFinding):
    """A draft of the unit's answer (by the staff member the head assigned, or the head): the finding stays
    waiting for the unit, the reviewers see nothing, and the head is told a draft waits."""

    # The arguments and the input of answerFinding; only the service differs.
    service_call = staticmethod(service.save_draft)
