"""Snapshots keep the hash of what the camera sent apart from the hash of what is stored (the blurred picture),
and the same bytes may come again at another moment (a frozen camera): only (camera, moment) stays unique."""

from django.db import migrations, models


def received_is_stored(apps, schema_editor):
    # Until now the stored file was the bytes received.
    Snapshot = apps.get_model("inspections", "Snapshot")
    Snapshot.objects.update(received_sha256=models.F("sha256"))


class Migration(migrations.Migration):
    dependencies = [("inspections", "0008_remediation_answered_on")]

    operations = [
        migrations.RemoveConstraint(model_name="snapshot", name="snapshot_bytes_once"),
        migrations.AddField(model_name="snapshot", name="received_sha256",
                            field=models.CharField(default="", max_length=64, verbose_name="SHA-256 received"),
                            preserve_default=False),
        migrations.RunPython(received_is_stored, migrations.RunPython.noop),
        migrations.AlterField(model_name="snapshot", name="sha256",
                              field=models.CharField(max_length=64, verbose_name="SHA-256 stored")),
        migrations.AddField(model_name="snapshot", name="faces_blurred",
                            field=models.PositiveSmallIntegerField(blank=True, null=True)),
        migrations.AddIndex(model_name="snapshot",
                            index=models.Index(fields=["captured_at"], name="snapshot_retention")),
    ]
