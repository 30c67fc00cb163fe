"""Checklist templates: a published version never changes; a new version starts as a copy of one."""

from django.db import transaction
from django.db.models import Max

from inspections.models import AuditAction, ChecklistTemplate, Criterion, User
from inspections.services.audit import record


@transaction.atomic
def copy_template(template: ChecklistTemplate, *, actor: User) -> ChecklistTemplate:
    """A new version of ``template``'s checklist (the next version number of its code), with a copy of every
    criterion, not yet offered for new visits: the administrator edits it, then activates it. The template
    copied is left as it is (visits keep the version they started with)."""
    latest = ChecklistTemplate.objects.select_for_update().filter(code=template.code)
    version = (latest.aggregate(top=Max("version"))["top"] or 0) + 1
    copy = ChecklistTemplate.objects.create(
        code=template.code,
        version=version,
        name_vi=template.name_vi,
        name_en=template.name_en,
        is_active=False,
    )
    Criterion.objects.bulk_create(
        [
            Criterion(
                template=copy,
                code=criterion.code,
                area=criterion.area,
                text_vi=criterion.text_vi,
                text_en=criterion.text_en,
                default_severity=criterion.default_severity,
                position=criterion.position,
            )
            for criterion in template.criteria.order_by("position", "code")
        ]
    )
    record(
        actor,
        None,
        AuditAction.CHECKLIST_TEMPLATE_COPY,
        copy,
        {"code": copy.code, "version": version, "copied_from": template.version},
    )
    return copy
