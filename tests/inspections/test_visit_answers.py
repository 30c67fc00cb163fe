"""The checklist answers of a visit read back: through the API (``Visit.answers``), in the PDF report and in
the answers export; the inspected unit reads them once the visit is submitted."""

import csv
import io
import re
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from inspections.models import Criterion, OrgUnit, Visit
from inspections.services.field import answer_criterion, check_in, record_finding, submit_visit
from inspections.web.exports import report_html
from tests.factories import NEAR, gid, gql, token_for

VISIT = """query($id: ID!) { visit(id: $id) { status answers { criterionCode result note
  criterion { code textVi area } answeredBy { fullName } } } }"""


@pytest.fixture
def visit(field) -> Visit:
    """A visit under way: every criterion answered (OSS-05 failed with a note and a finding), not submitted."""
    visit = Visit.objects.get(pk=field.visit.pk)
    check_in(
        visit,
        actor=field.inspector,
        latitude=NEAR[0],
        longitude=NEAR[1],
        accuracy_m=10,
        device_time=timezone.now(),
    )
    for criterion in Criterion.objects.filter(template=Visit.objects.get(pk=visit.pk).template):
        failed = criterion.code == "OSS-05"
        answer_criterion(
            visit,
            actor=field.inspector,
            criterion_code=criterion.code,
            result="fail" if failed else "pass",
            note="Không niêm yết phí, lệ phí" if failed else "",
        )
    record_finding(
        visit,
        actor=field.inspector,
        client_id=uuid.uuid4(),
        criterion_code="OSS-05",
        text="Không niêm yết phí",
    )
    return Visit.objects.get(pk=visit.pk)


def answers_seen(user, visit):
    return gql(Client(), VISIT, {"id": gid("Visit", visit.pk)}, token=token_for(user))["data"]["visit"][
        "answers"
    ]


def test_the_answers_read_back_in_checklist_order_and_the_unit_reads_them_once_submitted(field, visit):
    head, _staff = field.world.unit_people(visit.unit)
    criteria = list(
        Criterion.objects.filter(template=visit.template).order_by("position").values_list("code", flat=True)
    )
    seen = answers_seen(field.inspector, visit)
    assert [a["criterionCode"] for a in seen] == [a["criterion"]["code"] for a in seen] == criteria
    [failed] = [a for a in seen if a["result"] == "FAIL"]
    assert failed["criterionCode"] == "OSS-05" and failed["note"] == "Không niêm yết phí, lệ phí"
    assert failed["answeredBy"] == {"fullName": field.inspector.display_name}
    assert len(answers_seen(field.world.reviewer, visit)) == len(criteria)
    assert answers_seen(head, visit) == []  # under way: the inspected unit does not read the checklist yet
    submit_visit(visit, actor=field.inspector)
    assert len(answers_seen(head, visit)) == len(criteria)


def test_the_pdf_report_and_the_export_hold_the_answers(field, visit):
    submit_visit(visit, actor=field.inspector)
    unit = OrgUnit.objects.select_related("head").get(pk=visit.unit_id)
    html = report_html(field.world.reviewer, unit, visit.planned_date.year)
    assert "OSS-05" in html and "Không niêm yết phí, lệ phí" in html and "Không đạt" in html
    assert field.inspector.display_name in html  # the team, by full name
    url = (
        f"/api/exports/answers.csv?authority={gid('OrgUnit', field.world.province.pk)}"
        f"&year={visit.planned_date.year}"
    )
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token_for(field.world.reviewer)}")
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    body = lines[1:]
    assert len(body) == Criterion.objects.filter(template=visit.template).count()
    [failed] = [line for line in body if line[4] == "OSS-05"]
    assert failed[0] == unit.code and failed[7] == "Không đạt" and failed[8] == "Không niêm yết phí, lệ phí"
    assert failed[9] == field.inspector.display_name
    head, _staff = field.world.unit_people(visit.unit)
    denied = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token_for(head)}")
    assert denied.status_code == 404  # exports are for the authority side


def test_the_boards_drill_down_reads_the_checklist_results(field, visit):
    """The board page's drill-down query (as board.js sends it) brings the unit's visits with their answers."""
    submit_visit(visit, actor=field.inspector)
    script = (Path(__file__).resolve().parents[2] / "inspections/static/board/board.js").read_text()
    query = re.search(r"const FINDINGS_QUERY = `(.*?)`;", script, re.S).group(1)
    data = gql(Client(), query, {"u": gid("OrgUnit", visit.unit_id)}, token=token_for(field.world.reviewer))
    [node] = [edge["node"] for edge in data["data"]["visits"]["edges"]]
    assert node["id"] == gid("Visit", visit.pk)
    results = {answer["criterionCode"]: answer["result"] for answer in node["answers"]}
    assert (
        results["OSS-05"] == "FAIL"
        and len(results) == Criterion.objects.filter(template=visit.template).count()
    )
