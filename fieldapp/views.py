"""Serving the field app's files. The service worker must come from ``/app/`` to control ``/app/``; the shell
and the worker are revalidated on every load so that an update reaches phones the next time they are online
(the worker then swaps its cache in one step, never half an update)."""

import hashlib
import mimetypes
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

APP_DIR = Path(__file__).resolve().parent / "app"
OPERATIONS_DIR = Path(settings.BASE_DIR) / "graphql" / "field-app"
REVALIDATE = {"index.html", "sw.js", "manifest.webmanifest"}
TYPES = {
    ".js": "text/javascript",
    ".webmanifest": "application/manifest+json",
    ".graphql": "text/plain",
    ".svg": "image/svg+xml",
    ".css": "text/css",
    ".html": "text/html",
    ".LICENSE": "text/plain",
}
VERSION_PLACEHOLDER = b'"field-app-dev"'


def _file_response(path: Path, name: str) -> FileResponse:
    content_type = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    response = FileResponse(
        path.open("rb"),
        content_type=f"{content_type}; charset=utf-8"
        if content_type.startswith("text") or path.suffix == ".webmanifest"
        else content_type,
    )
    response["Cache-Control"] = "no-cache" if name in REVALIDATE else "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    if name == "sw.js":
        response["Service-Worker-Allowed"] = "/app/"
    return response


def _inside(base: Path, relative: str) -> Path:
    path = (base / relative).resolve()
    if base.resolve() not in path.parents or not path.is_file():
        raise Http404
    return path


@cache
def _files_digest() -> str:
    """A digest of every file of the app and of its GraphQL documents, read once per process."""
    digest = hashlib.sha256()
    for path in sorted([*APP_DIR.rglob("*"), *OPERATIONS_DIR.glob("*.graphql")]):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def release() -> str:
    """The app's version: its files' digest and the operators' FIELD_APP_RELEASE. Any change to either is an
    update: phones fetch the new worker, which caches the new shell whole, then replaces the old cache."""
    digest = hashlib.sha256(f"{_files_digest()}:{settings.FIELD_APP_RELEASE}".encode()).hexdigest()
    return f"field-app-{digest[:16]}"


@require_GET
def app_file(request: HttpRequest, name: str = "index.html") -> HttpResponse:
    path = _inside(APP_DIR, name or "index.html")
    if name != "sw.js":
        return _file_response(path, name or "index.html")
    worker = path.read_bytes().replace(VERSION_PLACEHOLDER, f'"{release()}"'.encode(), 1)
    response = HttpResponse(worker, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    response["Service-Worker-Allowed"] = "/app/"
    return response


@require_GET
def operation(request: HttpRequest, name: str) -> FileResponse:
    """One GraphQL document of the contract (``graphql/field-app/<name>.graphql``)."""
    return _file_response(_inside(OPERATIONS_DIR, f"{name}.graphql"), name)
