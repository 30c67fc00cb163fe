"""Exports: XLSX and CSV hold the same figures as the board query; the PDF report renders; permissions and
surprise confidentiality hold."""

import csv
import io
import uuid
from datetime import date

import openpyxl
from django.test import Client
from django.utils import timezone

from inspections.models import Evidence, Finding, Visit
from inspections.services.board import board
from inspections.services.evidence import store_photo
from inspections.services.plans import assign_inspectors
from tests import images
from tests.factories import at, gid, surprise_visits, token_for


def get(user, url):
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def board_url(scene, fmt, year):
    return f"/api/exports/board.{fmt}?authority={gid('OrgUnit', scene.province.pk)}&year={year}"


def test_board_exports_hold_the_query_figures(scene):
    year = 2027
    expected = board(scene.reviewer, scene.province, year)  # with the real today, as the export computes it
    response, body = get(scene.reviewer, board_url(scene, "xlsx", year))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet.freeze_panes == "A2"
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:3] == ["Thứ hạng", "Mã", "Đơn vị"]  # Vietnamese by default
    assert [(r[0], r[1], r[5], r[8], r[10]) for r in rows] == [
        (row.rank, row.unit.code, row.score, row.findings["critical"], row.findings["minor"])
        for row in expected.rows
    ]
    assert rows[[r[1] for r in rows].index("W01")][2] == "Đơn vị W01"  # Vietnamese text intact
    response, body = get(scene.reviewer, board_url(scene, "csv", year))
    assert response.status_code == 200 and body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [line[1] for line in lines[1:]] == [row.unit.code for row in expected.rows]
    assert [[float(v) if v.replace(".", "").isdigit() else v for v in line] for line in lines[1:]] == [
        [float(v) if isinstance(v, (int, float)) else ("" if v is None else v) for v in row] for row in rows
    ]


def test_findings_exports_and_who_may_export(scene):
    url = f"/api/exports/findings.csv?authority={gid('OrgUnit', scene.province.pk)}&year=2027"
    response, body = get(scene.reviewer, url)
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert sorted((line[0], line[2], line[5]) for line in lines[1:]) == [
        ("P1-STP", "OSS-05", "major"),
        ("W01", "OSS-10", "critical"),
        ("W01", "OSS-10", "minor"),
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(get(scene.reviewer, url.replace(".csv", ".xlsx"))[1]))
    assert workbook.active.max_row == 4
    head = scene.unit_people(scene.units["W01"])[0]
    for outsider_url in (url, board_url(scene, "xlsx", 2027)):
        assert get(head, outsider_url)[0].status_code == 404  # the inspected side has no board to export
    assert Client().get(url).status_code == 401
    assert get(scene.reviewer, url.replace(".csv", ".pdf"))[0].status_code == 404


def test_the_unit_report_renders_as_pdf_with_photos(scene, media_storage):
    stp = scene.units["P1-STP"]
    finding = Finding.objects.get(unit=stp)
    # A photo on the finding, through the real upload path (the visit is reopened for the upload).
    Visit.objects.filter(pk=finding.visit_id).update(status="in_progress")
    assign_inspectors(finding.visit, [scene.inspectors[0]], actor=scene.reviewer)
    store_photo(
        actor=scene.inspectors[0],
        evidence_id=uuid.uuid4(),
        finding_id=finding.uuid,
        data=images.jpeg(images.photo("coffee")),
    )
    assert Evidence.objects.filter(finding=finding).count() == 1
    url = f"/api/exports/units/{gid('OrgUnit', stp.pk)}/report.pdf?year=2027"
    response, body = get(scene.reviewer, url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF-") and b"/Image" in body  # rendered, with the photo embedded
    other_head = scene.unit_people(scene.units["W02"])[0]
    assert get(other_head, url)[0].status_code == 404


def test_no_export_reveals_a_hidden_surprise_visit(world, clock):
    """The unit's own report shows its surprise visit only once the inspector has checked in."""
    from inspections.web.exports import report_html
    from tests.factories import approved_plan

    clock.move_to(at(date(2026, 12, 1)))  # the world's plan is of next year (2027)
    plan = approved_plan(world)
    hidden = surprise_visits(plan)[0]
    head = world.unit_people(hidden.unit)[0]
    url = f"/api/exports/units/{gid('OrgUnit', hidden.unit.pk)}/report.pdf?year={hidden.planned_date.year}"
    assert get(head, url)[0].status_code == 200  # their own unit's report renders
    before_check_in = Visit.objects.filter(pk=hidden.pk)
    day = hidden.planned_date.strftime("%d/%m/%Y")
    assert day not in report_html(head, hidden.unit, hidden.planned_date.year)
    assert day not in report_html(
        world.reviewer, hidden.unit, hidden.planned_date.year
    )  # not done: not listed
    before_check_in.update(status="in_progress", checked_in_at=timezone.now())
    assert day in report_html(head, hidden.unit, hidden.planned_date.year)
