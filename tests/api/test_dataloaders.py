"""apikit's synchronous DataLoader: one batch for the rows of a list, one instance per execution (a WebSocket
context carries many), and loaders of their own for each root field of a mutation."""

from types import SimpleNamespace

import graphene

from apikit.dataloaders import DataLoader, share_batch

CALLS: list[list[int]] = []


class SquareByNumberLoader(DataLoader):
    def batch_load(self, keys):
        CALLS.append(sorted(keys))
        return [key * key for key in keys]


class Row(graphene.ObjectType):
    number = graphene.Int()
    square = graphene.Int()

    @staticmethod
    def resolve_square(root, info):
        return SquareByNumberLoader(info).load_for(root, lambda row: row.number)


def rows(count):
    return share_batch([SimpleNamespace(number=n) for n in range(count)])


class Query(graphene.ObjectType):
    rows = graphene.List(Row, count=graphene.Int())

    @staticmethod
    def resolve_rows(root, info, count):
        return rows(count)


class Mutation(graphene.ObjectType):
    rows = graphene.List(Row, count=graphene.Int())

    @staticmethod
    def resolve_rows(root, info, count):
        return rows(count)


schema = graphene.Schema(query=Query, mutation=Mutation)


def test_one_batch_for_the_rows_of_a_list():
    CALLS.clear()
    result = schema.execute("{ rows(count: 30) { number square } }", context_value=SimpleNamespace())
    assert not result.errors
    assert [row["square"] for row in result.data["rows"]] == [n * n for n in range(30)]
    assert [list(range(30))] == CALLS


def test_a_context_that_outlives_an_execution_does_not_answer_from_the_earlier_one():
    CALLS.clear()
    socket_context = SimpleNamespace()
    for _ in range(2):
        assert not schema.execute("{ rows(count: 3) { square } }", context_value=socket_context).errors
    assert CALLS == [[0, 1, 2], [0, 1, 2]]


def test_each_root_field_of_a_mutation_has_loaders_of_its_own():
    CALLS.clear()
    result = schema.execute(
        "mutation { a: rows(count: 2) { square } b: rows(count: 2) { square } }",
        context_value=SimpleNamespace(),
    )
    assert not result.errors
    assert CALLS == [[0, 1], [0, 1]]
    CALLS.clear()
    result = schema.execute(
        "{ a: rows(count: 2) { square } b: rows(count: 2) { square } }", context_value=SimpleNamespace()
    )
    assert CALLS == [[0, 1]]  # a query shares them: nothing changes between its fields
