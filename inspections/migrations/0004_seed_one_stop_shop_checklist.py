"""Seed the one-stop-shop (bộ phận một cửa) checklist, version 1."""

from django.db import migrations

from inspections.checklist_seed import ONE_STOP_SHOP_V1


def seed(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Criterion = apps.get_model("inspections", "Criterion")
    template, created = Template.objects.get_or_create(
        code="ONE_STOP_SHOP", version=1,
        defaults={"name_vi": "Kiểm tra bộ phận một cửa", "name_en": "One-stop-shop inspection"},
    )
    if created:
        Criterion.objects.bulk_create([
            Criterion(template=template, code=code, area=area, text_vi=text_vi, text_en=text_en,
                      default_severity=severity, position=position)
            for position, (code, area, text_vi, text_en, severity) in enumerate(ONE_STOP_SHOP_V1, start=1)
        ])


def unseed(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Criterion = apps.get_model("inspections", "Criterion")
    Criterion.objects.filter(template__code="ONE_STOP_SHOP", template__version=1).delete()
    Template.objects.filter(code="ONE_STOP_SHOP", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_field_inspection")]
    operations = [migrations.RunPython(seed, unseed)]
