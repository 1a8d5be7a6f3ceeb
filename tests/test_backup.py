"""Backup and restore (venues/backup.py): an archive of a site with real data restores into an
empty database and empty media folders with the same rows in every table and the same files;
a changed archive, a database that is not empty and unsafe archive members are refused before
anything is written. The round trip runs on the suite's database vendor: CI runs the suite on
SQLite and again on PostgreSQL, so each run covers one."""

import hashlib
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

import pytest
from PIL import Image

from tests.factories import make_area_tree, make_document, make_image, make_staff, make_venue
from venues import crypto, photos

BASE_DIR = Path(__file__).resolve().parent.parent
NUMBER = "11010519491231002X"
# Backups are made outside a transaction (PostgreSQL's pg_dump sees committed rows only);
# the seeded rows (kinds, groups, pages) come back after each test.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# How the test itself lists a database's tables, independently of the code under test.
TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
}


def counts(cursor, vendor):
    cursor.execute(TABLES[vendor])
    tables = sorted(row[0] for row in cursor.fetchall())
    result = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
        result[table] = cursor.fetchone()[0]
    return result


def checksums(root):
    root = Path(root)
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in root.rglob("*") if path.is_file()}


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 120, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile("门头.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def media(settings, tmp_path, private_media):
    """This test's public and private media folders, so the archive holds only its files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT, private_media


@pytest.fixture
def site_data(media):
    tree = make_area_tree()
    staff = make_staff(tree["qinggang"], permissions=("access_admin", "view_venue", "add_venue"))
    venue = make_venue(tree["qinggang-1"], licence="unlicensed", credit_code="", no_code_reason="未办证",
                       operator_id_number=NUMBER)
    photo = photos.add_photo(venue, jpeg(), "storefront", staff)
    make_document(content="安全告知书".encode())
    make_image()
    return {"venue": venue, "photo": photo}


def use_empty_folders(settings, tmp_path):
    """Point the settings at empty media folders to restore into (after the backup)."""
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "restored-private"
    return settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT


def written(folders):
    return [path for root in folders if root.exists() for path in root.rglob("*")]


@pytest.fixture
def restore_target(tmp_path):
    """An empty database of the suite's vendor: its DATABASE_URL for `manage.py restore`, and a
    function that opens it with the plain driver."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)
        return
    import psycopg

    source = connection.settings_dict
    name = f"{source['NAME']}_restore"
    params = {"host": source["HOST"], "port": source["PORT"], "user": source["USER"],
              "password": source["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = source["USER"] + (f":{source['PASSWORD']}" if source["PASSWORD"] else "")
    yield (f"postgres://{auth}@{source['HOST']}:{source['PORT']}/{name}",
           lambda: psycopg.connect(dbname=name, **params))
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore_command(archive, database_url, media_root, private_root):
    """`manage.py restore` as an operator runs it on a new machine: its own process, configured
    by the environment only."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "PRIVATE_MEDIA_ROOT": str(private_root),
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "restore", str(archive)], cwd=BASE_DIR, env=env,
        capture_output=True, text=True, timeout=120,
    )


def backup(tmp_path):
    archive = tmp_path / "backups" / "site.tar.gz"
    call_command("backup", "--output", str(archive), stdout=io.StringIO())
    return archive


def repack(archive, target, change):
    """A copy of ``archive`` with ``change(name, data)`` applied to every member's bytes."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source:
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


@committed
def test_a_backup_restores_into_an_empty_database_with_the_same_rows_and_files(
        site_data, media, restore_target, tmp_path):
    archive = backup(tmp_path)
    with connection.cursor() as cursor:
        rows_before = counts(cursor, connection.vendor)
    files_before = {"media": checksums(media[0]), "private": checksums(media[1])}
    assert files_before["private"] and files_before["media"]  # a photo; a document and an image

    # The archive is for its owner's eyes only, and the ID number is in it as ciphertext.
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = tar.getnames()
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["migrations"]["venues"].startswith("00")
    assert f"private_media/{site_data['photo'].file.name}" in names

    database_url, open_restored = restore_target
    restored_media, restored_private = tmp_path / "new-media", tmp_path / "new-private"
    result = restore_command(archive, database_url, restored_media, restored_private)
    assert result.returncode == 0, result.stderr
    assert "checked against the archive" in result.stdout

    with open_restored() as restored:
        cursor = restored.cursor()
        assert counts(cursor, connection.vendor) == rows_before
        cursor.execute("SELECT id, operator_id_number, operator_id_hash FROM venues_venue")
        stored = {pk: (token, hashed) for pk, token, hashed in cursor.fetchall()}
        cursor.execute("SELECT file FROM venues_venuephoto")
        photo_files = [row[0] for row in cursor.fetchall()]
    token, hashed = stored[site_data["venue"].pk]
    assert NUMBER not in token and crypto.decrypt(token) == NUMBER
    assert hashed == crypto.keyed_hash(NUMBER)
    assert {"media": checksums(restored_media), "private": checksums(restored_private)} == files_before
    assert photo_files == [site_data["photo"].file.name]
    assert (restored_private / photo_files[0]).read_bytes() == site_data["photo"].file.read()


@committed
def test_a_changed_archive_is_refused_before_anything_is_restored(site_data, tmp_path, settings):
    photo_name = f"private_media/{site_data['photo'].file.name}"
    archive = repack(backup(tmp_path), tmp_path / "changed.tar.gz",
                     lambda name, data: data[:-1] + b"x" if name == photo_name else data)
    folders = use_empty_folders(settings, tmp_path)
    with pytest.raises(CommandError, match="damaged or was changed") as refused:
        call_command("restore", str(archive))
    assert photo_name in str(refused.value)
    # Refused for the checksum, before even looking at the (full) database; nothing written.
    assert written(folders) == []


def crafted(path, files=(), extra=None, **manifest):
    """An archive laid out as a backup of the suite's vendor, whose manifest lists ``files``
    (name: bytes) with their right checksums; ``extra`` is one more member, not listed."""
    dump = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    files = {dump: b"a database", **dict(files)}
    manifest = {"format": 1, "created_at": "2025-01-01T00:00:00+00:00",
                "database": {"vendor": connection.vendor, "file": dump}, "migrations": {}, "row_counts": {},
                "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                          for name, data in files.items()}, **manifest}
    members = [(tarfile.TarInfo(name), data) for name, data in files.items()]
    members.append((tarfile.TarInfo("manifest.json"), json.dumps(manifest).encode()))
    if extra is not None:
        members.append((extra, b"x" if extra.isreg() else b""))
    with tarfile.open(path, "w:gz") as tar:
        for member, data in members:
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return path


@pytest.mark.django_db
def test_restore_into_a_database_that_is_not_empty_is_refused(tmp_path, settings):
    archive = crafted(tmp_path / "good.tar.gz", files={"media/documents/notice.txt": b"text"})
    folders = use_empty_folders(settings, tmp_path)
    with pytest.raises(CommandError, match="database is not empty"):
        call_command("restore", str(archive))
    assert written(folders) == []


def test_a_backup_of_newer_code_is_refused(tmp_path, settings):
    """Refused before the database is touched (the test has no access to one)."""
    archive = crafted(tmp_path / "newer.tar.gz", migrations={"venues": "9999_from_the_future"})
    with pytest.raises(CommandError, match="venues.9999_from_the_future"):
        call_command("restore", str(archive))


def symlink(name, target):
    member = tarfile.TarInfo(name)
    member.type, member.linkname = tarfile.SYMTYPE, target
    return member


@pytest.mark.parametrize("member", [
    lambda tmp: tarfile.TarInfo("../evil.txt"),
    lambda tmp: tarfile.TarInfo("media/../../evil.txt"),
    lambda tmp: tarfile.TarInfo(str(tmp / "evil.txt")),
    lambda tmp: tarfile.TarInfo("settings.py"),
    lambda tmp: symlink("media/evil.txt", str(tmp / "target.txt")),
], ids=["parent", "parent-inside-media", "absolute", "unknown-place", "symlink"])
def test_unsafe_members_are_refused_without_writing_anything(member, tmp_path, settings):
    """Refused before the database is touched (the test has no access to one)."""
    folders = use_empty_folders(settings, tmp_path)
    archive = crafted(tmp_path / "crafted.tar.gz", extra=member(tmp_path))
    with pytest.raises(CommandError, match="refused"):
        call_command("restore", str(archive))
    assert written(folders) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["crafted.tar.gz"]
