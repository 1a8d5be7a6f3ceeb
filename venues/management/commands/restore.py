from django.core.management.base import BaseCommand, CommandError

from venues.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restore an archive written by `backup` into the configured database, which must be empty, "
            "and the empty media folders; then check rows and files against the archive.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz file written by `manage.py backup`.")

    def handle(self, *args, archive, **options):
        try:
            manifest = restore_backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {archive} (made {manifest['created_at']}): "
            f"{sum(manifest['row_counts'].values())} rows in {len(manifest['row_counts'])} tables and "
            f"{len(manifest['files']) - 1} media files, all checked against the archive. "
            "Next: manage.py migrate (if the code is newer than the backup), then start the site."
        )
