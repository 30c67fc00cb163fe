"""Plain HTTP endpoints of the domain app: the board page, exports, camera ingest and evidence files."""

from django.urls import path

from inspections.web.board import board_page
from inspections.web.cameras import ingest_snapshot, snapshot_image
from inspections.web.evidence import evidence_file
from inspections.web.exports import answers_export, board_export, findings_export, unit_report

urlpatterns = [
    path(
        "api/evidence/<uuid:evidence_id>/original",
        evidence_file,
        {"kind": "original"},
        name="evidence-original",
    ),
    path(
        "api/evidence/<uuid:evidence_id>/thumbnail",
        evidence_file,
        {"kind": "thumbnail"},
        name="evidence-thumbnail",
    ),
    path("api/cameras/snapshots", ingest_snapshot, name="camera-snapshot"),
    path("api/cameras/snapshots/<int:snapshot_id>/image", snapshot_image, name="camera-snapshot-image"),
    path("api/exports/board.<str:fmt>", board_export, name="export-board"),
    path("api/exports/findings.<str:fmt>", findings_export, name="export-findings"),
    path("api/exports/answers.<str:fmt>", answers_export, name="export-answers"),
    path("api/exports/units/<str:unit_id>/report.pdf", unit_report, name="export-unit-report"),
    path("board/", board_page, name="board"),
]
