import os
from pathlib import Path

# Tests run with the embedded defaults and a throwaway secret; the environment may add DATABASE_URL/REDIS_URL.
os.environ.setdefault("TESTING", "1")

# The compiled catalogue is not committed (`make install` runs compilemessages): a bare `pytest` compiles it
# here when it is missing or older than the .po, before any test reads it. Written aside and renamed, so that
# runs side by side never read half a file.
CATALOGUE = Path(__file__).resolve().parent / "locale" / "vi" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
if not COMPILED.exists() or COMPILED.stat().st_mtime < CATALOGUE.stat().st_mtime:
    import polib

    partial = COMPILED.with_name(f".{COMPILED.name}.{os.getpid()}")
    polib.pofile(str(CATALOGUE)).save_as_mofile(str(partial))  # translated entries only, as msgfmt
    partial.replace(COMPILED)
    # django.setup() (pytest-django runs it before this file) already loaded the catalogue without the .mo:
    # forget it, as Django itself does when LOCALE_PATHS changes.
    from django.utils.translation import trans_real

    trans_real._translations = {}
    trans_real._default = None
    # ... and so does the standard library, which keeps every parsed .mo by its path: a stale one read before
    # the compile above would otherwise be handed back (new texts then show in English).
    import gettext

    gettext._translations.clear()
