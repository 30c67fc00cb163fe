"""Serving the field app's files. The service worker must come from ``/app/`` to control ``/app/``; the shell
and the worker are revalidated on every load so that an update reaches phones the next time they are online
(the worker then swaps its cache in one step, never half an update)."""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
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
}


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


@require_GET
def app_file(request: HttpRequest, name: str = "index.html") -> FileResponse:
    return _file_response(_inside(APP_DIR, name or "index.html"), name or "index.html")


@require_GET
def operation(request: HttpRequest, name: str) -> FileResponse:
    """One GraphQL document of the contract (``graphql/field-app/<name>.graphql``)."""
    return _file_response(_inside(OPERATIONS_DIR, f"{name}.graphql"), name)
