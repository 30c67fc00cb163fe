"""Object-level holes (OWASP API1, issue 12): every id-taking operation sent another unit's ids."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inspections.models import AuditEntry, Criterion, Evidence
from inspections.services.evidence import store_answer_photo, store_photo
from inspections.services.field import check_in, link_evidence, record_finding
from mobile_api.sync import Operation, sync_batch
from tests.factories import NEAR
from tests.images import jpeg, photo

pytestmark = pytest.mark.django_db


def code_of(call) -> str:
    with pytest.raises(ValidationError) as refused:
        call()
    error = refused.value
    items = (
        [e for errors in error.error_dict.values() for e in errors]
        if hasattr(error, "error_dict")
        else error.error_list
    )
    return items[0].code.upper()


@pytest.fixture
def foreign_fix_photo(field):
    """A photo of a fix uploaded by the head of a ward that is not the visit's unit."""
    other = next(
        u for code, u in field.world.units.items() if code.startswith("W") and u.pk != field.visit.unit_id
    )
    head, _staff = field.world.unit_people(other)
    upload = store_answer_photo(
        actor=head, evidence_id=uuid.uuid4(), data=jpeg(photo("coffee", size=(320, 240)))
    )
    return upload.evidence


@pytest.fixture
def on_site(field):
    check_in(
        field.visit,
        actor=field.inspector,
        latitude=NEAR[0],
        longitude=NEAR[1],
        accuracy_m=10,
        device_time=timezone.now(),
    )
    field.visit.refresh_from_db()
    return field


def a_criterion(visit) -> str:
    return Criterion.objects.filter(template=visit.template).order_by("position").first().code


def test_record_finding_cannot_take_another_units_fix_photo(on_site, foreign_fix_photo):
    def attempt():
        record_finding(
            on_site.visit,
            actor=on_site.inspector,
            client_id=uuid.uuid4(),
            criterion_code=a_criterion(on_site.visit),
            text="Không đeo thẻ",
            evidence_ids=[foreign_fix_photo.uuid],
        )

    assert code_of(attempt) == "CONFLICT"
    foreign_fix_photo.refresh_from_db()
    assert foreign_fix_photo.finding_id is None and foreign_fix_photo.finding_uuid is None


def test_record_finding_still_takes_the_inspectors_own_photo(on_site):
    finding_id = uuid.uuid4()
    own = store_photo(
        actor=on_site.inspector,
        evidence_id=uuid.uuid4(),
        finding_id=finding_id,
        data=jpeg(photo("astronaut", size=(320, 240))),
    ).evidence
    finding = record_finding(
        on_site.visit,
        actor=on_site.inspector,
        client_id=finding_id,
        criterion_code=a_criterion(on_site.visit),
        text="Không đeo thẻ",
        evidence_ids=[own.uuid],
    )
    own.refresh_from_db()
    assert own.finding_id == finding.pk


def test_link_evidence_refuses_another_units_fix_photo_for_an_existing_or_future_finding(
    on_site, foreign_fix_photo
):
    finding = record_finding(
        on_site.visit,
        actor=on_site.inspector,
        client_id=uuid.uuid4(),
        criterion_code=a_criterion(on_site.visit),
        text="Không niêm yết",
    )
    for finding_id in (finding.uuid, uuid.uuid4()):  # arrived, and not arrived yet
        assert (
            code_of(
                lambda f=finding_id: link_evidence(
                    actor=on_site.inspector, evidence_id=foreign_fix_photo.uuid, finding_id=f
                )
            )
            == "CONFLICT"
        )
    foreign_fix_photo.refresh_from_db()
    assert foreign_fix_photo.finding_id is None and foreign_fix_photo.finding_uuid is None


def test_sync_batch_evidence_link_needs_an_inspector_and_their_photo(on_site, foreign_fix_photo):
    head, staff = on_site.world.unit_people(on_site.world.units["W10"])
    for actor in (head, staff, on_site.world.reviewer, on_site.inspector):
        operation = Operation(
            id=uuid.uuid4(),
            kind="evidence_link",
            payload={"evidenceId": str(foreign_fix_photo.uuid), "findingId": str(uuid.uuid4())},
        )
        [result] = sync_batch([operation], actor=actor)
        assert not result.ok, actor
    foreign_fix_photo.refresh_from_db()
    assert foreign_fix_photo.finding_uuid is None
    assert not AuditEntry.objects.filter(
        action="evidence.link", object_id=str(foreign_fix_photo.uuid)
    ).exists()
    assert Evidence.objects.filter(pk=foreign_fix_photo.pk, finding__isnull=True).exists()
