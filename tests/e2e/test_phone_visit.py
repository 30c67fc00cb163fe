"""A whole visit driven over HTTP as a phone drives it: a real GraphQL client (gql with its requests transport)
against a live server, its documents validated against the exported schema (graphql/schema.graphql)."""

import hashlib
import io
import uuid
from pathlib import Path

import pytest
import requests
from django.utils import timezone
from gql import Client, FileVar, GraphQLRequest
from gql.transport.requests import RequestsHTTPTransport

from inspections.models import AuditEntry, Evidence, Finding, Visit, VisitStatus
from tests import images
from tests.factories import NEAR, gid

SCHEMA = (Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql").read_text()

LOGIN = """mutation($u: String!, $p: String!) {
  mobileLogin(username: $u, password: $p, deviceName: "Điện thoại thanh tra") { token errors { code } } }"""
BUNDLE = """query($known: String) { assignmentBundle(knownVersion: $known) {
  version unchanged
  visits { visit { id status unit { name address geofence { latitude longitude radiusMeters } } }
           template { code version criteria { code defaultSeverity } } openFindings { id } } } }"""
CHECK_IN = """mutation($visit: ID!, $lat: Float!, $lon: Float!, $time: DateTime!) {
  checkIn(visitId: $visit, latitude: $lat, longitude: $lon, accuracy: 12, deviceTime: $time) {
    visit { status } distanceMeters errors { code } } }"""
ANSWER = """mutation($visit: ID!, $code: String!, $result: AnswerResult!) {
  answerCriterion(visitId: $visit, criterionCode: $code, result: $result) { errors { code } } }"""
FINDING = """mutation($id: UUID!, $visit: ID!, $code: String!, $photos: [UUID!]) {
  recordFinding(id: $id, visitId: $visit, criterionCode: $code, text: "Không niêm yết mức phí, lệ phí",
                evidenceIds: $photos) {
    finding { id deadline evidence { uuid stored } } errors { code } } }"""
UPLOAD = """mutation($id: UUID!, $finding: UUID!, $file: Upload!) {
  uploadEvidence(id: $id, findingId: $finding, file: $file) { evidence { uuid sha256 stored } created errors { code } } }"""
SUBMIT = "mutation($visit: ID!) { submitVisit(visitId: $visit) { visit { status } errors { code } } }"


def client(url: str, token: str | None = None) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(
        transport=RequestsHTTPTransport(url=f"{url}/graphql/", headers=headers, timeout=30), schema=SCHEMA
    )


def run(gql_client: Client, document: str, upload_files: bool = False, **variables):
    return gql_client.execute(GraphQLRequest(document, variable_values=variables), upload_files=upload_files)


@pytest.mark.django_db(transaction=True)
def test_a_phone_runs_a_whole_visit_over_http(live_server, field):
    url = live_server.url
    login = run(client(url), LOGIN, u=field.inspector.username, p=f"{field.inspector.username}-pw-2026")
    assert login["mobileLogin"]["errors"] == []
    phone = client(url, login["mobileLogin"]["token"])

    bundle = run(phone, BUNDLE, known=None)["assignmentBundle"]
    [assignment] = bundle["visits"]
    assert assignment["visit"]["id"] == gid("Visit", field.visit.pk)
    assert assignment["visit"]["unit"]["geofence"]["radiusMeters"] == 100
    criteria = assignment["template"]["criteria"]
    assert assignment["template"]["code"] == "ONE_STOP_SHOP" and len(criteria) >= 15
    assert run(phone, BUNDLE, known=bundle["version"])["assignmentBundle"]["unchanged"] is True

    visit_id = assignment["visit"]["id"]
    checked_in = run(
        phone, CHECK_IN, visit=visit_id, lat=NEAR[0], lon=NEAR[1], time=timezone.now().isoformat()
    )
    assert checked_in["checkIn"]["errors"] == [] and checked_in["checkIn"]["visit"]["status"] == "IN_PROGRESS"
    for criterion in criteria:
        result = "FAIL" if criterion["code"] == "OSS-05" else "PASS"
        assert (
            run(phone, ANSWER, visit=visit_id, code=criterion["code"], result=result)["answerCriterion"][
                "errors"
            ]
            == []
        )

    # The finding names two photos; one is uploaded before it (background uploader), one after.
    finding_id, early, late = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    early_photo = images.jpeg(
        images.photo("coffee"),
        images.exif(
            captured_at=timezone.localtime().replace(tzinfo=None, microsecond=0), offset="+07:00", gps=NEAR
        ),
    )
    plain = requests.post(
        f"{url}/api/evidence",
        data={"id": early, "findingId": finding_id},
        files={"file": ("early.jpg", early_photo, "image/jpeg")},
        headers={"Authorization": f"Bearer {login['mobileLogin']['token']}"},
        timeout=30,
    )
    assert plain.status_code == 201, plain.text
    recorded = run(phone, FINDING, id=finding_id, visit=visit_id, code="OSS-05", photos=[early, late])[
        "recordFinding"
    ]
    assert recorded["errors"] == []
    assert sorted((e["uuid"], e["stored"]) for e in recorded["finding"]["evidence"]) == sorted(
        [(early, True), (late, False)]
    )

    late_photo = images.jpeg(images.photo("astronaut"))
    file = FileVar(io.BytesIO(late_photo), filename="late.jpg", content_type="image/jpeg")
    uploaded = run(phone, UPLOAD, upload_files=True, id=late, finding=finding_id, file=file)["uploadEvidence"]
    assert uploaded["errors"] == [] and uploaded["created"] is True
    assert uploaded["evidence"]["sha256"] == hashlib.sha256(late_photo).hexdigest()

    submitted = run(phone, SUBMIT, visit=visit_id)["submitVisit"]
    assert submitted["errors"] == [] and submitted["visit"]["status"] == "SUBMITTED"

    # The server holds exactly what the phone sent, and serves it back intact.
    visit = Visit.objects.get(pk=field.visit.pk)
    assert visit.status == VisitStatus.SUBMITTED
    finding = Finding.objects.get(uuid=finding_id)
    assert finding.visit == visit and finding.deadline is not None
    assert {e.sha256 for e in Evidence.objects.filter(finding=finding)} == {
        hashlib.sha256(early_photo).hexdigest(),
        hashlib.sha256(late_photo).hexdigest(),
    }
    served = requests.get(
        f"{url}/api/evidence/{early}/original",
        timeout=30,
        headers={"Authorization": f"Bearer {login['mobileLogin']['token']}"},
    )
    assert served.status_code == 200 and served.content == early_photo
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"visit.check_in", "finding.create", "evidence.upload", "visit.submit"} <= actions
