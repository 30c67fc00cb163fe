"""Comments on a finding's timeline in the portal: the unit, the finding's inspectors and the authority write;
the other side is told; the comments sit among the answers in the order they were written."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from inspections.error_codes import RemediationErrorCode
from inspections.models import AuditAction, AuditEntry, Notification, Remediation, RemediationComment
from inspections.services import remediation as remediation_service
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_head_comments_and_the_inspector_sees_it_and_is_told(submitted):
    url = f"/findings/{submitted.finding.uuid}/"
    response = signed_in(submitted.head).post(f"{url}comment/", {"comment": "Đã niêm yết lại từ sáng nay"})
    assert response.status_code == 302
    comment = RemediationComment.objects.get()
    assert comment.author == submitted.head
    assert AuditEntry.objects.filter(action=AuditAction.REMEDIATION_COMMENT, actor=submitted.head).exists()
    inspector = submitted.field.inspector
    notice = Notification.objects.get(recipient=inspector, kind="comment")
    assert "Đã niêm yết lại từ sáng nay" in notice.body and submitted.finding.text in notice.body
    assert not Notification.objects.filter(recipient=submitted.head, kind="comment").exists()
    page = signed_in(inspector).get(url).content.decode()
    assert f'id="comment-{comment.pk}"' in page and "Đã niêm yết lại từ sáng nay" in page


def test_the_inspectors_comment_reaches_the_head(submitted):
    remediation = Remediation.objects.get(finding=submitted.finding)
    remediation_service.add_comment(remediation, "Gửi thêm ảnh quầy", actor=submitted.field.inspector)
    assert Notification.objects.filter(recipient=submitted.head, kind="comment").exists()


def test_comments_and_answers_are_in_time_order(submitted):
    remediation = Remediation.objects.get(finding=submitted.finding)
    first = remediation_service.add_comment(remediation, "Bình luận thứ nhất", actor=submitted.head)
    remediation_service.answer(
        remediation,
        remediation_service.AnswerInput(plan_of_action="Niêm yết mức phí", fix_done="", fixed_on=None),
        actor=submitted.head,
    )
    second = remediation_service.add_comment(
        remediation, "Bình luận thứ hai", actor=submitted.field.inspector
    )
    # The first comment moved to after the answer: the page follows the clock, not the kind of event.
    RemediationComment.objects.filter(pk=first.pk).update(created_at=timezone.now() + timedelta(hours=1))
    page = signed_in(submitted.head).get(f"/findings/{submitted.finding.uuid}/").content.decode()
    answer_at = page.index("Niêm yết mức phí")
    assert answer_at < page.index(f'id="comment-{second.pk}"') < page.index(f'id="comment-{first.pk}"')


def test_an_empty_comment_is_refused(submitted):
    remediation = Remediation.objects.get(finding=submitted.finding)
    with pytest.raises(ValidationError) as raised:
        remediation_service.add_comment(remediation, "   ", actor=submitted.head)
    assert raised.value.error_dict["text"][0].code == RemediationErrorCode.REQUIRED.value
    response = signed_in(submitted.head).post(f"/findings/{submitted.finding.uuid}/comment/", {"comment": ""})
    assert response.status_code == 400
    assert not RemediationComment.objects.exists()


def test_someone_who_may_not_see_the_finding_gets_the_404_of_a_missing_one(submitted):
    other_head, _ = submitted.field.world.unit_people(submitted.field.world.units["W10"])
    client = signed_in(other_head)
    hidden = client.post(f"/findings/{submitted.finding.uuid}/comment/", {"comment": "Xin chào"})
    missing = client.post("/findings/00000000-0000-4000-8000-000000000000/comment/", {"comment": "Xin chào"})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert not RemediationComment.objects.exists()


def test_a_second_inspector_not_on_the_visit_may_not_comment(submitted):
    remediation = Remediation.objects.get(finding=submitted.finding)
    outsider = submitted.field.world.inspectors[1]
    with pytest.raises(ValidationError) as raised:
        remediation_service.add_comment(remediation, "Tôi không ở đoàn", actor=outsider)
    assert raised.value.code == RemediationErrorCode.PERMISSION_DENIED.value
    page = signed_in(outsider).get(f"/findings/{submitted.finding.uuid}/").content.decode()
    assert 'id="comment"' not in page


def test_home_affairs_comments_and_the_head_is_told(submitted):
    world = submitted.field.world
    reviewer = make_user("noivu2-p1", "home_affairs", world.units["P1-SNV"])
    signed_in(reviewer).post(f"/findings/{submitted.finding.uuid}/comment/", {"comment": "Đề nghị bổ sung"})
    assert Notification.objects.filter(recipient=submitted.head, kind="comment").exists()
    assert not Notification.objects.filter(recipient=submitted.field.inspector, kind="comment").exists()
