"""Plain HTTP endpoints of the field app: the multipart photo upload."""

from django.urls import path

from mobile_api.views import upload_evidence

urlpatterns = [
    path("api/evidence", upload_evidence, name="evidence-upload"),
]
