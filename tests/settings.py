"""Test settings: the real settings, with what only slows tests down swapped out.

The database is whatever ``DATABASE_URL`` says (SQLite by default, PostgreSQL
in CI's second run): never a mock.
"""

import tempfile
from pathlib import Path

from cercle.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="cercle-test-media-"))
LANGUAGE_CODE = "fr"
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="cercle-test-static-"))

if DATABASES["default"]["ENGINE"] == "cercle.core.sqlite":  # noqa: F405
    # A file, not memory: the browser tests' live server answers several requests at
    # once from its threads, and an in-memory SQLite database is one shared connection.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.mkdtemp(prefix="cercle-test-db-")) / "test.sqlite3")
    }

# The tests enqueue periodic tasks themselves, with a controlled clock.
CERCLE_PERIODIC_TASKS: dict[str, float] = {}
