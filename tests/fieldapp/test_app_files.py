"""The field app's files as the server serves them, and its GraphQL documents against the contract."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from graphql import parse, validate

from backend.schema import schema

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "fieldapp" / "app"
OPERATIONS = sorted((ROOT / "graphql" / "field-app").glob("*.graphql"))


@pytest.mark.parametrize("document", OPERATIONS, ids=[p.stem for p in OPERATIONS])
def test_every_document_the_app_sends_validates_against_the_schema(document):
    errors = validate(schema.graphql_schema, parse(document.read_text()))
    assert [e.message for e in errors] == []


def test_the_app_names_only_documents_of_the_contract():
    used = set(re.findall(r'gql\("(\w+)"', (APP / "app.js").read_text()))
    assert used and used <= {p.stem for p in OPERATIONS}


def test_the_worker_caches_the_whole_shell_so_the_app_opens_offline():
    shell = set(re.findall(r'"(/app/[^"]*)"', (APP / "sw.js").read_text()))
    files = {
        f"/app/{p.relative_to(APP)}"
        for p in APP.rglob("*")
        if p.is_file() and p.name not in ("sw.js", "index.html") and p.suffix != ".LICENSE"
    }
    files |= {"/app/"} | {f"/app/operations/{p.name}" for p in OPERATIONS}
    assert files <= shell, files - shell


def test_files_are_served_with_their_types_and_the_worker_may_control_the_app(client: Client):
    page = client.get("/app/")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert page["Cache-Control"] == "no-cache"
    worker = client.get("/app/sw.js")
    assert worker["Service-Worker-Allowed"] == "/app/" and worker["Content-Type"].startswith(
        "text/javascript"
    )
    manifest = client.get("/app/manifest.webmanifest")
    assert json.loads(b"".join(manifest.streaming_content))["start_url"] == "/app/"
    document = client.get("/app/operations/SyncBatch.graphql")
    assert b"syncBatch" in b"".join(document.streaming_content)


@pytest.mark.parametrize(
    "path",
    [
        "/app/../backend/settings.py",
        "/app/%2e%2e/manage.py",
        "/app/missing.js",
        "/app/operations/..%2fschema.graphql",
    ],
)
def test_nothing_outside_the_app_is_served(client: Client, path):
    assert client.get(path).status_code == 404
