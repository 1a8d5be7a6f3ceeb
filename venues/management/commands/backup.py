from django.core.management.base import BaseCommand, CommandError

from venues.backup import BackupError, create_backup


class Command(BaseCommand):
    help = ("Write one archive of the database and the media files (MEDIA_ROOT and PRIVATE_MEDIA_ROOT), "
            "readable by its owner only. It holds personal data: keep it encrypted.")

    def add_arguments(self, parser):
        parser.add_argument("--output", default=None,
                            help="The archive to write (default: backups/jiuxiao-YYYYmmdd-HHMMSS.tar.gz).")

    def handle(self, *args, output=None, **options):
        try:
            path, manifest = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Wrote {path}: {manifest['database']['vendor']} database with "
            f"{sum(manifest['row_counts'].values())} rows in {len(manifest['row_counts'])} tables, "
            f"{len(manifest['files']) - 1} media files."
        )
