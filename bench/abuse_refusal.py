"""abuse_refusal: time to refuse 150 aliases of ``board(...) { unitCount }`` (QUERY_TOO_COSTLY, before any SQL)
against answering ``{ __typename }``, both through the real HTTP view (Django's test client, the whole
middleware stack, a bearer token), in the same run. Goal: ratio ≤ 2, i.e. refusing costs about what the
cheapest answer does, never the 8 s the operation would run. A repeated document is known (parsed and
validated once per process) and its cost walk stops at the first root field over the budget;
``first_sight_ms`` is the refusal of a document never seen before (parse and validation included)."""

import itertools
import json

from django.test import Client
from graphql_relay import to_global_id

from bench.common import median_ms, result
from inspections.models import OrgUnit, OrgUnitKind, Role
from tests.factories import make_user, token_for

URL = "/graphql/"


def board_aliases(authority_id: str, count: int = 150, prefix: str = "b") -> str:
    return (
        "{ "
        + " ".join(
            f'{prefix}{i}: board(authorityId: "{authority_id}", year: 2026) {{ unitCount }}'
            for i in range(count)
        )
        + " }"
    )


def run():
    province = OrgUnit.objects.add_root(
        instance=OrgUnit(code="P1", kind=OrgUnitKind.PROVINCE, name="Tỉnh Một")
    )
    department = OrgUnit.objects.add_child(
        province,
        instance=OrgUnit(code="P1-SNV", kind=OrgUnitKind.DEPARTMENT, name="Sở Nội vụ", parent=province),
    )
    token = token_for(make_user("noivu-bench", Role.HOME_AFFAIRS, department))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    authority = to_global_id("OrgUnit", province.pk)
    abusive = json.dumps({"query": board_aliases(authority)})
    cheapest = json.dumps({"query": "{ __typename }"})

    def send(body: str, expected: str) -> None:
        response = client.post(URL, body, content_type="application/json")
        assert expected in response.content.decode(), response.content[:200]

    value = median_ms(lambda: send(abusive, "QUERY_TOO_COSTLY"), repeat=40)
    floor = median_ms(lambda: send(cheapest, '"__typename":"Query"'), repeat=40)
    # The same abuse with fresh alias names every time, so no document is known yet: parsed and validated.
    fresh = (json.dumps({"query": board_aliases(authority, prefix=f"x{n}_")}) for n in itertools.count())
    first_sight = median_ms(lambda: send(next(fresh), "QUERY_TOO_COSTLY"), repeat=20)
    yield result(
        "abuse_refusal",
        value,
        "ms",
        floor,
        aliases=150,
        document_bytes=len(abusive),
        first_sight_ms=round(first_sight, 3),
    )
