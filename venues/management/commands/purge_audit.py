import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from venues.models import AuditEntry

# 等保 level 2 asks that audit records be kept at least six months.
MINIMUM_DAYS = 184


class Command(BaseCommand):
    help = "Remove audit entries older than the retention period (at least 184 days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Keep this many days (default: settings.AUDIT_RETENTION_DAYS).")

    def handle(self, *args, days=None, **options):
        days = days if days is not None else settings.AUDIT_RETENTION_DAYS
        if days < MINIMUM_DAYS:
            raise CommandError(f"Audit entries are kept at least {MINIMUM_DAYS} days; {days} is too few.")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        removed, _by_model = AuditEntry.objects.purge_before(cutoff)
        AuditEntry.objects.create(action="audit.purge", object_type="auditentry", object_id="",
                                  detail={"before": cutoff.isoformat(), "removed": removed, "days": days})
        self.stdout.write(f"Removed {removed} audit entries older than {days} days.")
