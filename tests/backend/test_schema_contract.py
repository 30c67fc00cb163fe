"""The checked-in contract (graphql/schema.graphql) must be what the code serves."""

from pathlib import Path

from graphql import print_schema

from backend.schema import schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql"


def test_checked_in_schema_matches_code():
    printed = print_schema(schema.graphql_schema)
    assert SCHEMA_FILE.read_text(encoding="utf-8") == printed, (
        "graphql/schema.graphql differs from the code: run `make schema` and commit the result."
    )
