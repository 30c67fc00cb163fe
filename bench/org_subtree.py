"""org_subtree: 500 units of a province through /graphql/ as its Home Affairs reviewer.

floor (org_subtree): graphql-core parsing, validating and executing the same document over the same 500 rows
held in memory as plain dicts — the cost of the GraphQL engine itself.
floor (org_subtree_vs_sql): one raw SQL query serialised to JSON by a plain Django view, over the same client.
"""

import json

from django.db import connection
from django.http import JsonResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from graphql import build_schema, graphql_sync

from bench.common import median_ms, result
from inspections.models import OrgUnit, OrgUnitKind, Role, User
from mobile_api.services import issue_token

UNITS = 500
DOCUMENT = """query Subtree { orgUnits(first: 500) { edges { node {
  id code name kind parent { code } head { fullName }
} } } }"""

ENGINE_SDL = """
type Query { orgUnits(first: Int): OrgUnitConnection }
type OrgUnitConnection { edges: [OrgUnitEdge] }
type OrgUnitEdge { node: OrgUnit }
enum OrgUnitKind { PROVINCE DEPARTMENT DISTRICT WARD COMMUNE SPECIAL_ZONE }
type OrgUnit { id: ID! code: String! name: String! kind: OrgUnitKind! parent: OrgUnit head: User }
type User { fullName: String! }
"""

RAW_SQL = """
SELECT u.id, u.code, u.name, u.kind, p.code, h.full_name, h.username
FROM inspections_orgunit u
LEFT JOIN inspections_orgunit p ON p.id = u.parent_id
LEFT JOIN inspections_user h ON h.id = u.head_id
WHERE u.path LIKE %s
ORDER BY u.path
LIMIT 500
"""


def raw_sql_view(request):
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, [request.GET["path"] + "%"])
        rows = cursor.fetchall()
    units = [
        {
            "id": r[0],
            "code": r[1],
            "name": r[2],
            "kind": r[3],
            "parent": {"code": r[4]} if r[4] else None,
            "head": {"fullName": r[5] or r[6]},
        }
        for r in rows
    ]
    return JsonResponse({"orgUnits": units})


urlpatterns = [path("raw/", raw_sql_view), path("", include("backend.urls"))]


def build_province() -> tuple[OrgUnit, User]:
    province = OrgUnit.objects.add_root(
        instance=OrgUnit(code="99", kind=OrgUnitKind.PROVINCE, name="Tỉnh Thử Nghiệm")
    )
    specs = [("99-SNV", OrgUnitKind.DEPARTMENT, "Sở Nội vụ Tỉnh Thử Nghiệm")]
    specs += [(f"99{i:03d}", OrgUnitKind.WARD, f"Phường Số {i}") for i in range(1, UNITS)]
    OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                code=code,
                kind=kind,
                name=name,
                search_name=name.lower(),
                parent=province,
                depth=2,
                numchild=0,
                path=OrgUnit._get_path(province.path, 2, position),
            )
            for position, (code, kind, name) in enumerate(specs, start=1)
        ]
    )
    OrgUnit.objects.filter(pk=province.pk).update(numchild=len(specs))
    units = list(OrgUnit.objects.filter(parent=province))
    User.objects.bulk_create(
        [
            User(
                username=f"head{unit.code}",
                full_name=f"Trưởng {unit.name}",
                role=Role.UNIT_HEAD,
                unit=unit,
            )
            for unit in units
        ]
    )
    heads = {user.unit_id: user for user in User.objects.filter(username__startswith="head99")}
    for unit in units:
        unit.head = heads[unit.pk]
    OrgUnit.objects.bulk_update(units, ["head"])
    reviewer = User.objects.create(
        username="noivu99", role=Role.HOME_AFFAIRS, unit=OrgUnit.objects.get(code="99-SNV")
    )
    return province, reviewer


def in_memory_rows(province: OrgUnit) -> dict:
    units = (
        OrgUnit.objects.filter(path__startswith=province.path)
        .select_related("parent", "head")
        .order_by("path")
    )
    edges = [
        {
            "node": {
                "id": str(unit.pk),
                "code": unit.code,
                "name": unit.name,
                "kind": unit.kind.upper(),
                "parent": {"code": unit.parent.code} if unit.parent else None,
                "head": {"fullName": unit.head.display_name} if unit.head else None,
            }
        }
        for unit in units[:UNITS]
    ]
    return {"orgUnits": {"edges": edges}}


def run():
    province, reviewer = build_province()
    token = issue_token(reviewer, device_name="bench").token
    client = Client()
    body = json.dumps({"query": DOCUMENT})
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}

    def through_graphql():
        response = client.post("/graphql/", body, **headers)
        assert response.status_code == 200 and b'"errors"' not in response.content, response.content[:300]
        return response

    rows = len(json.loads(through_graphql().content)["data"]["orgUnits"]["edges"])
    assert rows == UNITS, rows
    with CaptureQueriesContext(connection) as queries:
        through_graphql()
    query_count = len(queries)  # read now: the next request clears the connection's query log
    value = median_ms(through_graphql)

    engine_schema = build_schema(ENGINE_SDL)
    root = in_memory_rows(province)

    def engine_only():
        outcome = graphql_sync(engine_schema, DOCUMENT, root_value=root)
        assert not outcome.errors, outcome.errors
        return json.dumps(outcome.data)

    engine = median_ms(engine_only)
    yield result("org_subtree", value, "ms", engine, queries=query_count, rows=rows)

    with override_settings(ROOT_URLCONF=__name__):
        raw_client = Client()

        def raw_sql():
            return raw_client.get("/raw/", {"path": province.path})

        assert len(json.loads(raw_sql().content)["orgUnits"]) == UNITS
        sql = median_ms(raw_sql)
    yield result("org_subtree_vs_sql", value, "ms", sql, rows=rows)
