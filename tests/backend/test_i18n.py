"""User-facing text in Vietnamese (the default) and English, chosen by the request's Accept-Language."""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.fixtures import gql

LOGIN = 'mutation { mobileLogin(username: "ai", password: "sai", deviceName: "may") { errors { code message } } }'
PO = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


@pytest.mark.django_db
@pytest.mark.parametrize("accept_language, message", [
    (None, "Sai tên đăng nhập hoặc mật khẩu."),
    ("vi", "Sai tên đăng nhập hoặc mật khẩu."),
    ("en-US,en;q=0.9", "Wrong username or password."),
])
def test_errors_follow_the_requested_language(accept_language, message):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    errors = gql(Client(), LOGIN, **headers)["data"]["mobileLogin"]["errors"]
    assert errors == [{"code": "INVALID_CREDENTIALS", "message": message}]


def test_every_message_has_a_vietnamese_text():
    entries = re.findall(r'msgid "((?:[^"\\]|\\.)+)"\nmsgstr "((?:[^"\\]|\\.)*)"', PO.read_text(encoding="utf-8"))
    assert entries
    assert [msgid for msgid, msgstr in entries if not msgstr] == []
