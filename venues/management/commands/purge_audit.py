from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from venues import retention


class Command(BaseCommand):
    help = "Remove audit entries older than the retention period (at least 184 days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Keep this many days (default: settings.AUDIT_RETENTION_DAYS).")

    def handle(self, *args, days=None, **options):
        try:
            removed = retention.purge_audit(timezone.now(), days)
        except retention.RetentionError as error:
            raise CommandError(str(error)) from error
        kept = retention.days("audit") if days is None else days
        self.stdout.write(f"Removed {removed} audit entries older than {kept} days.")
