"""Backups of the database and the media files in one archive, and their restore (the
`backup` and `restore` commands; docs/deploy.md says how to run them).

The database is copied by its own tools, so the copy is exact and encrypted columns stay
ciphertext: SQLite's online backup (consistent while the site runs), PostgreSQL's pg_dump.
The archive holds a manifest (vendor, migrations, rows per table, a checksum of every
file); a restore checks every checksum before it changes anything, goes only into an empty
database and empty media folders, and checks rows and files against the manifest after.
The archive holds personal data: it is written readable by its owner only."""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from contextlib import closing
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader

FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why."""


def media_roots():
    """The folders backed up, by their name in the archive."""
    return {"media": Path(settings.MEDIA_ROOT), "private_media": Path(settings.PRIVATE_MEDIA_ROOT)}


def default_output():
    return Path("backups") / f"jiuxiao-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar.gz"


# --- What a database holds: tables, their rows, its migrations ---------------------------------
# Plain DB-API cursors, so the same queries count a live database (through Django) and a copy
# (through sqlite3).

TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT GLOB 'sqlite_*'",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = ANY (current_schemas(false))",
}


def table_names(cursor, vendor):
    cursor.execute(TABLES[vendor])
    return sorted(row[0] for row in cursor.fetchall())


def row_counts(cursor, vendor):
    counts = {}
    for table in table_names(cursor, vendor):
        quoted = '"{}"'.format(table.replace('"', '""'))
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608 - a name from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def latest_migrations(cursor):
    """The latest applied migration of each app (names are numbered, so the greatest)."""
    cursor.execute("SELECT app, name FROM django_migrations")
    latest = {}
    for app, name in cursor.fetchall():
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def sha256(path):
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


# --- PostgreSQL's tools: connection parameters from the settings, the password through the
# environment, never on the command line ----------------------------------------------------------

def _pg_env(settings_dict):
    options = settings_dict.get("OPTIONS") or {}
    values = {
        "PGHOST": settings_dict.get("HOST"), "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"), "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGSSLMODE": options.get("sslmode"), "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"), "PGSSLKEY": options.get("sslkey"),
    }
    env = dict(os.environ)
    env.update({name: str(value) for name, value in values.items() if value})
    return env


def _run_pg_tool(args, settings_dict):
    try:
        result = subprocess.run(  # noqa: S603 - fixed programs, arguments from our settings
            args, env=_pg_env(settings_dict), capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise BackupError(f"{args[0]} is not installed (it comes with the PostgreSQL client).") from error
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()}")


# --- Backup ---------------------------------------------------------------------------------------

def _dump_sqlite(connection, target):
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        return row_counts(cursor, "sqlite"), latest_migrations(cursor)


def _dump_postgresql(connection, target):
    """pg_dump of the snapshot in which the rows were counted, so the counts are exact even
    while the site writes."""
    if connection.in_atomic_block:
        raise BackupError("Run the backup outside a transaction.")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts, migrations = row_counts(cursor, "postgresql"), latest_migrations(cursor)
        _run_pg_tool(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                      f"--snapshot={snapshot}", f"--file={target}", connection.settings_dict["NAME"]],
                     connection.settings_dict)
    return counts, migrations


DUMPERS = {"sqlite": _dump_sqlite, "postgresql": _dump_postgresql}


def _files_under(root):
    """Regular files below ``root`` (links are not followed), by their path relative to it."""
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def _add_file(tar, name, path):
    """Add one file, with no owner or permissions of this machine; returns its checksum entry."""
    entry = {"sha256": sha256(path), "size": path.stat().st_size}
    info = tar.gettarinfo(path, arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    with open(path, "rb") as file:
        tar.addfile(info, file)
    return entry


def create_backup(output=None, using=DEFAULT_DB_ALIAS):
    """Write the archive (readable by its owner only) and return its path and manifest."""
    from .models import AuditEntry

    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DUMPERS:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    output = Path(output or default_output())
    if output.exists():
        raise BackupError(f"{output} exists already.")
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Recorded before the copy, so the archive holds its own entry too.
    AuditEntry.objects.using(using).create(action="backup.create", object_type="backup",
                                           object_id=output.name[:50], detail={"file": str(output)})
    partial = output.with_name(output.name + ".part")
    with tempfile.TemporaryDirectory(dir=output.parent) as staging:
        dump = Path(staging) / DUMPS[vendor]
        counts, migrations = DUMPERS[vendor](connection, dump)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "file": DUMPS[vendor]},
            "migrations": migrations,
            "row_counts": counts,
            "files": {},
        }
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                manifest["files"][DUMPS[vendor]] = _add_file(tar, DUMPS[vendor], dump)
                # Files after the database: one uploaded meanwhile is only an unused extra.
                for prefix, root in media_roots().items():
                    for relative, path in sorted(_files_under(root)):
                        try:
                            manifest["files"][f"{prefix}/{relative}"] = _add_file(tar, f"{prefix}/{relative}",
                                                                                   path)
                        except FileNotFoundError:
                            continue  # deleted by the site while we were copying
                content = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(content), 0o600, int(time.time())
                tar.addfile(info, io.BytesIO(content))
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return output, manifest


# --- Reading an archive: every member checked, every checksum compared ---------------------------

def _checked_name(member):
    """The member's name if it is a plain file at a place we write to; BackupError otherwise
    (links, devices, absolute paths, `..`, anything outside the archive's layout)."""
    name = member.name
    parts = PurePosixPath(name).parts
    if not member.isreg():
        raise BackupError(f"The archive holds {name!r}, which is not a plain file; refused.")
    if (not parts or name.startswith("/") or "\\" in name
            or any(part in ("", ".", "..") for part in parts) or name != "/".join(parts)):
        raise BackupError(f"The archive holds a file with an unsafe path, {name!r}; refused.")
    if not (name == MANIFEST or name in DUMPS.values() or (len(parts) > 1 and parts[0] in media_roots())):
        raise BackupError(f"The archive holds {name!r}, which no backup holds; refused.")
    return name


def unpack(archive, staging):
    """Extract ``archive`` into the folder ``staging`` and return its manifest, once every
    file is safe and matches the manifest's checksum."""
    staging = Path(staging)
    names = set()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = _checked_name(member)
                if name in names:
                    raise BackupError(f"The archive holds {name!r} twice; refused.")
                names.add(name)
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as source, open(target, "xb") as copy:
                    shutil.copyfileobj(source, copy, CHUNK)
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BackupError(f"{archive} cannot be read as a backup archive: {error}") from error
    if MANIFEST not in names:
        raise BackupError(f"{archive} holds no {MANIFEST}; it is not a backup of this site.")
    try:
        manifest = json.loads((staging / MANIFEST).read_text())
    except ValueError as error:
        raise BackupError(f"The manifest of {archive} cannot be read: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is in backup format {manifest.get('format')}; "
                          f"this version reads {FORMAT}.")
    if not {"database", "migrations", "row_counts", "files"} <= manifest.keys():
        raise BackupError(f"The manifest of {archive} is incomplete; it is not a backup of this site.")
    listed, held = set(manifest["files"]), names - {MANIFEST}
    if listed != held:
        raise BackupError(f"{archive} does not hold the files its manifest lists "
                          f"(missing: {sorted(listed - held)}, not listed: {sorted(held - listed)}).")
    changed = [name for name, expected in manifest["files"].items()
               if sha256(staging / name) != expected["sha256"]]
    if changed:
        raise BackupError(f"{archive} is damaged or was changed: the checksum of "
                          f"{', '.join(sorted(changed))} does not match the manifest. Nothing was restored.")
    return manifest


# --- Restore --------------------------------------------------------------------------------------

def _restore_sqlite(connection, dump):
    if connection.is_in_memory_db():
        raise BackupError("The database is configured in memory; restore needs a database file.")
    path = Path(connection.settings_dict["NAME"])
    connection.close()
    if Path(f"{path}-wal").exists():
        raise BackupError(f"{path} is in use (it has a -wal file): stop the site and its worker first.")
    partial = path.with_name(path.name + ".restoring")
    shutil.copyfile(dump, partial)
    os.chmod(partial, 0o600)
    os.replace(partial, path)


def _restore_postgresql(connection, dump):
    # One transaction: if anything fails, the database stays empty.
    _run_pg_tool(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                  f"--dbname={connection.settings_dict['NAME']}", str(dump)], connection.settings_dict)
    connection.close()


RESTORERS = {"sqlite": _restore_sqlite, "postgresql": _restore_postgresql}


def _media_targets(manifest):
    roots = media_roots()
    targets = {}
    for name in manifest["files"]:
        prefix, _slash, relative = name.partition("/")
        if prefix in roots:
            targets[name] = roots[prefix].joinpath(*relative.split("/"))
    return targets


def _unknown_migrations(manifest):
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return sorted(f"{app}.{name}" for app, name in manifest["migrations"].items() if (app, name) not in known)


def _differences(manifest, counts, targets):
    problems = []
    for table in sorted(set(manifest["row_counts"]) | set(counts)):
        expected, found = manifest["row_counts"].get(table), counts.get(table)
        if expected != found:
            problems.append(f"table {table}: {found} rows, the backup had {expected}")
    for name, path in sorted(targets.items()):
        if not path.is_file() or sha256(path) != manifest["files"][name]["sha256"]:
            problems.append(f"file {name} differs from the backup")
    return problems


def restore_backup(archive, using=DEFAULT_DB_ALIAS):
    """Restore ``archive`` into the configured (empty) database and (empty) media folders and
    check the result against its manifest; returns the manifest."""
    connection = connections[using]
    with tempfile.TemporaryDirectory() as staging:
        manifest = unpack(archive, staging)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor or DUMPS.get(vendor) not in manifest["files"]:
            raise BackupError(f"The backup is of a {vendor} database; this site uses {connection.vendor}.")
        unknown = _unknown_migrations(manifest)
        if unknown:
            raise BackupError("The backup was made by a newer or different version of the code "
                              f"(migrations unknown here: {', '.join(unknown)}). Install that version, "
                              "then restore.")
        with connection.cursor() as cursor:
            if table_names(cursor, vendor):
                raise BackupError("The database is not empty; restore only into a new, empty database.")
        targets = _media_targets(manifest)
        existing = sorted(str(path) for path in targets.values() if path.exists())
        if existing:
            raise BackupError(f"{len(existing)} media files exist already (e.g. {existing[0]}); "
                              "restore only into empty media folders.")
        RESTORERS[vendor](connection, Path(staging) / DUMPS[vendor])
        for name, path in targets.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(Path(staging) / name, path)
            os.chmod(path, settings.FILE_UPLOAD_PERMISSIONS or 0o600)
    with connection.cursor() as cursor:
        problems = _differences(manifest, row_counts(cursor, vendor), targets)
    if problems:
        raise BackupError("The restored data does not match the backup:\n  " + "\n  ".join(problems))
    return manifest
