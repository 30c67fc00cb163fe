"""PostgreSQL under concurrency: pooled connections, sign-in holding no transaction while it hashes, and one
offline operation arriving at two servers at once."""

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import close_old_connections, connection, transaction
from django.test import Client

from inspections.models import Criterion, Role, Visit
from tests.factories import NEAR, gid, gql, make_user, now_iso, token_for

from .conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

CONCURRENT_REQUESTS = 50
ME = "{ me { username } }"
LOGIN = """mutation($u: String!, $p: String!) {
  mobileLogin(username: $u, password: $p, deviceName: "Pixel 8") { token errors { code } } }"""
SYNC = """mutation($sentAt: DateTime!, $ops: [SyncOperationInput!]!) {
  syncBatch(sentAt: $sentAt, operations: $ops) { results { id ok objectId errors { field code } } errors { code } } }"""


def test_fifty_concurrent_requests_leave_at_most_the_pool_open(small_tree, pg_observer):
    token = token_for(make_user("noivu", Role.HOME_AFFAIRS, small_tree["01-SNV"]))
    peak = {"open": 0}
    start = threading.Barrier(CONCURRENT_REQUESTS)

    def request(_):
        start.wait()
        try:
            body = gql(Client(), ME, token=token)
            peak["open"] = max(peak["open"], pg_observer.backends())
            return body["data"]["me"]["username"]
        finally:
            close_old_connections()

    with ThreadPoolExecutor(CONCURRENT_REQUESTS) as pool:
        answers = list(pool.map(request, range(CONCURRENT_REQUESTS)))

    assert answers == ["noivu"] * CONCURRENT_REQUESTS
    # The pool is per process: the test's own connection comes from it too.
    assert peak["open"] <= settings.DB_POOL_MAX_SIZE
    assert pg_observer.backends() <= settings.DB_POOL_MAX_SIZE


class GatedHasher(MD5PasswordHasher):
    """MD5 (fast, as in the rest of the suite) that stops while verifying, so the test can look at the
    database while a sign-in is hashing."""

    algorithm = "gated_md5"
    hashing = threading.Event()
    release = threading.Event()

    held_connection: list[bool] = []

    def verify(self, password, encoded):
        GatedHasher.held_connection.append(connection.connection is not None)
        GatedHasher.hashing.set()
        GatedHasher.release.wait(timeout=30)
        return super().verify(password, encoded)


def test_sign_in_holds_no_transaction_open_while_it_hashes(small_tree, pg_observer, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.GatedHasher"]
    make_user("thanhtra", Role.INSPECTOR, small_tree["01-TTR"])
    GatedHasher.hashing.clear()
    GatedHasher.release.clear()
    GatedHasher.held_connection.clear()
    answer = {}

    def sign_in():
        try:
            answer["body"] = gql(Client(), LOGIN, {"u": "thanhtra", "p": "thanhtra-pw-2026"})
        finally:
            close_old_connections()

    thread = threading.Thread(target=sign_in)
    thread.start()
    try:
        assert GatedHasher.hashing.wait(timeout=30)
        idle_in_transaction = pg_observer.backends("idle in transaction")
    finally:
        GatedHasher.release.set()
        thread.join(timeout=30)
    assert idle_in_transaction == 0
    assert GatedHasher.held_connection == [False]  # given back to the pool while hashing
    payload = answer["body"]["data"]["mobileLogin"]
    assert payload["errors"] == [] and payload["token"].startswith("cchc_")


def test_one_sync_batch_at_two_servers_at_once_answers_the_first_result_twice(field, pg_observer):
    """The same batch reaching two server processes together (both find it not yet applied, then queue for
    the visit's row lock): the second answers the first's results instead of failing on a submitted visit."""
    visit_id = gid("Visit", field.visit.pk)
    check_in = {
        "id": str(uuid.uuid4()),
        "kind": "CHECK_IN",
        "payload": json.dumps(
            {
                "visitId": visit_id,
                "latitude": NEAR[0],
                "longitude": NEAR[1],
                "accuracy": 8,
                "deviceTime": now_iso(),
            }
        ),
    }
    codes = Criterion.objects.filter(template__code="ONE_STOP_SHOP").values_list("code", flat=True)
    answers = [
        {
            "id": str(uuid.uuid4()),
            "kind": "ANSWER",
            "payload": json.dumps({"visitId": visit_id, "criterionCode": code, "result": "pass", "note": ""}),
        }
        for code in codes
    ]
    submit = {"id": str(uuid.uuid4()), "kind": "SUBMIT", "payload": json.dumps({"visitId": visit_id})}
    batch = [check_in, *answers, submit]
    locked, release = threading.Event(), threading.Event()

    def hold_the_visit():
        """A third party holds the visit's row lock until both copies wait for it."""
        try:
            with transaction.atomic():
                list(Visit.objects.select_for_update().filter(pk=field.visit.pk))
                locked.set()
                release.wait(timeout=30)
        finally:
            close_old_connections()

    def send(_):
        try:
            variables = {"ops": batch, "sentAt": now_iso()}
            return gql(Client(), SYNC, variables, token=field.token)["data"]["syncBatch"]
        finally:
            close_old_connections()

    gql(Client(), ME, token=field.token)  # the device's last use is written now, not inside the race
    holder = threading.Thread(target=hold_the_visit)
    holder.start()
    assert locked.wait(timeout=30)
    with ThreadPoolExecutor(2) as pool:
        copies = [pool.submit(send, n) for n in range(2)]
        deadline = time.monotonic() + 30
        while pg_observer.waiting_for_locks() < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        release.set()
        first, second = (copy.result(timeout=60) for copy in copies)
    holder.join(timeout=30)

    assert first["errors"] == [] and second["errors"] == []
    assert all(result["ok"] for result in first["results"]), first["results"]
    assert second["results"] == first["results"]
