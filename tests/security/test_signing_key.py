"""Finding L5: a secret key was committed (``cercle/var/secret_key``, made by a command run in ``cercle/``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GIT = shutil.which("git") or "git"


def _settings_value(expression: str, *, cwd: Path, env: dict[str, str]) -> str:
    code = f"import cercle.settings as s; print({expression})"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def _clean_env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if k not in {"CERCLE_DATA_DIR", "SECRET_KEY", "CERCLE_SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }


def test_no_secret_key_file_is_tracked_by_git() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        [GIT, "ls-files"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert [p for p in tracked if p.rsplit("/", 1)[-1] == "secret_key" or "/var/" in f"/{p}"] == []


def test_data_dir_does_not_depend_on_the_working_directory(tmp_path: Path) -> None:
    """Run from ``cercle/`` (or anywhere), the data stays where it was: no stray ``var/``."""
    env = _clean_env()
    from_root = _settings_value("s.DATA_DIR", cwd=ROOT, env=env)
    from_package = _settings_value("s.DATA_DIR", cwd=ROOT / "cercle", env=env)
    from_elsewhere = _settings_value("s.DATA_DIR", cwd=tmp_path, env=env)
    assert from_root == from_package == from_elsewhere
    assert not (ROOT / "cercle" / "var").exists()
    assert not (tmp_path / "var").exists()


def test_a_deployment_sets_its_own_secret_key(tmp_path: Path) -> None:
    env = {**_clean_env(), "CERCLE_DATA_DIR": str(tmp_path), "CERCLE_SECRET_KEY": "k" * 60}
    assert _settings_value("s.SECRET_KEY", cwd=tmp_path, env=env) == "k" * 60
    assert not (tmp_path / "secret_key").exists()  # nothing generated when one is given


def test_var_is_ignored_at_any_depth() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    for path in ("var/secret_key", "cercle/var/secret_key", "cercle/posts/var/x", "secret_key"):
        ignored = subprocess.run(
            [GIT, "check-ignore", "-q", "--no-index", path],
            cwd=ROOT,
        )
        assert ignored.returncode == 0, path
