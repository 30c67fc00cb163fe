"""Exports for Home Affairs: the board and the findings list as XLSX and CSV, a unit's inspection report as PDF.

Every export is computed by the same services as the GraphQL queries, for the caller (so it holds the same
figures and hides what the caller may not see: a surprise visit before check-in appears in none of them), and
is streamed. CSV is UTF-8 with a BOM so that Excel opens Vietnamese text correctly.

    GET /api/exports/board.xlsx?authority=<OrgUnit id>&year=2026[&quarter=3]     (also board.csv)
    GET /api/exports/findings.xlsx?authority=<OrgUnit id>&year=2026               (also findings.csv)
    GET /api/exports/answers.xlsx?authority=<OrgUnit id>&year=2026                (also answers.csv)
    GET /api/exports/units/<OrgUnit id>/report.pdf?year=2026
"""

import base64
import csv
import io
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from apikit.rest import json_error
from apikit.types import decode_id
from inspections.models import Answer, Evidence, OrgUnit, Remediation, VisitAssignment
from inspections.services import board as board_service
from inspections.services.board import period
from inspections.services.evidence import TamperedEvidence, read_verified
from inspections.services.field import may_read_answers
from inspections.services.visibility import can_see_unit, visible_findings, visible_visits


def _unauthenticated() -> JsonResponse:
    return json_error(401, "UNAUTHENTICATED", _("Sign in first."))


def _year(request) -> tuple[int, int | None]:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
        quarter = int(request.GET["quarter"]) if request.GET.get("quarter") else None
    except ValueError:
        raise Http404 from None
    if quarter not in (None, 1, 2, 3, 4):
        raise Http404
    return year, quarter


def _authority(request) -> OrgUnit:
    """The authority of a board the caller may see; anything else is a 404, like an unknown id."""
    authority = OrgUnit.objects.filter(pk=decode_id(request.GET.get("authority", ""), "OrgUnit") or 0).first()
    if authority is None or not board_service.may_see_board(request.user, authority):
        raise Http404
    return authority


def board_table(board) -> tuple[list[str], list[list]]:
    header = [
        _("Rank"),
        _("Code"),
        _("Unit"),
        _("Head"),
        _("Status"),
        _("Score"),
        _("Periodic visits"),
        _("Surprise visits"),
        _("Critical"),
        _("Major"),
        _("Minor"),
        _("Remediated on time"),
        _("Remediated late"),
        _("Overdue now"),
        _("On-time rate"),
        _("Rejected answers"),
        _("Repeat findings"),
        _("Confirmed CCTV flags"),
        _("Cameras"),
        _("Camera tamper share"),
        _("Median days to close"),
    ]
    rows = [
        [
            row.rank,
            row.unit.code,
            row.unit.name,
            row.head.display_name if row.head else "",
            row.status,
            row.score,
            row.periodic_visits,
            row.surprise_visits,
            row.findings["critical"],
            row.findings["major"],
            row.findings["minor"],
            row.remediation_on_time,
            row.remediation_late,
            row.overdue_now,
            row.on_time_rate,
            row.rejected_answers,
            row.repeat_findings,
            row.cctv_flags,
            row.cameras,
            row.camera_tamper_share,
            row.median_days_to_close,
        ]
        for row in board.rows
    ]
    return header, rows


def findings_table(
    user, authority: OrgUnit, year: int, quarter: int | None
) -> tuple[list[str], Iterator[list]]:
    start, end = period(year, quarter)
    findings = (
        visible_findings(user)
        .current()
        .filter(unit__path__startswith=authority.path, captured_at__gte=start, captured_at__lt=end)
        .select_related("unit", "criterion", "remediation")
        .order_by("unit__code", "captured_at", "pk")
    )
    header = [
        _("Unit code"),
        _("Unit"),
        _("Criterion"),
        _("Criterion text"),
        _("CCHC area"),
        _("Severity"),
        _("What was found"),
        _("Recommendation"),
        _("Captured at"),
        _("Deadline"),
        _("Remediation"),
        _("Source"),
    ]

    def lines() -> Iterator[list]:
        for finding in findings.iterator(chunk_size=2000):
            remediation = getattr(finding, "remediation", None)
            yield [
                finding.unit.code,
                finding.unit.name,
                finding.criterion.code,
                finding.criterion.text_vi,
                finding.criterion.area,
                finding.severity,
                finding.text,
                finding.recommendation,
                timezone.localtime(finding.captured_at).strftime("%Y-%m-%d %H:%M"),
                (remediation.deadline if remediation else finding.deadline).isoformat(),
                remediation.state if remediation else "",
                finding.source,
            ]

    return header, lines()


def answers_table(
    user, authority: OrgUnit, year: int, quarter: int | None
) -> tuple[list[str], Iterator[list]]:
    """The checklist answers of the visits made in the period under ``authority`` (checked in, as ``user``
    may see them), one line per answer, in visit and checklist order."""
    start, end = period(year, quarter)
    visits = (
        visible_visits(user)
        .filter(unit__path__startswith=authority.path, checked_in_at__gte=start, checked_in_at__lt=end)
        .values("pk")
    )
    answers = (
        Answer.objects.filter(visit__in=visits)
        .select_related("visit__unit", "criterion", "answered_by")
        .order_by(
            "visit__unit__code", "visit__checked_in_at", "visit_id", "criterion__position", "criterion__code"
        )
    )
    header = [
        _("Unit code"),
        _("Unit"),
        _("Visit date"),
        _("Kind"),
        _("Criterion"),
        _("Criterion text"),
        _("CCHC area"),
        _("Result"),
        _("Note"),
        _("Answered by"),
    ]

    def lines() -> Iterator[list]:
        for answer in answers.iterator(chunk_size=2000):
            visit = answer.visit
            if not may_read_answers(user, visit, visit.unit):
                continue
            yield [
                visit.unit.code,
                visit.unit.name,
                timezone.localtime(visit.checked_in_at).strftime("%Y-%m-%d") if visit.checked_in_at else "",
                visit.get_kind_display(),
                answer.criterion.code,
                answer.criterion.text_vi,
                answer.criterion.get_area_display(),
                answer.get_result_display(),
                answer.note,
                answer.answered_by.display_name,
            ]

    return header, lines()


class _Echo:
    def write(self, value):
        return value


def csv_response(name: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # the BOM: Excel then reads the file as UTF-8
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(["" if value is None else value for value in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def xlsx_response(name: str, title: str, header: list[str], rows: Iterable[list]) -> FileResponse:
    """A write-only workbook (rows go straight to the file) with a bold, frozen header row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_bold(sheet, value, bold) for value in header])
    for row in rows:
        sheet.append(row)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{name}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _bold(sheet, value, font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


FORMATS = ("xlsx", "csv")


def _table_export(request, fmt: str, kind: str, title: str, table):
    """A table of an authority's period as XLSX or CSV, for a caller who may see its board."""
    if fmt not in FORMATS:
        raise Http404
    if not request.user.is_authenticated:
        return _unauthenticated()
    authority = _authority(request)
    year, quarter = _year(request)
    header, rows = table(request.user, authority, year, quarter)
    name = f"{kind}-{authority.code}-{year}" + (f"-q{quarter}" if quarter else "")
    if fmt == "csv":
        return csv_response(name, header, rows)
    return xlsx_response(name, title, header, rows)


@require_GET
def board_export(request, fmt: str):
    return _table_export(
        request,
        fmt,
        "board",
        _("Board"),
        lambda user, authority, year, quarter: board_table(
            board_service.board(user, authority, year, quarter=quarter)
        ),
    )


@require_GET
def findings_export(request, fmt: str):
    return _table_export(request, fmt, "findings", _("Findings"), findings_table)


@require_GET
def answers_export(request, fmt: str):
    return _table_export(request, fmt, "answers", _("Checklist answers"), answers_table)


def report_html(user, unit: OrgUnit, year: int) -> str:
    """The report's HTML, made only of what ``user`` may see (a surprise visit appears once checked in)."""
    start, end = period(year, None)
    visits = list(
        visible_visits(user)
        .filter(unit=unit, planned_date__year=year)
        .exclude(status="planned")
        .select_related("plan")
        .order_by("planned_date")
    )
    answers: dict[int, list[Answer]] = {}
    for answer in (
        Answer.objects.filter(visit__in=[v for v in visits if may_read_answers(user, v, unit)])
        .select_related("criterion", "answered_by")
        .order_by("criterion__position", "criterion__code")
    ):
        answers.setdefault(answer.visit_id, []).append(answer)
    inspectors: dict[int, list[str]] = {}
    for visit_id, name in (
        VisitAssignment.objects.filter(visit__in=visits)
        .order_by("pk")
        .values_list("visit_id", "inspector__full_name")
    ):
        inspectors.setdefault(visit_id, []).append(name)
    findings = list(
        visible_findings(user)
        .current()
        .filter(unit=unit, captured_at__gte=start, captured_at__lt=end)
        .select_related("criterion")
        .order_by("captured_at", "pk")
    )
    remediation = {r.finding_id: r for r in Remediation.objects.filter(finding__in=findings)}
    photos: dict[int, list[str]] = {}
    for evidence in Evidence.objects.filter(finding__in=findings).exclude(stored_at=None).order_by("pk"):
        try:
            data = read_verified(evidence, "thumbnail")
        except TamperedEvidence:
            continue  # a photo that no longer matches its hash is not put in a report
        photos.setdefault(evidence.finding_id, []).append(
            "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
        )
    return render_to_string(
        "reports/unit_report.html",
        {
            "unit": unit,
            "year": year,
            "visits": [(visit, answers.get(visit.pk, []), inspectors.get(visit.pk, [])) for visit in visits],
            "generated_at": timezone.localtime(),
            "findings": [
                (finding, remediation.get(finding.pk), photos.get(finding.pk, [])) for finding in findings
            ],
        },
    )


@require_GET
def unit_report(request, unit_id: str):
    """A unit's inspection report for a year: its visits, findings with photos, and remediation state."""
    if not request.user.is_authenticated:
        return _unauthenticated()
    unit = (
        OrgUnit.objects.select_related("head", "parent").filter(pk=decode_id(unit_id, "OrgUnit") or 0).first()
    )
    if unit is None or not can_see_unit(request.user, unit):
        raise Http404
    year, _quarter = _year(request)
    html = report_html(request.user, unit, year)
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    return FileResponse(
        io.BytesIO(pdf),
        as_attachment=True,
        filename=f"report-{unit.code}-{year}.pdf",
        content_type="application/pdf",
    )
