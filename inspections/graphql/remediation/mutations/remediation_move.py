"""The remediation moves, one mutation each. Every one takes the finding's global id and, optionally, the
``version`` the caller saw: a move made against an older version answers CONFLICT and changes nothing."""

import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.remediation.types import RemediationError, RemediationType


class RemediationMove(BaseMutation):
    remediation = graphene.Field(RemediationType)

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, **options):
        options.setdefault("error_type_class", RemediationError)
        super().__init_subclass_with_meta__(**options)
