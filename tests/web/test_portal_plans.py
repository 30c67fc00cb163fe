"""Home Affairs' planning pages: a plan made (an overlapping one refused), periodic visits picked on the
working-day calendar, the draw previewed and approved with its commitment shown, inspectors assigned in bulk
from a proposal, coverage at risk, closing and the draw's verification, the exports."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from inspections.models import InspectionPlan, Visit, VisitAssignment, VisitKind, VisitStatus
from inspections.services.calendar import is_working_day
from inspections.services.plans import add_periodic_visit, create_plan
from tests.factories import approved_plan

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def draft(world) -> InspectionPlan:
    return create_plan(
        actor=world.reviewer,
        authority=world.province,
        title="Kiểm tra CCHC 2027",
        year=2027,
        inspectors=world.inspectors,
    )


def test_a_planner_creates_a_plan_and_an_overlapping_one_is_refused(world):
    client = signed_in(world.reviewer)
    form = {
        "authority": world.province.pk,
        "title": "Kiểm tra CCHC 2027",
        "year": "2027",
        "quarter": "",
        "coverage_target": "30",
        "surprise_share": "50",
        "inspectors": [i.pk for i in world.inspectors],
    }
    response = client.post("/plans/new/", form)
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    assert set(plan.inspectors.all()) == set(world.inspectors) and plan.coverage_target == Decimal("0.300")
    refused = client.post("/plans/new/", {**form, "title": "Quý 2", "quarter": "2"})
    assert refused.status_code == 400 and 'role="alert"' in refused.content.decode()
    assert InspectionPlan.objects.count() == 1


def test_the_calendar_offers_exactly_the_working_days(world, draft):
    page = signed_in(world.reviewer).get(f"/plans/{draft.pk}/?month=2027-09").content.decode()
    offered = set(re.findall(r'name="date" value="(\d{4}-\d\d-\d\d)"', page))
    september = [date(2027, 9, day) for day in range(1, 31)]
    assert offered == {day.isoformat() for day in september if is_working_day(day)}
    assert "2027-09-02" not in offered  # National Day


def test_the_calendar_month_comes_alone_to_htmx(world, draft):
    response = signed_in(world.reviewer).get(f"/plans/{draft.pk}/?month=2027-10", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'value="2027-10-01"' in html and "<html" not in html


def test_a_periodic_visit_goes_on_a_working_day_and_never_on_a_holiday(world, draft):
    client = signed_in(world.reviewer)
    unit = world.units["W01"]
    refused = client.post(f"/plans/{draft.pk}/periodic/", {"unit": unit.pk, "date": "2027-09-02"})
    assert refused.status_code == 400 and not Visit.objects.exists()
    assert (
        client.post(f"/plans/{draft.pk}/periodic/", {"unit": unit.pk, "date": "2027-09-06"}).status_code
        == 302
    )
    visit = Visit.objects.get()
    assert (visit.unit, visit.planned_date, visit.kind) == (unit, date(2027, 9, 6), VisitKind.PERIODIC)


def test_the_preview_shows_each_units_weight_and_probability_then_approval_its_commitment(world, draft):
    add_periodic_visit(draft, world.units["P1-STP"], date(2027, 3, 3), actor=world.reviewer)
    add_periodic_visit(draft, world.units["P1-TTR"], date(2027, 3, 4), actor=world.reviewer)
    client = signed_in(world.reviewer)
    page = client.get(f"/plans/{draft.pk}/preview/").content.decode()
    table = page[page.index('id="preview"') :]
    rows = re.findall(
        r'<tr><td>(Đơn vị W\d\d) .*?</td><td class="num">([\d,]+)</td><td class="num">([\d,]+)%', table
    )
    assert sorted(name for name, _w, _p in rows) == [f"Đơn vị W{i:02d}" for i in range(1, 11)]
    number = lambda text: float(text.replace(",", "."))  # noqa: E731 (Vietnamese decimal comma)
    assert all(number(weight) >= 1 and 0 < number(share) <= 100 for _n, weight, share in rows)
    assert client.post(f"/plans/{draft.pk}/approve/").status_code == 302
    draft.refresh_from_db()
    assert draft.commitment and draft.commitment in client.get(f"/plans/{draft.pk}/").content.decode()


def test_inspectors_are_assigned_in_bulk_from_a_proposal_that_honours_conflicts(world):
    plan = approved_plan(world)
    client = signed_in(world.reviewer)
    page = client.get(f"/plans/{plan.pk}/assignments/?propose=1").content.decode()
    inspectorate = Visit.objects.get(plan=plan, unit=world.units["P1-TTR"])
    for inspector in world.inspectors:  # both belong to the inspectorate they would inspect
        assert re.search(rf'name="visit-{inspectorate.pk}" value="{inspector.pk}"[^>]*disabled', page), (
            "an inspector of the inspected unit is offered"
        )
    proposed = re.findall(r'name="(visit-\d+)" value="(\d+)" checked', page)
    assert proposed
    form: dict[str, list[str]] = {}
    for name, value in proposed:
        form.setdefault(name, []).append(value)
    assert client.post(f"/plans/{plan.pk}/assignments/", form).status_code == 302
    others = Visit.objects.filter(plan=plan).exclude(pk=inspectorate.pk)
    assert all(VisitAssignment.objects.filter(visit=visit).exists() for visit in others)
    assert not VisitAssignment.objects.filter(visit=inspectorate).exists()


def test_a_bulk_assignment_with_a_conflict_is_refused_whole(world):
    plan = approved_plan(world)
    inspectorate = Visit.objects.get(plan=plan, unit=world.units["P1-TTR"])
    other = Visit.objects.get(plan=plan, unit=world.units["P1-STP"])
    response = signed_in(world.reviewer).post(
        f"/plans/{plan.pk}/assignments/",
        {f"visit-{other.pk}": [world.inspectors[0].pk], f"visit-{inspectorate.pk}": [world.inspectors[1].pk]},
    )
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not VisitAssignment.objects.filter(visit__plan=plan).exists()


def test_a_plan_without_a_team_shows_its_coverage_at_risk(world):
    plan = create_plan(actor=world.reviewer, authority=world.province, title="Không có đoàn", year=2027)
    assert 'id="at-risk"' in signed_in(world.reviewer).get(f"/plans/{plan.pk}/").content.decode()


def test_closing_reveals_the_seed_and_the_page_verifies_the_draw(world):
    plan = approved_plan(world)
    Visit.objects.filter(plan=plan, kind=VisitKind.SURPRISE).update(status=VisitStatus.SUBMITTED)
    client = signed_in(world.reviewer)
    assert client.post(f"/plans/{plan.pk}/close/").status_code == 302
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    plan.refresh_from_db()
    assert plan.revealed_seed in page
    assert re.search(r'class="decision accepted" role="status" id="verification"', page)


def test_the_plan_page_links_every_export_and_they_answer(world):
    plan = approved_plan(world)
    client = signed_in(world.reviewer)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    links = re.findall(r'href="(/api/exports/[^"]+)"', page)
    kinds = {re.sub(r"\?.*", "", link).rsplit("/", 1)[-1] for link in links}
    assert {
        "board.xlsx",
        "board.csv",
        "findings.xlsx",
        "findings.csv",
        "answers.xlsx",
        "answers.csv",
        "report.pdf",
    } <= kinds
    assert len([link for link in links if "report.pdf" in link]) == plan.visits.count()
    for link in links:
        if "report.pdf" not in link:
            assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_a_unit_head_finds_no_plan_above_them(world):
    plan = approved_plan(world)
    head, _staff = world.unit_people(world.units["W01"])
    client = signed_in(head)
    assert plan.title not in client.get("/plans/").content.decode()
    for path in ("", "preview/", "assignments/"):
        assert client.get(f"/plans/{plan.pk}/{path}").status_code == 404
    assert client.post(f"/plans/{plan.pk}/close/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/plans/", "/plans/new/", "/plans/ID/", "/plans/ID/preview/", "/plans/ID/assignments/"]
)
def test_the_planning_pages_speak_english_when_asked(world, draft, path):
    path = path.replace("ID", str(draft.pk))
    english = signed_in(world.reviewer).get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    vietnamese = signed_in(world.reviewer).get(path).content.decode()
    assert '<html lang="en">' in english and "Plans</a>" in english
    assert '<html lang="vi">' in vietnamese and "Kế hoạch</a>" in vietnamese
