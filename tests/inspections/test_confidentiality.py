"""Rule 1: until an inspector checks in, a surprise visit does not exist for anyone in the inspected unit.

Each surface is asked by the inspected unit's head and by its staff, before and after check-in; before, every
answer must be byte for byte the answer given when the visit does not exist at all.
"""

import json
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections.models import Visit, VisitStatus
from inspections.services.plans import assign_inspectors
from inspections.services.visibility import visible_visits
from tests.factories import approved_plan, gid, surprise_visits, token_for

MISSING_VISIT = gid("Visit", 987654)


def surfaces(plan, visit_id, unit):
    plan_id = gid("Plan", plan.pk)
    unit_id = gid("OrgUnit", unit.pk)
    return [
        (
            "list",
            "{ visits(first: 50) { totalCount edges { node { id kind plannedDate unit { code } } } } }",
            {},
        ),
        ("surprise filter", "{ visits(first: 50, kind: SURPRISE) { totalCount edges { node { id } } } }", {}),
        ("status filter", "{ visits(first: 50, status: PLANNED) { totalCount } }", {}),
        (
            "unit filter",
            "query($u: ID!) { visits(first: 50, unit: $u) { totalCount edges { node { id } } } }",
            {"u": unit_id},
        ),
        ("plan filter", "query($p: ID!) { visits(first: 50, plan: $p) { totalCount } }", {"p": plan_id}),
        (
            "node",
            "query($id: ID!) { node(id: $id) { id ... on Visit { kind plannedDate } } }",
            {"id": visit_id},
        ),
        ("visit", "query($id: ID!) { visit(id: $id) { id plannedDate } }", {"id": visit_id}),
        ("plan", "query($p: ID!) { plan(id: $p) { id visits(first: 50) { totalCount } } }", {"p": plan_id}),
        (
            "coverage",
            "query($p: ID!) { planCoverage(planId: $p) { plannedUnits visitedUnits } }",
            {"p": plan_id},
        ),
        (
            "commitment",
            "query($p: ID!) { planCommitment(planId: $p) { commitment inputsDigest } }",
            {"p": plan_id},
        ),
        (
            "assign error",
            """mutation($id: ID!, $who: [ID!]!) { assignInspectors(visitId: $id, inspectorIds: $who) {
            errors { field code message } } }""",
            {"id": visit_id, "who": []},
        ),
    ]


def ask(client, token, query, variables):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/graphql/",
            json.dumps({"query": query, "variables": variables}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    return response.status_code, response.content, len(queries)


@pytest.mark.parametrize("who", ["head", "staff"])
def test_every_surface_hides_the_surprise_visit_until_check_in(world, who):
    plan = approved_plan(world)
    hidden = surprise_visits(plan)[0]
    head, staff = world.unit_people(hidden.unit)
    token = token_for(head if who == "head" else staff)
    client = Client()
    client.post(
        "/graphql/",
        json.dumps({"query": "{ me { id } }"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # the token's first use is not measured

    before = {
        name: ask(client, token, query, variables)
        for name, query, variables in surfaces(plan, gid("Visit", hidden.pk), hidden.unit)
    }
    as_missing = {
        name: ask(client, token, query, variables)
        for name, query, variables in surfaces(plan, MISSING_VISIT, hidden.unit)
    }
    assert before["node"] == as_missing["node"] and before["visit"] == as_missing["visit"]
    assert before["assign error"] == as_missing["assign error"]
    assert b'"node":null' in before["node"][1]

    # The whole world, seen from the unit, is the same as a world where the visit was never drawn.
    with transaction.atomic():
        Visit.objects.filter(pk=hidden.pk).delete()
        without = {
            name: ask(client, token, query, variables)
            for name, query, variables in surfaces(plan, gid("Visit", hidden.pk), hidden.unit)
        }
        transaction.set_rollback(True)  # the visit comes back
    for name in before:
        if name in ("node", "visit", "assign error"):
            continue
        assert before[name][:2] == without[name][:2], name

    # Check-in reveals it everywhere the unit looks.
    Visit.objects.filter(pk=hidden.pk).update(status=VisitStatus.IN_PROGRESS, checked_in_at=timezone.now())
    after = {
        name: ask(client, token, query, variables)
        for name, query, variables in surfaces(plan, gid("Visit", hidden.pk), hidden.unit)
    }
    assert gid("Visit", hidden.pk).encode() in after["list"][1]
    assert gid("Visit", hidden.pk).encode() in after["node"][1]
    assert b'"SURPRISE"' in after["node"][1]
    assert json.loads(after["unit filter"][1])["data"]["visits"]["totalCount"] == 1


@pytest.mark.parametrize("who", ["head", "staff"])
def test_the_admin_hides_it_too(world, who):
    plan = approved_plan(world)
    hidden = surprise_visits(plan)[0]
    person = world.unit_people(hidden.unit)[0 if who == "head" else 1]
    person.is_staff = True
    person.save()
    person.user_permissions.add(Permission.objects.get(codename="view_visit"))
    client = Client()
    client.force_login(person)
    listing = client.get("/admin/inspections/visit/")
    assert listing.status_code == 200 and hidden not in listing.context["cl"].queryset
    assert (
        client.get(f"/admin/inspections/visit/{hidden.pk}/change/").status_code
        == client.get("/admin/inspections/visit/987654/change/").status_code
    )
    Visit.objects.filter(pk=hidden.pk).update(status=VisitStatus.IN_PROGRESS)
    assert hidden in client.get("/admin/inspections/visit/").context["cl"].queryset


def test_the_authority_side_sees_it_and_inspectors_only_from_the_lead_time(world):
    plan = approved_plan(world)
    hidden = surprise_visits(plan)[0]
    assert visible_visits(world.reviewer).filter(pk=hidden.pk).exists()
    assert visible_visits(world.admin).filter(pk=hidden.pk).exists()
    inspector = world.inspectors[0]
    assign_inspectors(hidden, [inspector], actor=world.reviewer)
    day = hidden.planned_date
    from inspections.services.calendar import add_working_days

    two_before, one_before = add_working_days(day, -2), add_working_days(day, -1)
    assert not visible_visits(inspector, today=two_before).filter(pk=hidden.pk).exists()
    assert visible_visits(inspector, today=one_before).filter(pk=hidden.pk).exists()
    # The other inspector, not assigned, does not see it at all.
    assert not visible_visits(world.inspectors[1], today=day).filter(pk=hidden.pk).exists()


def test_the_seed_is_nowhere_in_the_api_before_close(world):
    """Walks every field reachable from the plan-related roots (to depth 4) as an administrator."""
    from django.test import override_settings
    from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, get_named_type

    from backend.schema import schema
    from inspections.models import PlanSecret

    plan = approved_plan(world)
    seed = PlanSecret.objects.get(plan=plan).seed
    graphql_schema = schema.graphql_schema

    def selection(type_, depth):
        named = get_named_type(type_)
        if not isinstance(named, GraphQLObjectType):
            return ""
        parts = []
        for name, field in named.fields.items():
            if any(
                arg.type.__class__ is GraphQLNonNull and arg.default_value is None
                for arg in field.args.values()
            ):
                continue  # needs an argument we cannot invent
            inner = get_named_type(field.type)
            if isinstance(inner, GraphQLObjectType):
                if depth > 0:
                    sub = selection(field.type, depth - 1)
                    if sub:
                        args = "(first: 20)" if "first" in field.args else ""
                        parts.append(f"{name}{args} {sub}")
            else:
                parts.append(name)
        return "{ " + " ".join(parts) + " }" if parts else ""

    assert isinstance(GraphQLList, type)
    plan_id = gid("Plan", plan.pk)
    roots = {
        "plan": f'plan(id: "{plan_id}")',
        "planCommitment": f'planCommitment(planId: "{plan_id}")',
        "verifyDraw": f'verifyDraw(planId: "{plan_id}")',
        "previewDraw": f'previewDraw(planId: "{plan_id}")',
        "planCoverage": f'planCoverage(planId: "{plan_id}")',
        "plans": "plans(first: 20)",
        "visits": "visits(first: 50)",
        "me": "me",
        "orgUnits": "orgUnits(first: 20)",
    }
    token = token_for(world.admin)
    with override_settings(
        GRAPHQL_MAX_DEPTH=50,
        GRAPHQL_MAX_FIELDS=100000,
        GRAPHQL_MAX_DOCUMENT_BYTES=10**7,
        GRAPHQL_MAX_COST=10**7,  # every field of every type at once: more than any client asks
        GRAPHQL_MAX_REQUEST_COST=10**7,
    ):
        for root_name, call in roots.items():
            field = graphql_schema.query_type.fields[root_name]
            body = selection(field.type, 4)
            query = "{ " + call + (" " + body if body else "") + " }"
            response = Client().post(
                "/graphql/",
                json.dumps({"query": query}),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            assert response.status_code == 200, response.content[:500]
            assert "errors" not in response.json(), (root_name, response.json()["errors"][:2])
            assert seed not in response.content.decode(), root_name
    # No type in the schema even has a field for the secret itself.
    for type_ in graphql_schema.type_map.values():
        if isinstance(type_, GraphQLObjectType):
            assert not any("seed" in name.lower() and name != "revealedSeed" for name in type_.fields), (
                type_.name
            )
    assert date.today()  # the walk ran
