"""Counter cameras for the tests: a one-stop-shop counter with its camera and key (``Site``), sending real
snapshots over HTTP to the ingest endpoint, and the labelled scenes they send."""

import contextlib
import io
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from inspections.models import Camera, Counter, Snapshot
from inspections.services.snapshots import issue_key
from tests import images
from tests.factories import World

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MONDAY_10AM = timezone.make_aware(datetime(2026, 11, 23, 10, 0))  # a working day, counter open


class Site:
    committing = staticmethod(contextlib.nullcontext)

    def __init__(self, world: World, code: str, name: str = "Quầy 1"):
        self.unit = world.units[code]
        counter = Counter.objects.create(unit=self.unit, name=name)
        self.camera = Camera.objects.create(
            counter=counter,
            name=f"Camera {code} {name}",
            staff_zone=[list(p) for p in images.STAFF_ZONE],
            citizen_zone=[list(p) for p in images.CITIZEN_ZONE],
        )
        self.camera.reference_frame.save("reference.jpg", ContentFile(images.reference_jpeg()))
        self.key = issue_key(self.camera)

    def send(self, jpeg: bytes, captured_at: datetime | None, *, key: str | None = None, name="snapshot.jpg"):
        upload = io.BytesIO(jpeg)
        upload.name = name
        data = {"file": upload}
        if captured_at is not None:
            data["capturedAt"] = captured_at.isoformat()
        with self.committing():
            return Client().post(
                "/api/cameras/snapshots", data, HTTP_X_CAMERA_KEY=key or self.key, HTTP_ACCEPT_LANGUAGE="en"
            )

    def sequence(self, frames, start=MONDAY_10AM, step=timedelta(minutes=5)):
        for index, jpeg in enumerate(frames):
            response = self.send(jpeg, start + index * step)
            assert response.status_code == 202, response.content
        return Snapshot.objects.filter(camera=self.camera).order_by("captured_at")


def scene(kind: str, index: int = 0):
    """A labelled counter scene of the test set (tests/images.py) as the camera would send it."""
    return images.build_class(kind, index)
