"""User-facing text in Vietnamese (the default) and English, chosen by the request's Accept-Language."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import gql

LOGIN = (
    'mutation { mobileLogin(username: "ai", password: "sai", deviceName: "may") { errors { code message } } }'
)
ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# As in `makemessages -l vi --ignore=.venv --ignore=tests --ignore=bench --ignore=scripts`.
IGNORED = [".venv", "tests", "bench", "scripts"]
SOURCE_SUFFIXES = {".py", ".html", ".txt"}  # what makemessages reads for the "django" domain
UPDATE = (
    "run `make messages` (makemessages), give every new or fuzzy entry of locale/vi/LC_MESSAGES/django.po "
    "its Vietnamese text, then `make install` (compilemessages)"
)
NAMED_PLACEHOLDER = re.compile(r"%\(\w+\)\w")


def placeholders(text: str) -> set[str]:
    return set(NAMED_PLACEHOLDER.findall(text))


def key(entry: polib.POEntry) -> tuple:
    return entry.msgctxt, entry.msgid, entry.msgid_plural


def vietnamese_texts(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr_plural.get(0, "")] if entry.msgid_plural else [entry.msgstr]


def catalogue_entries(po: polib.POFile | None = None) -> list[polib.POEntry]:
    return [entry for entry in (po or polib.pofile(str(PO))) if entry.msgid and not entry.obsolete]


def untranslated(po: polib.POFile) -> list[str]:
    """The msgids that are fuzzy, have no Vietnamese text, or not the placeholders of their msgid."""
    return [
        entry.msgid
        for entry in catalogue_entries(po)
        if entry.fuzzy
        or not all(text.strip() for text in vietnamese_texts(entry))
        # The one Vietnamese form stands for the plural one, which may name a count the singular leaves out.
        or any(
            placeholders(text) != placeholders(entry.msgid_plural or entry.msgid)
            for text in vietnamese_texts(entry)
        )
    ]


def stale(po: polib.POFile, mo: polib.MOFile) -> list[str]:
    """The msgids whose compiled text differs from the catalogue's (or is missing), and compiled leftovers."""
    compiled = {(entry.msgctxt, entry.msgid): entry for entry in mo if entry.msgid}
    current = {(entry.msgctxt, entry.msgid): entry for entry in catalogue_entries(po) if not entry.fuzzy}
    return sorted(
        [
            msgid
            for (context, msgid), entry in current.items()
            if (context, msgid) not in compiled
            or vietnamese_texts(compiled[context, msgid]) != vietnamese_texts(entry)
        ]
        + [msgid for (context, msgid) in compiled if (context, msgid) not in current]
    )


@pytest.fixture
def code_messages(tmp_path, settings, monkeypatch) -> polib.POFile:
    """The messages of the code, extracted by Django's makemessages without touching the project's files.

    makemessages writes into the locale directories of the tree it walks (and turns templates into .py files
    next to them), so it walks a copy of the sources, without locale/, and writes into a temporary
    LOCALE_PATHS."""
    skipped_roots = {Path(root).resolve() for root in (settings.MEDIA_ROOT, settings.STATIC_ROOT) if root}

    def left_out(path: Path) -> bool:
        if path.name in {"locale", "__pycache__", *IGNORED} or path.name.startswith("."):
            return True
        return path.resolve() in skipped_roots if path.is_dir() else path.suffix not in SOURCE_SUFFIXES

    def ignore(directory: str, names: list[str]) -> list[str]:
        return [name for name in names if left_out(Path(directory, name))]

    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=ignore)
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["vi"], ignore_patterns=IGNORED, keep_pot=True, verbosity=0)
    return polib.pofile(str(tmp_path / "locale" / "django.pot"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "accept_language, message",
    [
        (None, "Sai tên đăng nhập hoặc mật khẩu."),
        ("vi", "Sai tên đăng nhập hoặc mật khẩu."),
        ("en-US,en;q=0.9", "Wrong username or password."),
    ],
)
def test_errors_follow_the_requested_language(accept_language, message):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    errors = gql(Client(), LOGIN, **headers)["data"]["mobileLogin"]["errors"]
    assert errors == [{"code": "INVALID_CREDENTIALS", "message": message}]


def test_every_message_has_a_vietnamese_text():
    """Every entry, single-line, multi-line or plural, has a reviewed (not fuzzy) Vietnamese text with the same
    placeholders as its msgid."""
    po = polib.pofile(str(PO))
    assert catalogue_entries(po)
    assert po.metadata.get("Plural-Forms") == "nplurals=1; plural=0;"
    assert untranslated(po) == [], UPDATE


def test_the_checks_catch_what_a_translator_left_undone(tmp_path):
    """The checks above and below fail on a fuzzy entry, an empty one, a lost placeholder and a .mo compiled
    before the .po changed."""
    po = polib.pofile(str(PO))
    entries = [entry for entry in catalogue_entries(po) if not entry.msgid_plural]
    fuzzy, empty, changed = entries[0], entries[1], entries[2]
    formatted = next(entry for entry in entries[3:] if placeholders(entry.msgid))
    mo_path = tmp_path / "django.mo"
    po.save_as_mofile(str(mo_path))
    assert stale(po, polib.mofile(str(mo_path))) == []
    fuzzy.flags.append("fuzzy")
    empty.msgstr = ""
    changed.msgstr += " (sửa)"
    formatted.msgstr = "không còn chỗ cho giá trị"
    assert set(untranslated(po)) == {fuzzy.msgid, empty.msgid, formatted.msgid}
    assert {fuzzy.msgid, changed.msgid, formatted.msgid} <= set(stale(po, polib.mofile(str(mo_path))))


def test_the_catalogue_has_every_message_of_the_code(code_messages):
    catalogue = {key(entry) for entry in catalogue_entries()}
    found = [entry for entry in code_messages if entry.msgid]
    assert "Wrong username or password." in {entry.msgid for entry in found}  # the extraction did run
    missing = [entry.msgid for entry in found if key(entry) not in catalogue]
    assert not missing, f"{UPDATE}. Not in {PO.relative_to(ROOT)}: {missing}"


def test_the_compiled_catalogue_is_up_to_date():
    """The .mo is not committed: `make install` and the root conftest.py compile it; it says what the .po says."""
    assert stale(polib.pofile(str(PO)), polib.mofile(str(MO))) == [], UPDATE
