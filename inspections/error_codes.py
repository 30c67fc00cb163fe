"""Error codes of the inspections domain. Plain enums: the GraphQL layer exposes them, services raise them."""

from enum import Enum

from django.core.exceptions import ValidationError


def fail(code: Enum, message: str, field: str | None = None) -> ValidationError:
    """The one way to make a typed error (``raise fail(...)``), for any of the enums below or another app's, on
    ``field`` (snake_case) or on the whole operation."""
    if field:
        return ValidationError({field: ValidationError(message, code=code.value)})
    return ValidationError(message, code=code.value)


def fail_together(errors: list[ValidationError]) -> ValidationError:
    """Several errors made by ``fail`` reported at once (every bad field of a form); ``errors`` is not empty."""
    merged: dict = {}
    for error in errors:
        error.update_error_dict(merged)
    return ValidationError(merged)


class LookupErrorCode(Enum):
    """What the one visibility lookup (inspections.graphql.lookups) answers for a hidden or missing object:
    every domain enum below has a NOT_FOUND of the same value, so each mutation reports it in its own enum."""

    NOT_FOUND = "not_found"


class OrgErrorCode(Enum):
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    OUT_OF_RANGE = "out_of_range"
    PERMISSION_DENIED = "permission_denied"


class PlanErrorCode(Enum):
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    NOT_DRAFT = "not_draft"
    NOT_APPROVED = "not_approved"
    BELOW_TARGET = "below_target"
    NO_INSPECTORS = "no_inspectors"
    NO_CAPACITY = "no_capacity"
    UNIT_NOT_IN_PLAN = "unit_not_in_plan"
    DATE_OUT_OF_PERIOD = "date_out_of_period"
    NOT_A_WORKING_DAY = "not_a_working_day"
    ALREADY_PLANNED = "already_planned"
    NOT_AN_INSPECTOR = "not_an_inspector"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    INSPECTOR_OVERBOOKED = "inspector_overbooked"
    PERIOD_NOT_OVER = "period_not_over"
    PERIOD_OVERLAPS = "period_overlaps"


class FieldErrorCode(Enum):
    """Errors of the field work: check-in, answers, findings, evidence, offline sync."""

    INVALID = "invalid"
    REQUIRED = "required"
    UNAUTHENTICATED = "unauthenticated"
    NOT_FOUND = "not_found"
    OUT_OF_RANGE = "out_of_range"
    OUT_OF_GEOFENCE = "out_of_geofence"
    NOT_ASSIGNED = "not_assigned"
    # Returning a finding for correction is for Home Affairs or the head of the plan's authority.
    PERMISSION_DENIED = "permission_denied"
    NOT_CHECKED_IN = "not_checked_in"
    VISIT_SUBMITTED = "visit_submitted"
    UNKNOWN_CRITERION = "unknown_criterion"
    CRITERION_HAS_FINDING = "criterion_has_finding"
    # A finding on a criterion answered pass or not applicable: answer it FAIL first (or leave it unanswered).
    CRITERION_NOT_FAILED = "criterion_not_failed"
    # Check-in on a day outside the visit's window (CHECK_IN_WINDOW_DAYS_BEFORE/AFTER its planned date).
    OUTSIDE_VISIT_WINDOW = "outside_visit_window"
    # The finding was withdrawn: it takes no correction.
    FINDING_WITHDRAWN = "finding_withdrawn"
    # An offline operation whose payload is not a JSON object (not JSON at all, or a list, a number...).
    MALFORMED_OPERATION = "malformed_operation"
    INCOMPLETE = "incomplete"
    CONFLICT = "conflict"
    FILE_TOO_LARGE = "file_too_large"
    NOT_AN_IMAGE = "not_an_image"
    UNSUPPORTED_FORMAT = "unsupported_format"
    IMAGE_TOO_LARGE = "image_too_large"
    TRUNCATED_IMAGE = "truncated_image"
    EMPTY_FILE = "empty_file"


class CctvErrorCode(Enum):
    """Errors of CCTV snapshot ingest and review."""

    INVALID = "invalid"
    REQUIRED = "required"
    UNAUTHENTICATED = "unauthenticated"
    NOT_FOUND = "not_found"
    OUT_OF_RANGE = "out_of_range"
    FILE_TOO_LARGE = "file_too_large"
    NOT_AN_IMAGE = "not_an_image"
    UNSUPPORTED_FORMAT = "unsupported_format"
    IMAGE_TOO_LARGE = "image_too_large"
    TRUNCATED_IMAGE = "truncated_image"
    EMPTY_FILE = "empty_file"
    NOTHING_TO_REVIEW = "nothing_to_review"
    ALREADY_REVIEWED = "already_reviewed"
    UNKNOWN_CRITERION = "unknown_criterion"


class RemediationErrorCode(Enum):
    """Errors of remediation moves."""

    INVALID = "invalid"
    REQUIRED = "required"
    UNAUTHENTICATED = "unauthenticated"
    NOT_FOUND = "not_found"
    OUT_OF_RANGE = "out_of_range"
    PERMISSION_DENIED = "permission_denied"
    NOT_ALLOWED = "not_allowed"
    CONFLICT = "conflict"
    EXTENSION_ALREADY_REQUESTED = "extension_already_requested"
    NO_DRAFT = "no_draft"
