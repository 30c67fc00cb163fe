import uuid
from dataclasses import dataclass

import pytest
from django.utils import timezone

from inspections.models import Criterion, Finding, User, Visit
from inspections.services.field import answer_criterion, check_in, record_finding, submit_visit
from tests.factories import NEAR, Field


@dataclass
class Answered:
    """A submitted surprise visit with one finding (OSS-05) whose remediation is open at the ward."""

    field: Field
    head: User
    staff: User
    finding: Finding


@pytest.fixture
def submitted(field) -> Answered:
    visit = Visit.objects.get(pk=field.visit.pk)
    head, staff = field.world.unit_people(visit.unit)
    check_in(
        visit,
        actor=field.inspector,
        latitude=NEAR[0],
        longitude=NEAR[1],
        accuracy_m=10,
        device_time=timezone.now(),
    )
    for criterion in Criterion.objects.filter(template=Visit.objects.get(pk=visit.pk).template):
        if criterion.code != "OSS-05":
            answer_criterion(visit, actor=field.inspector, criterion_code=criterion.code, result="pass")
    finding = record_finding(
        visit,
        actor=field.inspector,
        client_id=uuid.uuid4(),
        criterion_code="OSS-05",
        text="Không niêm yết mức phí tại quầy",
    )
    submit_visit(visit, actor=field.inspector)
    return Answered(field=field, head=head, staff=staff, finding=finding)
