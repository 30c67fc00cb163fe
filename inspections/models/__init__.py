from .audit import AuditAction, AuditEntry, AuditSurface
from .cctv import AnalysisStatus, Camera, CameraKey, Counter, ReviewState, Snapshot
from .checklist import CchcArea, ChecklistTemplate, Criterion, Severity
from .finding import Answer, AnswerResult, Evidence, Finding, FindingSource
from .org import OrgUnit, OrgUnitKind
from .plan import CoverageScope, InspectionPlan, PlanSecret, PlanStatus
from .remediation import (
    Notification,
    Remediation,
    RemediationAnswer,
    RemediationComment,
    RemediationDraft,
    RemediationState,
)
from .user import Role, User
from .visit import Visit, VisitAssignment, VisitKind, VisitStatus

__all__ = [
    "Notification",
    "Remediation",
    "RemediationAnswer",
    "RemediationComment",
    "RemediationDraft",
    "RemediationState",
    "FindingSource",
    "AnalysisStatus",
    "Camera",
    "CameraKey",
    "Counter",
    "ReviewState",
    "Snapshot",
    "Answer",
    "AnswerResult",
    "AuditAction",
    "AuditEntry",
    "AuditSurface",
    "CchcArea",
    "ChecklistTemplate",
    "CoverageScope",
    "Criterion",
    "Evidence",
    "Finding",
    "InspectionPlan",
    "OrgUnit",
    "OrgUnitKind",
    "PlanSecret",
    "PlanStatus",
    "Role",
    "Severity",
    "User",
    "Visit",
    "VisitAssignment",
    "VisitKind",
    "VisitStatus",
]
