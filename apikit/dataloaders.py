"""Per-request DataLoaders that batch synchronously.

graphql-core 3 runs synchronous resolvers depth first: the relation of the first row is resolved before the
second row is even looked at, so a loader cannot wait for the other rows' keys as a promise-based one would.
Instead every row knows its batch, the rows it was loaded with (a page of a connection, or the result of one
loader call). A miss loads the key of every row of the batch in one query; the other rows then answer from the
cache. The number of queries follows the depth of the document, not the number of rows.

One instance per request, as Saleor's loaders (``OrgUnitByIdLoader(info)``): it lives on ``info.context`` and is
renewed for every execution, so a WebSocket carrying many operations never answers from an earlier one.
"""

import contextlib
from collections.abc import Callable, Hashable, Iterable
from typing import Any, ClassVar

from django.db.models import QuerySet
from graphene_django.fields import DjangoConnectionField
from graphql import OperationType

from apikit.types import CountableConnection

BATCH_ATTRIBUTE = "_loader_batch"


def root_field(info) -> str:
    """The response key of the root field ``info`` is under."""
    path = info.path
    while path.prev is not None:
        path = path.prev
    return str(path.key)


def batch_of(row: Any) -> list:
    """The rows ``row`` was loaded with (itself alone when nobody said)."""
    return getattr(row, BATCH_ATTRIBUTE, None) or [row]


def share_batch(rows: Iterable[Any]) -> list:
    """Mark ``rows`` (lists inside are flattened) as loaded together, so each one's relations load for all."""
    flat: list = []
    for row in rows:
        if isinstance(row, list | tuple):
            flat.extend(item for item in row if item is not None)
        elif row is not None:
            flat.append(row)
    for row in flat:
        with contextlib.suppress(AttributeError):  # a frozen dataclass, an int or a str batches nothing
            setattr(row, BATCH_ATTRIBUTE, flat)
    return flat


class DataLoader:
    """Subclasses name what they load, ``<Target>By<Key>Loader``, and implement ``batch_load``: one query for
    many keys, answering a value per key in the same order (``None`` or ``[]`` for a key with nothing).

    ``load(key)`` answers from the cache, or loads ``key`` with every key queued so far; ``load_for(row, key)``
    queues the keys of the rows of ``row``'s batch first. Whatever is loaded becomes one batch in turn.
    """

    context_key: ClassVar[str]

    def __new__(cls, info):
        context = info.context
        loaders = getattr(context, "dataloaders", None)
        if loaders is None:
            loaders = {}
            context.dataloaders = loaders
        loader = loaders.get(cls.context_key)
        # ``variable_values`` is a fresh dict for every execution (graphql-core coerces it anew, also for each
        # event of a subscription), and the loader holds it, so its identity names this execution. The root
        # fields of a mutation run one after the other and change data: each gets loaders of its own.
        mutation_field = root_field(info) if info.operation.operation is OperationType.MUTATION else None
        if (
            loader is None
            or loader.execution is not info.variable_values
            or loader.mutation_field != mutation_field
        ):
            loader = super().__new__(cls)
            loader.info = info
            loader.execution = info.variable_values
            loader.mutation_field = mutation_field
            loader.cache = {}
            loader.queued = {}
            loaders[cls.context_key] = loader
        return loader

    def __init__(self, info):
        pass  # the state is set once, in __new__

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.context_key = f"{cls.__module__}.{cls.__qualname__}"

    @property
    def user(self):
        return self.info.context.user

    def batch_load(self, keys: list) -> list:
        raise NotImplementedError

    def queue(self, keys: Iterable[Hashable]) -> None:
        for key in keys:
            if key is not None and key not in self.cache:
                self.queued[key] = None

    def load(self, key: Hashable) -> Any:
        if key is None:
            return None
        if key not in self.cache:
            self.queued[key] = None
            keys = list(self.queued)
            self.queued.clear()
            values = self.batch_load(keys)
            share_batch(values)
            self.cache.update(zip(keys, values, strict=True))
        return self.cache[key]

    def load_many(self, keys: Iterable[Hashable]) -> list:
        keys = list(keys)
        self.queue(keys)
        return [self.load(key) for key in keys]

    def load_for(self, row: Any, key: Callable[[Any], Hashable]) -> Any:
        """The value for ``key(row)``, loaded together with those of the rows of ``row``'s batch."""
        self.queue(key(other) for other in batch_of(row))
        return self.load(key(row))


def group_by(
    rows: Iterable[Any],
    key: Callable[[Any], Hashable],
    keys: list,
    value: Callable[[Any], Any] = lambda row: row,
) -> list[list]:
    """``value(row)`` of ``rows`` as one list per key of ``keys`` (in their order), for one-to-many loaders."""
    grouped: dict = {k: [] for k in keys}
    for row in rows:
        grouped.setdefault(key(row), []).append(value(row))
    return [grouped[k] for k in keys]


def by_key(rows: Iterable[Any], key: Callable[[Any], Hashable], keys: list) -> list:
    """``rows`` as the one row (or None) per key of ``keys``, for one-to-one loaders."""
    found = {key(row): row for row in rows}
    return [found.get(k) for k in keys]


def related(info, row: Any, name: str, loader: type[DataLoader]) -> Any:
    """``row.<name>`` (a foreign key): the instance already selected with the row, or one loaded with the same
    relation of every row of its batch."""
    field = row._meta.get_field(name)
    if field.is_cached(row):
        value = field.get_cached_value(row)
        if value is not None and getattr(value, BATCH_ATTRIBUTE, None) is None:
            # Selected with the rows: the related instances of the batch become a batch of their own.
            share_batch(
                field.get_cached_value(other)
                for other in batch_of(row)
                if type(other) is type(row) and field.is_cached(other)
            )
        return value
    value = loader(info).load_for(row, lambda other: getattr(other, field.attname, None))
    field.set_cached_value(row, value)
    return value


class BatchedConnectionField(DjangoConnectionField):
    """A connection of a list a loader already scoped and batched: paged in memory, not filtered again."""

    @classmethod
    def resolve_queryset(cls, connection, iterable, info, args):
        if isinstance(iterable, QuerySet):
            return super().resolve_queryset(connection, iterable, info, args)
        return iterable


class BatchedConnection(CountableConnection):
    """A connection whose page of nodes is one batch for the loaders of their relations."""

    class Meta:
        abstract = True

    @staticmethod
    def resolve_edges(root, info):
        # Nodes a loader gave are already one batch with those of the other parents' connections: keep it.
        share_batch([edge.node for edge in root.edges if getattr(edge.node, BATCH_ATTRIBUTE, None) is None])
        return root.edges
