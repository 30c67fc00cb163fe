"""The remediation moves, one mutation each. Every one takes the finding's global id and, optionally, the
``version`` the caller saw: a move made against an older version answers CONFLICT and changes nothing."""

import graphene

from apikit.mutations import BaseMutation
from apikit.types import decode_id
from inspections.graphql.remediation.types import RemediationError, RemediationType


def finding_pk(global_id: str) -> int:
    return decode_id(global_id, "Finding") or 0



class RemediationMove(BaseMutation):
    remediation = graphene.Field(RemediationType)

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, **options):
        options.setdefault("error_type_class", RemediationError)
        super().__init_subclass_with_meta__(**options)

