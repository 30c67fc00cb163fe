"""A camera keeps the SHA-256 of its reference frame, so that the analysis and the admin's preview check the
bytes they read, as every other stored file is checked. Frames stored before are hashed as they are now."""

import hashlib

from django.core.files.storage import default_storage
from django.db import migrations, models

import inspections.models.cctv


def hash_stored_references(apps, schema_editor):
    Camera = apps.get_model("inspections", "Camera")
    for camera in Camera.objects.exclude(reference_frame=""):
        try:
            with default_storage.open(camera.reference_frame.name, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
        except OSError:
            continue  # missing: left without a hash, so it is refused until a new frame is uploaded
        Camera.objects.filter(pk=camera.pk).update(reference_sha256=digest)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0010_audit_action_and_surface")]

    operations = [
        migrations.AddField(
            model_name="camera",
            name="reference_sha256",
            field=models.CharField(blank=True, editable=False, max_length=64,
                                   verbose_name="SHA-256 of the reference frame"),
        ),
        migrations.AlterField(
            model_name="camera",
            name="reference_frame",
            field=inspections.models.cctv.HashedFileField(blank=True, sha256_field="reference_sha256",
                                                          upload_to="cameras/references/",
                                                          verbose_name="reference frame (empty scene, JPEG)"),
        ),
        migrations.RunPython(hash_stored_references, migrations.RunPython.noop),
    ]
