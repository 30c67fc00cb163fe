from django.contrib import admin
from django.urls import path

from backend.api.view import GraphQLHTTPView
from backend.health import healthz
from inspections.board_views import board_page
from inspections.camera_views import ingest_snapshot, snapshot_image
from inspections.export_views import board_export, findings_export, unit_report
from inspections.views import evidence_file
from mobile_api.views import upload_evidence

urlpatterns = [
    path("graphql/", GraphQLHTTPView.as_view(), name="graphql"),
    path("healthz", healthz, name="healthz"),
    path("api/evidence", upload_evidence, name="evidence-upload"),
    path("api/evidence/<uuid:evidence_id>/original", evidence_file, {"kind": "original"}, name="evidence-original"),
    path("api/evidence/<uuid:evidence_id>/thumbnail", evidence_file, {"kind": "thumbnail"},
         name="evidence-thumbnail"),
    path("api/cameras/snapshots", ingest_snapshot, name="camera-snapshot"),
    path("api/cameras/snapshots/<int:snapshot_id>/image", snapshot_image, name="camera-snapshot-image"),
    path("api/exports/board.<str:fmt>", board_export, name="export-board"),
    path("api/exports/findings.<str:fmt>", findings_export, name="export-findings"),
    path("api/exports/units/<str:unit_id>/report.pdf", unit_report, name="export-unit-report"),
    path("board/", board_page, name="board"),
    path("admin/", admin.site.urls),
]
