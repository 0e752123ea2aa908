"""Backups: the database and every file in one archive, and back.

An archive is a tar file (gzip-compressed) holding:

- ``manifest.json``: the format, when it was made, the database's engine,
  the migrations applied, and how many files;
- ``database.dump`` (PostgreSQL, ``pg_dump``'s custom format: one consistent
  snapshot, whatever is written meanwhile) or ``database.sqlite3`` (SQLite,
  its online backup API: a consistent copy while the site runs);
- ``files/...``: every file of the storage (the data dir or the S3 bucket),
  read through Django's storage API, so both modes back up the same way.

The database is copied first and the files after: a file written in
between is in the archive without a row that names it (harmless), never the
reverse.  The engines' own tools are used rather than Django's
``dumpdata``: they are exact (search indexes, sequences) and fast, and the
archive is restored on the same engine it came from.

Restoring replaces the database and the files named in the archive.  An
archive made by newer code (migrations this code does not know) is refused;
one made by older code is migrated forward after it is restored.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1


class BackupError(Exception):
    """What went wrong, said for the person running the command."""


@dataclass(frozen=True)
class Summary:
    path: Path
    engine: str
    files: int
    size: int


# --- What is stored ----------------------------------------------------------------------


def stored_files(storage: Storage | None = None, directory: str = "") -> Iterator[str]:
    """Every file name in ``storage``, depth first."""
    storage = storage or default_storage
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # an empty data dir has no media directory yet
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(directories):
        yield from stored_files(storage, f"{directory}/{sub}" if directory else sub)


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the default database (no password on a command line)."""
    settings = connection.settings_dict
    env = {**os.environ, "PGDATABASE": settings["NAME"], "PGCONNECT_TIMEOUT": "10"}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            _("%(tool)s is missing: install PostgreSQL's client tools.") % {"tool": command[0]}
        )
    done = subprocess.run(command, env=_pg_environment(), capture_output=True, check=False)  # noqa: S603
    if done.returncode:
        raise BackupError(f"{command[0]}: {done.stderr.decode(errors='replace').strip()[-2000:]}")


# --- Backup ------------------------------------------------------------------------------


def backup(path: Path, storage: Storage | None = None) -> Summary:
    """Write the database and every file into the archive ``path`` (replaced if it exists)."""
    storage = storage or default_storage
    engine = _engine()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    count = 0
    with tempfile.TemporaryDirectory(prefix="cercle-backup-") as tmp:
        database = Path(tmp) / ("database.dump" if engine == "postgresql" else "database.sqlite3")
        if engine == "postgresql":
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(database)]
            )
        else:
            connection.ensure_connection()
            source = connection.connection
            target = sqlite3.connect(database)
            try:
                source.backup(target)
            finally:
                target.close()
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            archive.add(database, arcname=database.name)
            for name in stored_files(storage):
                with storage.open(name, "rb") as handle:
                    data = handle.read()
                info = tarfile.TarInfo(f"files/{name}")
                info.size = len(data)
                info.mtime = int(timezone.now().timestamp())
                archive.addfile(info, io.BytesIO(data))
                count += 1
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "engine": engine,
                "database": database.name,
                "migrations": _applied_migrations(),
                "files": count,
            }
            raw = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
    partial.replace(path)  # a complete archive, or none
    return Summary(path, engine, count, path.stat().st_size)


# --- Restore -----------------------------------------------------------------------------


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile("manifest.json")
    except KeyError:
        member = None
    if member is None:
        raise BackupError(_("This is not a Cercle backup (no manifest.json)."))
    manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("This backup's format (%(found)s) is not one this version reads (%(known)s).")
            % {"found": manifest.get("format"), "known": FORMAT}
        )
    return manifest


def _check_compatible(manifest: dict[str, Any]) -> None:
    from django.db.migrations.loader import MigrationLoader

    if manifest["engine"] != _engine():
        raise BackupError(
            _(
                "This backup comes from %(found)s and this site runs on %(here)s: "
                "restore it on the same database engine."
            )
            % {"found": manifest["engine"], "here": _engine()}
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]
    if unknown:
        raise BackupError(
            _("This backup was made by a newer version of Cercle (unknown migrations: %(names)s).")
            % {"names": ", ".join(unknown[:5])}
        )


def restore(path: Path, storage: Storage | None = None) -> Summary:
    """Replace the database and the archive's files with the archive's; migrate forward."""
    storage = storage or default_storage
    if not path.is_file():
        raise BackupError(_("No backup at %(path)s.") % {"path": path})
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as error:
        raise BackupError(_("This file is not a readable backup archive.")) from error
    count = 0
    with archive, tempfile.TemporaryDirectory(prefix="cercle-restore-") as tmp:
        manifest = read_manifest(archive)
        _check_compatible(manifest)
        member = archive.getmember(manifest["database"])
        archive.extract(member, tmp, filter="data")
        database = Path(tmp) / member.name
        connections.close_all()
        if manifest["engine"] == "postgresql":
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "-d",
                    connection.settings_dict["NAME"],
                    str(database),
                ]
            )
        else:
            source = sqlite3.connect(database)
            connection.ensure_connection()
            try:
                source.backup(connection.connection)
            finally:
                source.close()
                connection.close()
        for item in archive:
            if not item.isfile() or not item.name.startswith("files/"):
                continue
            name = str(PurePosixPath(item.name).relative_to("files"))
            if ".." in PurePosixPath(name).parts:
                raise BackupError(
                    _("The archive names a file outside the storage: %(name)s") % {"name": name}
                )
            handle = archive.extractfile(item)
            if handle is None:
                continue
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(_("The file %(name)s could not be put back.") % {"name": name})
            count += 1
    call_command("migrate", interactive=False, verbosity=0)  # an older backup, brought forward
    return Summary(path, manifest["engine"], count, path.stat().st_size)
