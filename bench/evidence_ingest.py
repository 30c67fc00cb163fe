"""evidence_ingest: accepting one 12-megapixel phone JPEG (check and full decode, SHA-256, EXIF, thumbnail,
storage and its row), median time.

floor: one full Pillow decode of the same file, the least any server that checks the photo must do.
Goal: ratio ≤ 3.
"""

import io
import shutil
import statistics
import tempfile
import time
import uuid

from django.db import transaction
from django.test import override_settings
from PIL import Image

from bench.common import median_ms, result
from inspections.models import Evidence, OrgUnit, OrgUnitKind, Role, User
from inspections.services.evidence import store_photo
from tests.images import twelve_megapixel_jpeg

REPEAT = 9


def run():
    data = twelve_megapixel_jpeg()
    unit = OrgUnit.objects.add_root(
        instance=OrgUnit(code="BENCH-EV", kind=OrgUnitKind.PROVINCE, name="Bench")
    )
    inspector = User.objects.create(username="bench-evidence", role=Role.INSPECTOR, unit=unit)
    media = tempfile.mkdtemp(prefix="bench-evidence-")
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}}
    samples = []
    try:
        with override_settings(
            STORAGES={
                "default": storage,
                "staticfiles": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            }
        ):
            for _ in range(REPEAT + 1):
                shutil.rmtree(media, ignore_errors=True)  # every run writes its files, none is deduplicated
                with transaction.atomic():
                    started = time.perf_counter()
                    upload = store_photo(
                        actor=inspector, evidence_id=uuid.uuid4(), finding_id=uuid.uuid4(), data=data
                    )
                    samples.append((time.perf_counter() - started) * 1000)
                    assert upload.created and upload.evidence.width == 4000
                    transaction.set_rollback(True)
    finally:
        shutil.rmtree(media, ignore_errors=True)
    value = statistics.median(samples[1:])  # the first run warms Pillow's and the storage's caches

    def decode():
        Image.open(io.BytesIO(data)).load()

    floor = median_ms(decode, repeat=REPEAT, warmup=1)
    assert not Evidence.objects.exists()
    yield result("evidence_ingest", value, "ms", floor, megapixels=12, bytes=len(data))
