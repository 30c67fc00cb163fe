"""One full-name field in Vietnamese order (family name first), filled from last_name + first_name, which go."""

from django.db import migrations, models


def join_names(apps, schema_editor):
    User = apps.get_model("inspections", "User")
    for user in User.objects.only("pk", "first_name", "last_name").iterator():
        full_name = f"{user.last_name} {user.first_name}".strip()
        if full_name:
            User.objects.filter(pk=user.pk).update(full_name=full_name)


def split_names(apps, schema_editor):
    """Back: the last word is the given name, the rest the family and middle names."""
    User = apps.get_model("inspections", "User")
    for user in User.objects.only("pk", "full_name").iterator():
        family, _space, given = user.full_name.strip().rpartition(" ")
        User.objects.filter(pk=user.pk).update(first_name=given[:150], last_name=family[:150])


class Migration(migrations.Migration):
    dependencies = [("inspections", "0012_remediation_draft")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="full_name",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text="Family name first, as written: Nguyễn Thị Lan.",
                max_length=300,
                verbose_name="full name",
            ),
        ),
        migrations.RunPython(join_names, split_names, elidable=False),
        migrations.RemoveField(model_name="user", name="first_name"),
        migrations.RemoveField(model_name="user", name="last_name"),
    ]
