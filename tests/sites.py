"""Sites of their own for the tests that start ``cercle`` as a separate process.

Each gets a fresh SQLite file in its own data directory, never the test
database.  Migrating and collecting the static files took 9 s a site; both
are done once per run (``site_template``, in ``tests/conftest.py``) and copied.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CERCLE = [sys.executable, "-m", "cercle"]


def site_env(path: Path) -> dict[str, str]:
    """The environment of ``cercle`` commands for the site in ``path``."""
    return {
        **os.environ,
        "CERCLE_DATA_DIR": str(path),
        "DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "cercle.settings",
    }


def make_template(path: Path) -> Path:
    env = site_env(path)
    subprocess.run([*CERCLE, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*CERCLE, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    return path


def own_site(path: Path, template: Path, *, static: bool = True) -> dict[str, str]:
    """A copy of ``template``'s site in ``path``, and its environment.

    Its static files are the template's (serve it with ``--no-collectstatic``),
    or none with ``static=False``, for ``cercle serve`` to collect.
    """
    path.mkdir(parents=True, exist_ok=True)
    for item in template.iterdir():
        if item.name == "static":
            if static:
                (path / "static").symlink_to(item, target_is_directory=True)
        elif item.is_file():
            shutil.copy2(item, path / item.name)
    return site_env(path)
