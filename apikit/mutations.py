"""The base of every mutation: typed field errors instead of exceptions, one transaction.

A mutation reads top to bottom: arguments, payload fields, ``perform_mutation`` (clean the input into
domain objects, call one service, return the payload). Services and ``clean`` raise Django's
``ValidationError`` keyed by field with a code; this base turns it into ``errors { field code message }``
and rolls the transaction back, so bad input changes nothing.
"""

import contextlib
from enum import Enum

import graphene
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from graphene.types.mutation import MutationOptions
from graphene.utils.str_converters import to_camel_case

from .errors import sign_in_first


def error_type(name: str, code_enum: type[Enum], description: str = "") -> type[graphene.ObjectType]:
    """A typed error object ``<name>`` with ``field``, ``code`` (``code_enum``) and ``message``."""
    graphene_enum = graphene.Enum.from_enum(code_enum, description=f"Codes of {name}.")
    return type(
        name,
        (graphene.ObjectType,),
        {
            "__doc__": description or f"An error of a mutation, with a {code_enum.__name__}.",
            "field": graphene.String(description="The input field at fault, or null for the whole input."),
            "code": graphene_enum(required=True),
            "message": graphene.String(required=True, description="A sentence for the person using the app."),
            "code_enum": code_enum,
        },
    )


class BaseMutationOptions(MutationOptions):
    error_type_class = None


class BaseMutation(graphene.Mutation):
    class Meta:
        abstract = True

    # False for a mutation that must not hold a transaction open while it works (a sign-in hashing a
    # password): it runs in autocommit and its service opens its own transaction for what it writes.
    atomic = True
    # True for a mutation only a signed-in caller may run: anyone else gets UNAUTHENTICATED (its error enum
    # must have that code), in the caller's language, before anything is looked up.
    login_required = False

    @classmethod
    def __init_subclass_with_meta__(cls, error_type_class=None, _meta=None, **options):
        if not _meta:
            _meta = BaseMutationOptions(cls)
        if error_type_class is None:
            raise TypeError(f"{cls.__name__} must name its error_type_class")
        _meta.error_type_class = error_type_class
        if cls.login_required and "unauthenticated" not in {m.value for m in error_type_class.code_enum}:
            raise TypeError(f"{cls.__name__} requires sign-in: its error codes need UNAUTHENTICATED")
        cls.errors = graphene.List(graphene.NonNull(error_type_class), required=True)
        super().__init_subclass_with_meta__(_meta=_meta, **options)
        # graphene drops ``required`` of a List wrapped in a Field: NonNull makes the published list never null.
        _meta.fields["errors"] = graphene.Field(
            graphene.NonNull(graphene.List(graphene.NonNull(error_type_class))),
            description="Empty on success; otherwise why nothing was changed.",
        )

    @classmethod
    def mutate(cls, root, info, **data):
        if cls.login_required and not getattr(info.context.user, "is_authenticated", False):
            return cls(errors=cls.errors_from(ValidationError(sign_in_first(), code="unauthenticated")))
        try:
            with transaction.atomic() if cls.atomic else contextlib.nullcontext():
                result = cls.perform_mutation(root, info, **data)
        except ValidationError as error:
            return cls(errors=cls.errors_from(error))
        if getattr(result, "errors", None) is None:
            result.errors = []
        return result

    @classmethod
    def perform_mutation(cls, root, info, **data):
        raise NotImplementedError

    @classmethod
    def errors_from(cls, error: ValidationError) -> list:
        error_class = cls._meta.error_type_class
        code_enum = error_class.code_enum
        known = {member.value for member in code_enum}
        fallback = next(iter(code_enum)).value if "invalid" not in known else "invalid"
        items = (
            error.error_dict.items()
            if hasattr(error, "error_dict")
            else [(NON_FIELD_ERRORS, error.error_list)]
        )
        errors = []
        for field, field_errors in items:
            for item in field_errors:
                code = item.code if item.code in known else fallback
                errors.append(
                    error_class(
                        field=None if field == NON_FIELD_ERRORS else to_camel_case(field),
                        code=code_enum(code),
                        message=" ".join(item.messages),
                    )
                )
        return errors
