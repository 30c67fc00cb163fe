from enum import Enum


class AccountErrorCode(Enum):
    INVALID = "invalid"
    REQUIRED = "required"
    INVALID_CREDENTIALS = "invalid_credentials"
    LOCKED_OUT = "locked_out"
    UNAUTHENTICATED = "unauthenticated"
    NOT_FOUND = "not_found"
